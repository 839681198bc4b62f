#include "IdentityRoutes.h"

#include "ApiService.h"
#include "Authenticator.h"
#include "core/JsonWriter.h"
#include "core/Roles.h"
#include "core/WireFormat.h"
#include "crypto/PasswordHasher.h"
#include "http/JsonInput.h"
#include "http/Problem.h"
#include "http/QueryInput.h"

#include <QJsonArray>

#include <memory>

namespace datarecs::server {

namespace {

QJsonValue nullable(const QJsonValue &v, bool present) { return present ? v : QJsonValue(QJsonValue::Null); }

QJsonObject userJson(const UserRecord &user)
{
    return {{QStringLiteral("id"), user.id},
            {QStringLiteral("email"), user.email},
            {QStringLiteral("name"), user.name},
            {QStringLiteral("role"), nullable(user.platformRole, !user.platformRole.isEmpty())}};
}

std::optional<ApiResponse> refuseQuery(const ApiRequest &request)
{
    QueryInput query(request.query, {});
    return query.problem();
}

// A hash to check passwords of unknown accounts against, so that a wrong email takes as long to
// refuse as a wrong password and response times do not reveal which accounts exist.
const QString &dummyHash()
{
    static const QString hash = PasswordHasher::hash(QStringLiteral("not-a-real-password"));
    return hash;
}

} // namespace

IdentityRoutes::IdentityRoutes(ServiceContext &context)
    : m_context(context)
{
}

void IdentityRoutes::install(Router &router, ServiceContext &context)
{
    auto self = std::make_shared<IdentityRoutes>(IdentityRoutes(context));
    auto bind = [self](ApiResponse (IdentityRoutes::*fn)(RequestContext &)) {
        return [self, fn](RequestContext &rc) { return (self.get()->*fn)(rc); };
    };
    const auto seg = [](const char *path) { return QString::fromLatin1(path).split(u'/'); };
    router.add({"GET", seg("/v1/health"), bind(&IdentityRoutes::health), false, {}, false});
    router.add({"POST", seg("/v1/auth/login"), bind(&IdentityRoutes::login), false, {}});
    router.add({"POST", seg("/v1/auth/logout"), bind(&IdentityRoutes::logout), true, QStringLiteral("auth.logout")});
    router.add({"GET", seg("/v1/me"), bind(&IdentityRoutes::me), true, {}});
    router.add({"GET", seg("/v1/roles"), bind(&IdentityRoutes::roles), true, {}});
    router.add({"GET", seg("/v1/workspaces"), bind(&IdentityRoutes::workspaces), true, {}});
    router.add({"GET", seg("/v1/quota"), bind(&IdentityRoutes::quota), true, {}});
}

ApiResponse IdentityRoutes::health(RequestContext &rc)
{
    if (auto problem = refuseQuery(rc.request))
        return *problem;
    // Always the same answer: built once (load balancers ask many times a second).
    static const ApiResponse ok = ApiResponse::json(200, {{QStringLiteral("status"), QStringLiteral("ok")},
                                                          {QStringLiteral("version"), QStringLiteral(DATARECS_VERSION)}});
    return ok;
}

ApiResponse IdentityRoutes::login(RequestContext &rc)
{
    QJsonObject body;
    std::optional<ApiResponse> malformed = JsonInput::parse(rc.request, &body);
    JsonInput input(body, {QStringLiteral("email"), QStringLiteral("password")});
    const QJsonValue emailValue = body.value(QStringLiteral("email"));
    if (emailValue.isUndefined())
        input.fail(QStringLiteral("email"), QStringLiteral("is required"));
    else if (!emailValue.isString())
        input.fail(QStringLiteral("email"), QStringLiteral("must be a string"));
    // Any string is tried: one that cannot be an account's email is an unknown account (401), so the
    // answer never tells which inputs the server thinks are emails.
    const QString typed = emailValue.toString().trimmed();
    const QString email = typed.left(254);
    // Passwords are not trimmed or otherwise judged: only their length is bounded.
    const QJsonValue passwordValue = body.value(QStringLiteral("password"));
    if (!passwordValue.isString() || passwordValue.toString().isEmpty() || passwordValue.toString().size() > 1024)
        input.fail(QStringLiteral("password"), QStringLiteral("must be a string of 1 to 1024 characters"));
    if (!malformed && !input.ok())
        malformed = input.problem();

    const std::optional<UserRecord> user =
        typed.isEmpty() || typed.size() > 254 ? std::nullopt : m_context.storage.userByEmail(email);
    if (user) {
        // Attempts on a known account are recorded in its tenant's audit log, where its admins look.
        rc.caller.tenantId = user->tenantId;
        rc.caller.userId = user->id;
        rc.caller.email = user->email;
        rc.caller.kind = Caller::Kind::User;
    }
    rc.targetType = QStringLiteral("user");
    rc.targetId = user ? user->id : QString();
    rc.targetName = email;
    if (malformed) {
        // A refused attempt like any other, on record with the email if it named one as a string (the
        // password is in no record). Not counted against the limits: it tried no password.
        ApiService::recordAudit(m_context, rc, QStringLiteral("auth.login"), malformed->status,
                                ApiService::problemDetail(*malformed));
        return *malformed;
    }
    RateLimiter limiter(m_context.storage, m_context.config.rateLimits);
    if (const int wait = limiter.loginRetryAfter(email, rc.request.sourceIp, rc.now)) {
        ApiResponse refusal =
            Problem::rateLimited(wait, QStringLiteral("Too many failed sign-ins for this account or from this address."));
        ApiService::recordAudit(m_context, rc, QStringLiteral("auth.login"), refusal.status,
                                QStringLiteral("too many failed sign-ins"));
        return refusal;
    }
    const bool valid = PasswordHasher::verify(user ? user->passwordHash : dummyHash(), passwordValue.toString());
    if (!valid || !user) {
        limiter.loginFailed(email, rc.request.sourceIp, rc.now);
        ApiResponse refusal = Problem::invalidCredentials();
        ApiService::recordAudit(m_context, rc, QStringLiteral("auth.login"), refusal.status,
                                user ? QStringLiteral("wrong password") : QStringLiteral("unknown account"));
        return refusal;
    }

    const QString token = Authenticator::newSessionToken();
    SessionRecord session{m_context.keyring.hmac(token.toLatin1()), user->id, user->tenantId, rc.now,
                          rc.now + m_context.config.sessionLifetimeMs};
    m_context.storage.deleteExpiredSessions(rc.now);
    if (!m_context.storage.insertSession(session))
        return Problem::internalError();
    rc.targetName = user->email;
    if (!ApiService::recordAudit(m_context, rc, QStringLiteral("auth.login"), 200))
        return Problem::internalError();
    return ApiResponse::json(200, {{QStringLiteral("token"), token},
                                   {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                   {QStringLiteral("expires_at"), WireFormat::timestamp(session.expiresAt)},
                                   {QStringLiteral("user"), userJson(*user)}});
}

ApiResponse IdentityRoutes::logout(RequestContext &rc)
{
    if (rc.caller.kind != Caller::Kind::User)
        return Problem::forbidden(QStringLiteral("API keys cannot sign out: disable the key instead."));
    if (!m_context.storage.deleteSession(rc.caller.sessionHash))
        return Problem::internalError();
    rc.targetType = QStringLiteral("user");
    rc.targetId = rc.caller.userId;
    rc.targetName = rc.caller.email;
    return ApiResponse::noContent();
}

ApiResponse IdentityRoutes::me(RequestContext &rc)
{
    if (auto problem = refuseQuery(rc.request))
        return *problem;
    // Written straight into bytes: every key-authenticated client asks this, and building a QJsonObject
    // to serialise it cost more than the rest of the request's own work. Members are in the order
    // QJsonDocument gave them (sorted), so the answer reads as it always did.
    const Caller &c = rc.caller;
    JsonWriter json;
    const auto named = [&json](const QString &id, const QString &name) {
        json.startObject();
        json.key("id");
        json.string(id);
        json.key("name");
        json.string(name);
        json.endObject();
    };
    json.startObject();
    json.key("api_key");
    if (c.kind == Caller::Kind::User)
        json.null();
    else
        named(c.keyId, c.keyName);
    json.key("expires_at");
    if (c.expiresAt)
        json.string(WireFormat::timestamp(*c.expiresAt));
    else
        json.null();
    json.key("kind");
    json.latin1(c.kind == Caller::Kind::User ? "user" : "api_key");
    json.key("permissions");
    json.startArray();
    for (const QString &permission : c.permissions)
        json.string(permission);
    json.endArray();
    json.key("role");
    json.stringOrNull(c.role);
    json.key("tenant");
    named(c.tenantId, c.tenantName);
    json.key("user");
    std::optional<UserRecord> user;
    if (c.kind == Caller::Kind::User)
        user = m_context.storage.userById(c.userId);
    if (user) {
        json.startObject();
        json.key("email");
        json.string(user->email);
        json.key("id");
        json.string(user->id);
        json.key("name");
        json.string(user->name);
        json.key("role");
        json.stringOrNull(user->platformRole);
        json.endObject();
    } else {
        json.null();
    }
    json.key("workspace");
    if (c.kind != Caller::Kind::User && !c.workspaceId.isEmpty())
        named(c.workspaceId, c.workspaceName);
    else
        json.null();
    json.key("workspace_roles");
    json.startArray();
    for (const WorkspaceRoleRecord &wr : c.workspaceRoles) {
        json.startObject();
        json.key("role");
        json.string(wr.role);
        json.key("workspace");
        named(wr.workspaceId, wr.workspaceName);
        json.endObject();
    }
    json.endArray();
    json.endObject();
    return ApiResponse::json(200, json.bytes());
}

ApiResponse IdentityRoutes::roles(RequestContext &rc)
{
    if (auto problem = refuseQuery(rc.request))
        return *problem;
    QJsonArray items;
    for (const Role &role : Roles::all()) {
        items.append(QJsonObject{{QStringLiteral("name"), role.name},
                                 {QStringLiteral("title"), role.title},
                                 {QStringLiteral("description"), role.description},
                                 {QStringLiteral("scope"), role.platform ? QStringLiteral("platform")
                                                                         : QStringLiteral("workspace")},
                                 {QStringLiteral("rank"), role.rank},
                                 {QStringLiteral("permissions"), QJsonArray::fromStringList(role.permissions)}});
    }
    return ApiResponse::json(200, {{QStringLiteral("items"), items}});
}

ApiResponse IdentityRoutes::workspaces(RequestContext &rc)
{
    if (auto problem = refuseQuery(rc.request))
        return *problem;
    if (!rc.caller.can(Permission::ReadWorkspaces))
        return Problem::forbidden(QStringLiteral("Requires permission read_workspaces."));
    QJsonArray items;
    for (const WorkspaceRecord &w : m_context.storage.workspaces(rc.caller.tenantId)) {
        if (!rc.caller.sees(w.id))
            continue;
        items.append(QJsonObject{{QStringLiteral("id"), w.id},
                                 {QStringLiteral("name"), w.name},
                                 {QStringLiteral("description"), w.description}});
    }
    return ApiResponse::json(200, {{QStringLiteral("items"), items}});
}

ApiResponse IdentityRoutes::quota(RequestContext &rc)
{
    if (auto problem = refuseQuery(rc.request))
        return *problem;
    if (!rc.caller.can(Permission::ReadApiKeys))
        return Problem::forbidden(QStringLiteral("Requires permission read_api_keys."));
    const std::optional<TenantRecord> tenant = m_context.storage.tenantById(rc.caller.tenantId);
    const int used = m_context.storage.countApiKeys(rc.caller.tenantId);
    if (!tenant || used < 0)
        return Problem::internalError();
    return ApiResponse::json(200, {{QStringLiteral("limit"), tenant->keyQuota},
                                   {QStringLiteral("used"), used},
                                   {QStringLiteral("remaining"), std::max(0, tenant->keyQuota - used)}});
}

} // namespace datarecs::server
