#include "Authenticator.h"

#include "KeyFormat.h"
#include "core/Roles.h"
#include "core/WireFormat.h"
#include "crypto/Random.h"
#include "http/Problem.h"

namespace datarecs::server {

namespace {

constexpr qsizetype SessionRandomLength = 43;
const QLatin1StringView SessionPrefix("drs_");

Authenticator::Result refused(const QString &detail, bool key)
{
    Authenticator::Result r;
    r.refusal = Problem::invalidToken(detail);
    r.presentedKey = key;
    r.refusalDetail = detail;
    return r;
}

bool isBase62(QStringView s)
{
    for (QChar c : s) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z')))
            return false;
    }
    return true;
}

} // namespace

Authenticator::Authenticator(ServiceContext &context)
    : m_context(context)
{
}

QString Authenticator::newSessionToken() { return SessionPrefix + Random::base62(SessionRandomLength); }

QByteArray Authenticator::bearerCredential(const QByteArray &header)
{
    constexpr QByteArrayView scheme("bearer");
    if (header.size() <= scheme.size() || QByteArrayView(header).first(scheme.size()).compare(scheme, Qt::CaseInsensitive) != 0
        || (header.at(scheme.size()) != ' ' && header.at(scheme.size()) != '\t'))
        return {};
    return header.mid(scheme.size()).trimmed();
}

Authenticator::Result Authenticator::authenticate(const ApiRequest &request, qint64 now)
{
    const QByteArray header = request.header("authorization");
    if (header.isEmpty())
        return {};
    const QByteArray credential = bearerCredential(header);
    if (credential.isEmpty() || header.size() > 512)
        return refused(QStringLiteral("Send the credential as 'Authorization: Bearer <value>'."), false);
    const QString value = QString::fromLatin1(credential);
    if (value.startsWith(KeyFormat::prefix()))
        return fromKey(value, request, now);
    if (value.startsWith(SessionPrefix))
        return fromSession(value, now);
    return refused(QStringLiteral("The credential is neither a DataRecs API key (drk_...) nor a session token."),
                   false);
}

Authenticator::Result Authenticator::fromKey(const QString &value, const ApiRequest &request, qint64 now)
{
    const KeyFormat::Check check = KeyFormat::check(value);
    if (check != KeyFormat::Check::Valid)
        return refused(KeyFormat::describe(check), true);

    const QByteArray hmac = m_context.keyring.hmac(value.toLatin1());
    const std::optional<ApiKeyRecord> key = m_context.storage.apiKeyByHmac(hmac);
    if (!key || !ServerKeyring::equal(key->secretHmac, hmac))
        return refused(QStringLiteral("This API key is not known: check it was copied exactly (keys are "
                                      "case-sensitive)."),
                       true);
    QString problem;
    if (key->deletedAt)
        problem = QStringLiteral("This API key was deleted.");
    else if (!key->enabled)
        problem = QStringLiteral("This API key is disabled: enable it or use another key.");
    else if (key->expiresAt && *key->expiresAt <= now)
        problem = QStringLiteral("This API key expired on %1.").arg(WireFormat::timestamp(*key->expiresAt));
    const std::optional<TenantRecord> tenant = m_context.storage.tenantById(key->tenantId);
    if (problem.isEmpty() && !tenant)
        problem = QStringLiteral("This API key's tenant no longer exists.");
    if (!problem.isEmpty()) {
        Result r = refused(problem, true);
        r.refusedKey = key;
        return r;
    }

    Result r;
    r.presentedKey = true;
    Caller &c = r.caller;
    c.kind = Caller::Kind::ApiKey;
    c.tenantId = key->tenantId;
    c.tenantName = tenant->name;
    c.keyId = key->id;
    c.keyName = key->name;
    c.role = key->role;
    c.rank = Roles::rank(key->role);
    c.permissions = Roles::permissionsOf({key->role});
    c.workspaceId = key->workspaceId;
    c.workspaceName = key->workspaceName;
    c.allWorkspaces = key->workspaceId.isEmpty();
    if (!c.allWorkspaces)
        c.workspaceScope = {key->workspaceId};
    c.expiresAt = key->expiresAt;
    m_context.storage.touchApiKey(key->id, now, request.sourceIp);
    return r;
}

Authenticator::Result Authenticator::fromSession(const QString &token, qint64 now)
{
    const QString expired = QStringLiteral("The session has expired or was signed out: sign in again.");
    if (token.size() != SessionPrefix.size() + SessionRandomLength || !isBase62(QStringView(token).mid(4)))
        return refused(QStringLiteral("The session token is malformed: sign in again."), false);
    const QByteArray hash = m_context.keyring.hmac(token.toLatin1());
    const std::optional<SessionRecord> session = m_context.storage.sessionByHash(hash);
    if (!session || session->expiresAt <= now || !ServerKeyring::equal(session->tokenHash, hash))
        return refused(expired, false);
    const std::optional<UserRecord> user = m_context.storage.userById(session->userId);
    const std::optional<TenantRecord> tenant = m_context.storage.tenantById(session->tenantId);
    if (!user || !tenant)
        return refused(expired, false);

    Result r;
    Caller &c = r.caller;
    c.kind = Caller::Kind::User;
    c.tenantId = tenant->id;
    c.tenantName = tenant->name;
    c.userId = user->id;
    c.email = user->email;
    c.userName = user->name;
    c.role = user->platformRole;
    c.sessionHash = hash;
    c.expiresAt = session->expiresAt;
    c.workspaceRoles = m_context.storage.workspaceRolesOf(user->id);
    QStringList roleNames;
    if (!user->platformRole.isEmpty()) {
        roleNames.append(user->platformRole);
        c.allWorkspaces = true;
    }
    for (const WorkspaceRoleRecord &wr : std::as_const(c.workspaceRoles)) {
        roleNames.append(wr.role);
        if (!c.workspaceScope.contains(wr.workspaceId))
            c.workspaceScope.append(wr.workspaceId);
    }
    c.permissions = Roles::permissionsOf(roleNames);
    for (const QString &name : std::as_const(roleNames))
        c.rank = std::max(c.rank, Roles::rank(name));
    return r;
}

} // namespace datarecs::server
