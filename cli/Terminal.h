#pragma once

#include <QString>

#include <optional>

namespace datarecs::cli {

/// Everything the CLI does with its standard streams and the terminal behind them.
namespace Terminal {

bool stdinIsTty();
bool stdoutIsTty();
bool stderrIsTty();

/// To stdout, as UTF-8, flushed. False when not all of it got out (a full disk, a closed stdout).
bool out(const QString &text);
/// Why writing to stdout failed, once it has; empty while every write succeeded.
QString stdoutError();
void err(const QString &text); ///< to stderr, as UTF-8, flushed

/// One line from stdin without its line end; nullopt at end of input. On a terminal the prompt
/// goes to stderr first.
std::optional<QString> readLine(const QString &prompt);

/// Like readLine, but with echo switched off when stdin is a terminal (termios), so a password
/// never appears on screen. Without a terminal it reads the next line of stdin, for scripts/tests.
std::optional<QString> readSecret(const QString &prompt);

} // namespace Terminal
} // namespace datarecs::cli
