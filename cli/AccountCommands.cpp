#include "AccountCommands.h"

#include "Context.h"
#include "Terminal.h"

#include <QJsonArray>

#include <functional>

using namespace Qt::StringLiterals;

namespace datarecs::cli::AccountCommands {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("AccountCommands", text);
}

void storeSession(Context &ctx, const LoginResult &login, const QString &oldToken, const QString &oldAccount);

void signIn(Context &ctx, const QString &email, const QString &password, const QString &oldToken,
            const QString &oldAccount)
{
    ApiCall<LoginResult> *call = ctx.client.login(email, password);
    call->onFinished(&ctx, [&ctx, oldToken, oldAccount](const Result<LoginResult> &r) {
        if (!r) return ctx.fail(r.error());
        storeSession(ctx, r.value(), oldToken, oldAccount);
    });
}

/// Ends the session that a new login on the same server replaces: the profile keeps one account per
/// server, so the old session would otherwise stay valid on the server, and (for another account) in
/// the keychain, where no logout could reach it any more. Best effort: the new session is kept anyway.
void endReplacedSession(Context &ctx, const QString &oldToken, const QString &oldAccount, const QString &newAccount,
                        std::function<void()> then)
{
    auto forget = [&ctx, oldAccount, newAccount, then] {
        if (oldAccount == newAccount) return then(); // its entry now holds the new session
        CredentialJob *remove = ctx.credentials.remove(ctx.server, oldAccount);
        QObject::connect(remove, &CredentialJob::finished, &ctx, then);
    };
    if (oldToken.isEmpty()) return forget();
    ctx.client.setCredential(oldToken);
    ctx.client.logout()->onFinished(&ctx, [forget](const Result<NoContent> &) { forget(); });
}

void storeSession(Context &ctx, const LoginResult &login, const QString &oldToken, const QString &oldAccount)
{
    CredentialJob *job = ctx.credentials.write(ctx.server, login.user.email, login.token);
    QObject::connect(job, &CredentialJob::finished, &ctx, [&ctx, job, login, oldToken, oldAccount] {
        if (job->status() != CredentialJob::Status::Ok) {
            // Keep nothing: end the session the server just opened, then say why.
            ctx.client.setCredential(login.token);
            ApiCall<NoContent> *logout = ctx.client.logout();
            const QString reason = job->errorString();
            logout->onFinished(&ctx, [&ctx, reason](const Result<NoContent> &) {
                ctx.fail(KeychainUnavailable,
                         tr("The system keychain is unavailable (%1), so the session could not be kept and "
                            "nothing was stored: sign in where a keychain (Secret Service) runs, or use an "
                            "API key through DATARECS_API_KEY.")
                             .arg(reason));
            });
            return;
        }
        ctx.profiles.save({ctx.server, login.user.email, login.expiresAt});
        ctx.profiles.setDefaultServer(ctx.server);
        Terminal::err(tr("Signed in to %1 as %2 <%3>; the session is kept in the system keychain until %4.\n")
                          .arg(ctx.server.toString(), login.user.name, login.user.email,
                               Context::tableTime(login.expiresAt) + u" UTC"_s));
        if (oldAccount.isEmpty()) return ctx.done();
        endReplacedSession(ctx, oldToken, oldAccount, login.user.email, [&ctx, oldAccount] {
            Terminal::err(tr("The previous session on this server (%1) was ended.\n").arg(oldAccount));
            ctx.done();
        });
    });
}

/// Signs in, after reading the session this login will replace (if any), while it is still stored.
void signInReplacing(Context &ctx, const QString &email, const QString &password)
{
    const std::optional<Profile> previous = ctx.profiles.find(ctx.server);
    if (!previous) return signIn(ctx, email, password, {}, {});
    CredentialJob *read = ctx.credentials.read(ctx.server, previous->account);
    QObject::connect(read, &CredentialJob::finished, &ctx, [&ctx, read, previous, email, password] {
        const QString oldToken = read->status() == CredentialJob::Status::Ok ? read->secret() : QString();
        signIn(ctx, email, password, oldToken, previous->account);
    });
}

} // namespace

void login(Context &ctx)
{
    // Probe the keychain first, so nobody types a password for a session that cannot be kept.
    CredentialJob *probe = ctx.credentials.read(ctx.server, u"datarecs-probe"_s);
    QObject::connect(probe, &CredentialJob::finished, &ctx, [&ctx, probe] {
        if (probe->status() == CredentialJob::Status::KeychainUnavailable) {
            return ctx.fail(
                KeychainUnavailable,
                tr("The system keychain is unavailable (%1), so a login session cannot be kept; "
                   "nothing was stored. Sign in where a keychain (Secret Service) runs, or use an "
                   "API key through DATARECS_API_KEY.")
                    .arg(probe->errorString()));
        }
        QString email = ctx.args.value(u"email"_s).trimmed();
        if (email.isEmpty()) email = Terminal::readLine(tr("Email: ")).value_or(QString()).trimmed();
        if (email.isEmpty())
            return ctx.fail(Usage, tr("No email given: pass --email or type it when asked."));
        const std::optional<QString> password = Terminal::readSecret(tr("Password for %1: ").arg(email));
        if (!password || password->isEmpty())
            return ctx.fail(Usage,
                            tr("No password given: type it when asked, or give it on standard input."));
        signInReplacing(ctx, email, *password);
    });
}

