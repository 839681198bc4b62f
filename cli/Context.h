#pragma once

#include "ApiClient.h"
#include "CommandLine.h"
#include "CredentialStore.h"
#include "ExitCode.h"
#include "Output.h"
#include "ProfileStore.h"

#include <QObject>

namespace datarecs::cli {

/// What one run of a command works with: its parsed command line, the client, where the output
/// goes, and how it ends. Commands call done() or fail() exactly once.
class Context : public QObject
{
    Q_OBJECT
public:
    enum class CredentialSource { None, EnvironmentApiKey, Session };

    Context(const CommandLine &commandLine, Output output, QObject *parent = nullptr);

    const CommandLine &args;
    Output output;
    ApiClient client;
    ProfileStore profiles;
    CredentialStore credentials;
    QUrl server;
    CredentialSource source = CredentialSource::None;

    void done(int code = ExitCode::Ok);
    /// Prints the error's message (and its HTTP details) on stderr and ends with its exit code.
    void fail(const ApiError &error);
    void fail(int code, const QString &message);

    static QString tableTime(const std::optional<QDateTime> &time, const QString &none = QStringLiteral("-"));
    static QString csvTime(const std::optional<QDateTime> &time);

    /// Reads "2027-03-01", "2027-03-01T08:00:00Z" or a relative "90d"/"12h" (later than now when
    /// forward, else earlier). nullopt when the text is none of these.
    static std::optional<QDateTime> parseWhen(const QString &text, bool forward);
    /// True for the relative forms ("90d"), whose time depends on when the command runs.
    static bool isRelativeWhen(const QString &text);

Q_SIGNALS:
    void finished(int code);

private:
    bool m_done = false;
};

} // namespace datarecs::cli
