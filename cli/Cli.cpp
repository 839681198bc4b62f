#include "Cli.h"

#include "AccountCommands.h"
#include "ApiKeyCommands.h"
#include "AuditCommands.h"
#include "Context.h"
#include "DirectoryCommands.h"
#include "KeyFormat.h"
#include "Terminal.h"

#include <QHash>

#include <functional>

using namespace Qt::StringLiterals;

namespace datarecs::cli {

namespace {

using Handler = std::function<void(Context &)>;

const QHash<QString, Handler> &handlers()
{
    static const QHash<QString, Handler> all{
        {u"login"_s, AccountCommands::login},
        {u"logout"_s, AccountCommands::logout},
        {u"whoami"_s, AccountCommands::whoami},
        {u"api-key list"_s, ApiKeyCommands::list},
        {u"api-key show"_s, ApiKeyCommands::show},
        {u"api-key create"_s, ApiKeyCommands::create},
        {u"api-key update"_s, ApiKeyCommands::update},
        {u"api-key enable"_s, ApiKeyCommands::enable},
        {u"api-key disable"_s, ApiKeyCommands::disable},
        {u"api-key delete"_s, ApiKeyCommands::remove},
        {u"api-key rotate"_s, ApiKeyCommands::rotate},
        {u"api-key check"_s, ApiKeyCommands::check},
        {u"audit list"_s, AuditCommands::list},
        {u"audit export"_s, AuditCommands::exportEvents},
        {u"audit verify"_s, AuditCommands::verify},
        {u"roles"_s, DirectoryCommands::roles},
        {u"workspaces"_s, DirectoryCommands::workspaces},
        {u"quota"_s, DirectoryCommands::quota},
    };
    return all;
}

} // namespace

Cli::Cli(QObject *parent)
    : QObject(parent)
{}

void Cli::run(const QStringList &arguments)
{
    switch (m_commandLine.parse(arguments)) {
    case CommandLine::Outcome::Help:
        Terminal::out(m_commandLine.helpText());
        return Q_EMIT finished(Ok);
    case CommandLine::Outcome::Version:
        Terminal::out(u"datarecs " DATARECS_VERSION "\n"_s);
        return Q_EMIT finished(Ok);
    case CommandLine::Outcome::Error:
        Terminal::err(u"datarecs: "_s + m_commandLine.error() + u'\n' + m_commandLine.helpHint() + u'\n');
        return Q_EMIT finished(Usage);
    case CommandLine::Outcome::Run:
        break;
    }
    const QString name = m_commandLine.command()->name;

    Output::Format format = Output::Format::Table;
    if (name != u"audit export" && m_commandLine.isSet(u"output"_s)) {
        const std::optional<Output::Format> f = Output::parseFormat(m_commandLine.value(u"output"_s));
        if (!f) {
            Terminal::err(u"datarecs: --output must be table, json or csv.\n"_s);
            return Q_EMIT finished(Usage);
        }
        format = *f;
    }

    auto *ctx = new Context(m_commandLine, Output(format), this);
    connect(ctx, &Context::finished, this, &Cli::finished);

    // The server: --server, else $DATARECS_SERVER, else the one of the last login.
    QString serverText = m_commandLine.value(u"server"_s);
    // Set but blank is a mistake to report (as for DATARECS_API_KEY below), not a reason to fall back
    // on the last login's server, which may be another environment than the script's.
    if (serverText.isEmpty() && qEnvironmentVariableIsSet("DATARECS_SERVER") &&
        qEnvironmentVariable("DATARECS_SERVER").trimmed().isEmpty())
        return ctx->fail(Usage, tr("DATARECS_SERVER is set but empty: give it the server's URL, or unset it."));
    if (serverText.isEmpty()) serverText = qEnvironmentVariable("DATARECS_SERVER").trimmed();
    if (serverText.isEmpty()) {
        if (const std::optional<QUrl> last = ctx->profiles.defaultServer()) serverText = last->toString();
    }
    if (serverText.isEmpty())
        return ctx->fail(Usage,
                         tr("Which server? Pass --server URL, set DATARECS_SERVER, or sign in once with "
                            "'datarecs login --server URL'."));
    const QUrl server(serverText, QUrl::StrictMode);
    if (!server.isValid() || (server.scheme() != u"https" && server.scheme() != u"http") ||
        server.host().isEmpty())
        return ctx->fail(Usage,
                         tr("\"%1\" is not a server address: use a URL such as https://datarecs.example.com.")
                             .arg(serverText));
    ctx->server = ProfileStore::normalizeServer(server);
    ctx->client.setBaseUrl(ctx->server);

    const Handler handler = handlers().value(name);
    if (name == u"login" || name == u"logout") return handler(*ctx);
    withCredential(*ctx, handler);
}

void Cli::withCredential(Context &ctx, const std::function<void(Context &)> &command)
{
    // An API key from the environment wins: that is how CI runs the CLI. Its format is checked here,
    // before it is ever sent.
    // Set but blank is an error, not "unset": a CI system hands a missing secret over as an empty
    // variable, and carrying on with whatever login session the machine holds would act as someone
    // the pipeline never meant to be.
    const QString envKey = qEnvironmentVariable("DATARECS_API_KEY").trimmed();
    if (qEnvironmentVariableIsSet("DATARECS_API_KEY") && envKey.isEmpty())
        return ctx.fail(Unauthenticated,
                        tr("DATARECS_API_KEY is set but empty (a CI secret that is missing or not passed "
                           "on?): give it the key's value, or unset it to use the login session."));
    if (!envKey.isEmpty()) {
        const KeyFormat::Check check = KeyFormat::check(envKey);
        if (check != KeyFormat::Check::Valid)
            return ctx.fail(
                Unauthenticated,
                tr("DATARECS_API_KEY does not hold a valid API key: %1").arg(KeyFormat::describe(check)));
        ctx.client.setCredential(envKey);
        ctx.source = Context::CredentialSource::EnvironmentApiKey;
        return command(ctx);
    }

    const QString server = ctx.server.toString();
    const std::optional<Profile> profile = ctx.profiles.find(ctx.server);
    if (!profile)
        return ctx.fail(Unauthenticated,
                        tr("You are not signed in to %1: run 'datarecs login --server %1', or set "
                           "DATARECS_API_KEY.")
                            .arg(server));
    if (profile->tokenExpiresAt && *profile->tokenExpiresAt < QDateTime::currentDateTimeUtc())
        return ctx.fail(
            Unauthenticated,
            tr("Your session on %1 expired: run 'datarecs login --server %1' again.").arg(server));
    CredentialJob *job = ctx.credentials.read(ctx.server, profile->account);
    connect(job, &CredentialJob::finished, &ctx, [&ctx, job, command, server] {
        switch (job->status()) {
        case CredentialJob::Status::Ok:
            ctx.client.setCredential(job->secret());
            ctx.source = Context::CredentialSource::Session;
            return command(ctx);
        case CredentialJob::Status::NotFound:
            return ctx.fail(Unauthenticated,
                            tr("You are not signed in to %1: run 'datarecs login --server %1', or "
                               "set DATARECS_API_KEY.")
                                .arg(server));
        case CredentialJob::Status::KeychainUnavailable:
            return ctx.fail(
                KeychainUnavailable,
                tr("The system keychain is unavailable (%1), so the login session cannot be read: set "
                   "DATARECS_API_KEY, or run where a keychain (Secret Service) is available.")
                    .arg(job->errorString()));
        }
    });
}

} // namespace datarecs::cli