void logout(Context &ctx)
{
    const std::optional<Profile> profile = ctx.profiles.find(ctx.server);
    if (!profile)
        return ctx.fail(Unauthenticated, tr("You are not signed in to %1.").arg(ctx.server.toString()));
    CredentialJob *read = ctx.credentials.read(ctx.server, profile->account);
    QObject::connect(read, &CredentialJob::finished, &ctx, [&ctx, read, profile] {
        auto forget = [&ctx, profile] {
            CredentialJob *remove = ctx.credentials.remove(ctx.server, profile->account);
            QObject::connect(remove, &CredentialJob::finished, &ctx, [&ctx, remove, profile] {
                if (remove->status() == CredentialJob::Status::KeychainUnavailable)
                    return ctx.fail(KeychainUnavailable,
                                    tr("The session could not be removed from the keychain (%1): try again.")
                                        .arg(remove->errorString()));
                ctx.profiles.remove(ctx.server);
                Terminal::err(tr("Signed out of %1 (%2).\n").arg(ctx.server.toString(), profile->account));
                ctx.done();
            });
        };
        if (read->status() == CredentialJob::Status::KeychainUnavailable)
            return ctx.fail(
                KeychainUnavailable,
                tr("The system keychain is unavailable (%1): the session cannot be read or removed.")
                    .arg(read->errorString()));
        if (read->status() == CredentialJob::Status::NotFound) return forget();
        // End the session on the server too; an already expired one is fine to forget.
        ctx.client.setCredential(read->secret());
        ApiCall<NoContent> *call = ctx.client.logout();
        call->onFinished(&ctx, [&ctx, forget](const Result<NoContent> &r) {
            if (!r && r.error().kind() != ApiError::Kind::Http)
                return ctx.fail(r.error()); // server unreachable: keep the session, so logout can be retried
            forget();
        });
    });
}

void whoami(Context &ctx)
{
    ApiCall<Identity> *call = ctx.client.me();
    call->onFinished(&ctx, [&ctx](const Result<Identity> &r) {
        if (!r) return ctx.fail(r.error());
        const Identity &id = r.value();
        QList<Output::Field> fields;
        fields.append({u"Server"_s, ctx.server.toString()});
        fields.append({u"Signed in as"_s, id.isApiKey() ? u"API key"_s : u"user"_s});
        fields.append({u"Tenant"_s, u"%1 (%2)"_s.arg(id.tenant.name, id.tenant.id)});
        if (id.user)
            fields.append({u"User"_s, u"%1 <%2> (%3)"_s.arg(id.user->name, id.user->email, id.user->id)});
        if (id.apiKey) fields.append({u"API key"_s, u"%1 (%2)"_s.arg(id.apiKey->name, id.apiKey->id)});
        fields.append({u"Role"_s, id.role.value_or(u"-"_s)});
        fields.append(
            {u"Workspace"_s, id.workspace ? u"%1 (%2)"_s.arg(id.workspace->name, id.workspace->id) : u"-"_s});
        QStringList wsRoles, wsRolesRaw;
        for (const WorkspaceRole &wr : id.workspaceRoles) {
            wsRoles.append(u"%1 in %2"_s.arg(wr.role, wr.workspace.name));
            wsRolesRaw.append(u"%1:%2"_s.arg(wr.workspace.id, wr.role));
        }
        fields.append({u"Workspace roles"_s, wsRoles.isEmpty() ? u"-"_s : wsRoles.join(u", "_s)});
        fields.append({u"Permissions"_s, id.permissions.join(u' ')});
        fields.append({u"Expires"_s, Context::tableTime(id.expiresAt, u"never"_s)});
        // CSV: every column always (empty when it does not apply), split into ids and names, raw
        // values as in the JSON; lists space-separated as in `roles --output csv`.
        const Output::Rows csv{
            {u"server"_s, u"kind"_s, u"tenant_id"_s, u"tenant_name"_s, u"user_id"_s, u"user_email"_s,
             u"user_name"_s, u"api_key_id"_s, u"api_key_name"_s, u"role"_s, u"workspace_id"_s,
             u"workspace_name"_s, u"workspace_roles"_s, u"permissions"_s, u"expires_at"_s},
            {{ctx.server.toString(), id.kind, id.tenant.id, id.tenant.name, id.user ? id.user->id : QString(),
              id.user ? id.user->email : QString(), id.user ? id.user->name : QString(),
              id.apiKey ? id.apiKey->id : QString(), id.apiKey ? id.apiKey->name : QString(),
              id.role.value_or(QString()), id.workspace ? id.workspace->id : QString(),
              id.workspace ? id.workspace->name : QString(), wsRolesRaw.join(u' '), id.permissions.join(u' '),
              Context::csvTime(id.expiresAt)}}};
        ctx.output.record(fields, csv, id.toJson());
        ctx.done();
    });
}

} // namespace datarecs::cli::AccountCommands
