#include "Terminal.h"

#include <cstdio>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace datarecs::cli::Terminal {

bool stdinIsTty()
{
    return ::isatty(STDIN_FILENO) == 1;
}
bool stdoutIsTty()
{
    return ::isatty(STDOUT_FILENO) == 1;
}
bool stderrIsTty()
{
    return ::isatty(STDERR_FILENO) == 1;
}

void out(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void err(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

namespace {

std::optional<QString> readStdinLine()
{
    std::string line;
    int c = 0;
    bool any = false;
    while ((c = std::fgetc(stdin)) != EOF) {
        any = true;
        if (c == '\n') break;
        line.push_back(char(c));
    }
    if (!any) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return QString::fromStdString(line);
}

} // namespace

std::optional<QString> readLine(const QString &prompt)
{
    if (stdinIsTty()) err(prompt);
    return readStdinLine();
}

std::optional<QString> readSecret(const QString &prompt)
{
    if (!stdinIsTty()) return readStdinLine();
    err(prompt);
    termios saved{};
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    quiet.c_lflag |= ECHONL; // still move to the next line when Enter is pressed
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    std::optional<QString> line = readStdinLine();
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    return line;
}

} // namespace datarecs::cli::Terminal
