#include "Terminal.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iterator>
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

namespace {
QString s_stdoutError;
} // namespace

bool out(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    errno = 0;
    const bool ok = std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout) == size_t(bytes.size())
        && std::fflush(stdout) == 0;
    if (!ok && s_stdoutError.isEmpty())
        s_stdoutError = QString::fromLocal8Bit(std::strerror(errno != 0 ? errno : EIO));
    return ok;
}

QString stdoutError() { return s_stdoutError; }

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

namespace {
// The terminal's settings while echo is off, for the signal handler to put back.
termios s_echoing{};

extern "C" void restoreEchoAndDie(int signal)
{
    // Only async-signal-safe calls: without this, Ctrl-C at the prompt would leave a shell that does
    // not repair the terminal (dash, sh) typing blind.
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &s_echoing);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}
} // namespace

std::optional<QString> readSecret(const QString &prompt)
{
    if (!stdinIsTty()) return readStdinLine();
    err(prompt);
    ::tcgetattr(STDIN_FILENO, &s_echoing);
    termios quiet = s_echoing;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    quiet.c_lflag |= ECHONL; // still move to the next line when Enter is pressed
    constexpr int Signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction restore{};
    restore.sa_handler = restoreEchoAndDie;
    sigemptyset(&restore.sa_mask);
    struct sigaction previous[std::size(Signals)]{};
    for (size_t i = 0; i < std::size(Signals); ++i)
        ::sigaction(Signals[i], &restore, &previous[i]);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    std::optional<QString> line = readStdinLine();
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &s_echoing);
    for (size_t i = 0; i < std::size(Signals); ++i)
        ::sigaction(Signals[i], &previous[i], nullptr);
    return line;
}

} // namespace datarecs::cli::Terminal
