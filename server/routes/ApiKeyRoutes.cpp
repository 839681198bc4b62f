#include "ApiKeyRoutes.h"

#include "KeyFormat.h"
#include "core/Redaction.h"
#include "core/Roles.h"
#include "core/WireFormat.h"
#include "crypto/Random.h"
#include "http/Cursor.h"
#include "http/JsonInput.h"
#include "http/Problem.h"
#include "http/QueryInput.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <memory>

namespace datarecs::server {

namespace {

constexpr qint64 Day = 24LL * 3600 * 1000;
const QString KeysList = QStringLiteral("api-keys");

/// True for an expiry a key may be given at \a now: later than now and at most three calendar years on.
bool acceptableExpiry(qint64 expiresAt, qint64 now)
{
    const qint64 latest = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).addYears(3).toMSecsSinceEpoch();
    return expiresAt > now && expiresAt <= latest;
}

/// The first \a length UTF-16 units of \a text, one fewer rather than half of a surrogate pair.
QString leftWhole(const QString &text, qsizetype length)
{
    if (text.size() > length && length > 0 && text.at(length - 1).isHighSurrogate())
        --length;
    return text.left(length);
}

ApiResponse keyResponse(int status, const ApiKeyRecord &key, qint64 now)
{
    JsonWriter out;
    WireFormat::writeApiKey(out, key, now);
    return ApiResponse::json(status, out.bytes());
}

QStringList roleNames()
{
    QStringList names;
    for (const Role &r : Roles::all())
        names << r.name;
    return names;
}

bool validIdempotencyKey(const QByteArray &key)
{
    if (key.isEmpty() || key.size() > 255)
        return false;
    for (char c : key) {
        if (c < 0x21 || c > 0x7e)
            return false;
    }
    return true;
}

} // namespace

ApiKeyRoutes::ApiKeyRoutes(ServiceContext &context)
    : m_context(context)
{
}

void ApiKeyRoutes::install(Router &router, ServiceContext &context)
{
    auto self = std::make_shared<ApiKeyRoutes>(ApiKeyRoutes(context));
    auto bind = [self](ApiResponse (ApiKeyRoutes::*fn)(RequestContext &)) {
        return [self, fn](RequestContext &rc) { return (self.get()->*fn)(rc); };
    };
    const auto seg = [](const char *path) { return QString::fromLatin1(path).split(u'/'); };
    router.add({"GET", seg("/v1/api-keys"), bind(&ApiKeyRoutes::list), true, {}});
    router.add({"POST", seg("/v1/api-keys"), bind(&ApiKeyRoutes::create), true, QStringLiteral("api_key.create")});
    router.add({"POST", seg("/v1/api-keys/lookup"), bind(&ApiKeyRoutes::lookup), true, {}});
    router.add({"GET", seg("/v1/api-keys/{id}"), bind(&ApiKeyRoutes::get), true, {}});
    router.add({"PATCH", seg("/v1/api-keys/{id}"), bind(&ApiKeyRoutes::update), true, QStringLiteral("api_key.update")});
    router.add({"DELETE", seg("/v1/api-keys/{id}"), bind(&ApiKeyRoutes::remove), true, QStringLiteral("api_key.delete")});
    router.add({"POST", seg("/v1/api-keys/{id}/disable"), bind(&ApiKeyRoutes::disable), true,
                QStringLiteral("api_key.disable")});
    router.add({"POST", seg("/v1/api-keys/{id}/enable"), bind(&ApiKeyRoutes::enable), true,
                QStringLiteral("api_key.enable")});
    router.add({"POST", seg("/v1/api-keys/{id}/rotate"), bind(&ApiKeyRoutes::rotate), true,
                QStringLiteral("api_key.rotate")});
}

std::optional<ApiKeyRecord> ApiKeyRoutes::visibleKey(RequestContext &rc, ApiResponse *notFound, Access access)
{
    const QString id = rc.params.value(0);
    // Another tenant's key, a key outside the caller's workspaces and a missing key all answer alike.
    std::optional<ApiKeyRecord> key = access == Access::Change
        ? m_context.storage.apiKeyForUpdate(rc.caller.tenantId, id)
        : m_context.storage.apiKeyById(rc.caller.tenantId, id);
    if (!key || !rc.caller.sees(key->workspaceId)) {
        *notFound = Problem::notFound(QStringLiteral("No API key with this id."));
        rc.targetType = QStringLiteral("api_key");
        rc.targetId = redactSecrets(id).left(40);
        return std::nullopt;
    }
    rc.setTarget(*key);
    return key;
}

std::optional<ApiResponse> ApiKeyRoutes::refuseHigherRole(const RequestContext &rc, const QString &role,
                                                          const QString &verb)
{
    if (Roles::rank(role) <= rc.caller.rank)
        return std::nullopt;
    return Problem::roleTooHigh(QStringLiteral("You act as %1 and cannot %2 a key with the higher role %3.")
                                    .arg(rc.caller.role.isEmpty() ? QStringLiteral("a workspace member") : rc.caller.role,
                                         verb, role));
}

ApiResponse ApiKeyRoutes::list(RequestContext &rc)
{
    QueryInput query(rc.request.query, {QStringLiteral("status"), QStringLiteral("q"), QStringLiteral("workspace_id"),
                                        QStringLiteral("stale_days"), QStringLiteral("rotation_days"),
                                        QStringLiteral("limit"), QStringLiteral("cursor")});
    ApiKeyQuery q;
    q.status = query.oneOf(QStringLiteral("status"),
                           {QStringLiteral("all"), QStringLiteral("enabled"), QStringLiteral("disabled"),
                            QStringLiteral("expired"), QStringLiteral("stale"), QStringLiteral("rotation_due")},
                           QStringLiteral("all"));
    q.text = query.text(QStringLiteral("q"), 100);
    q.workspaceId = query.id(QStringLiteral("workspace_id"), {QStringLiteral("ws")});
    const int staleDays = query.integer(QStringLiteral("stale_days"), 1, 3650, 90);
    const int rotationDays = query.integer(QStringLiteral("rotation_days"), 1, 3650, 90);
    q.limit = query.integer(QStringLiteral("limit"), 1, 1000, 50);
    const QString cursor = query.cursor();
    if (query.problem())
        return *query.problem();
    if (!rc.caller.can(Permission::ReadApiKeys))
        return Problem::forbidden(QStringLiteral("Requires permission read_api_keys."));

    q.tenantId = rc.caller.tenantId;
    q.workspaceScope = rc.caller.queryScope();
    q.now = rc.now;
    q.staleBefore = rc.now - staleDays * Day;
    q.rotationBefore = rc.now - rotationDays * Day;
    const QString fingerprint = Cursor::fingerprint({q.status, q.text, q.workspaceId, QString::number(staleDays),
                                                     QString::number(rotationDays)});
    if (!cursor.isEmpty()) {
        const auto position = Cursor::decode(cursor, KeysList, fingerprint);
        const auto createdAt = position ? Cursor::integer(*position, QStringLiteral("t")) : std::nullopt;
        if (!createdAt || !position->value(QStringLiteral("i")).isString())
            return Problem::invalidCursor();
        q.afterCreatedAt = *createdAt;
        q.afterId = position->value(QStringLiteral("i")).toString();
    }

    // One row more than asked tells whether another page exists.
    const int pageSize = q.limit;
    q.limit = pageSize + 1;
    QList<ApiKeyRecord> keys = m_context.storage.apiKeys(q);
    QString next;
    if (keys.size() > pageSize) {
        keys.resize(pageSize);
        next = Cursor::encode(KeysList, fingerprint,
                              {{QStringLiteral("t"), double(keys.last().createdAt)}, {QStringLiteral("i"), keys.last().id}});
    }
    JsonWriter out;
    out.startObject();
    out.key("items");
    out.startArray();
    for (const ApiKeyRecord &key : std::as_const(keys))
        WireFormat::writeApiKey(out, key, rc.now);
    out.endArray();
    out.key("next_cursor");
    out.stringOrNull(next);
    out.endObject();
    return ApiResponse::json(200, out.bytes());
}

ApiResponse ApiKeyRoutes::create(RequestContext &rc)
{
    QJsonObject body;
    if (auto problem = JsonInput::parse(rc.request, &body))
        return *problem;
    if (!rc.caller.can(Permission::CreateApiKey))
        return Problem::forbidden(QStringLiteral("Requires permission create_api_key (Owner or Admin): ask your "
                                                 "tenant admin."));
    JsonInput input(body, {QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("role"),
                           QStringLiteral("workspace_id"), QStringLiteral("expires_at")});
    NewKey spec;
    spec.name = input.publicText(QStringLiteral("name"), true, 1, 100).value_or(QString());
    spec.description =
        input.publicText(QStringLiteral("description"), false, 0, 500, JsonInput::Text::MultiLine).value_or(QString());
    const auto role = input.string(QStringLiteral("role"), true, 1, 40);
    if (role && !Roles::find(*role))
        input.fail(QStringLiteral("role"), QStringLiteral("must be one of: %1").arg(roleNames().join(QStringLiteral(", "))));
    spec.role = role.value_or(QString());
    spec.workspaceId = input.nullableString(QStringLiteral("workspace_id"), 1, 40).value_or(QString());
    // A workspace outside the caller's restriction does not exist for it, as an unknown one.
    if (!spec.workspaceId.isEmpty()
        && (!rc.caller.sees(spec.workspaceId) || !m_context.storage.workspaceById(rc.caller.tenantId, spec.workspaceId)))
        input.fail(QStringLiteral("workspace_id"), QStringLiteral("no such workspace in this tenant"));
    spec.expiresAt = input.timestamp(QStringLiteral("expires_at"));
    if (spec.expiresAt && !acceptableExpiry(*spec.expiresAt, rc.now))
        input.fail(QStringLiteral("expires_at"), QStringLiteral("must be in the future and within three years"));
    if (!input.ok())
        return input.problem();

    if (auto refusal = refuseHigherRole(rc, spec.role, QStringLiteral("create")))
        return *refusal;
    if (!rc.caller.allWorkspaces && !rc.caller.workspaceScope.contains(spec.workspaceId))
        return Problem::forbidden(QStringLiteral("Your access is limited to workspace %1: new keys must be "
                                                 "restricted to it too.")
                                      .arg(rc.caller.workspaceScope.value(0)));
    return mint(rc, spec, std::nullopt);
}

ApiResponse ApiKeyRoutes::mint(RequestContext &rc, const NewKey &spec, const std::optional<ApiKeyRecord> &replaced)
{
    // Held until the request's transaction ends: another instance minting in this tenant waits here, so
    // it neither counts keys this one is about to add nor misses the idempotency record it writes.
    if (!m_context.storage.lockTenant(rc.caller.tenantId))
        return Problem::internalError();

    // Idempotency: the same caller retrying the same request with the same key gets the first answer
    // back, value included (sealed at rest under the server secret), and no second key.
    const QByteArray idempotencyKey = rc.request.header("idempotency-key");
    QByteArray requestHash;
    QByteArray sealContext;
    if (rc.request.headers.contains("idempotency-key")) {
        if (!validIdempotencyKey(idempotencyKey))
            return Problem::invalidParameter(QStringLiteral("Idempotency-Key"),
                                             QStringLiteral("must be 1 to 255 printable ASCII characters"));
        requestHash = QCryptographicHash::hash(rc.request.method + ' ' + rc.request.path.toUtf8() + '\n' + rc.request.body,
                                               QCryptographicHash::Sha256);
        sealContext = rc.caller.tenantId.toUtf8() + '\0' + rc.caller.actorId().toUtf8() + '\0' + idempotencyKey;
        const auto previous = m_context.storage.idempotencyRecord(rc.caller.tenantId, rc.caller.actorId(),
                                                                  QString::fromLatin1(idempotencyKey));
        if (previous && previous->expiresAt > rc.now) {
            if (previous->requestHash != requestHash)
                return Problem::idempotencyKeyReused();
            bool ok = false;
            ApiResponse replay;
            replay.status = previous->status;
            replay.body = m_context.keyring.open(previous->sealedResponse, sealContext, &ok);
            if (!ok)
                return Problem::internalError();
            replay.setHeader("Content-Type", "application/json");
            replay.setHeader("Location", "/v1/api-keys/" + previous->resourceId.toLatin1());
            replay.setHeader("Idempotent-Replayed", "true");
            // Audited against the key the original was, as it was then: the rotated key for a rotation,
            // the new key for a create. The stored answer holds both as they were.
            const QJsonObject answer = QJsonDocument::fromJson(replay.body).object();
            const QJsonObject target = answer.value(QStringLiteral("replaces")).isObject()
                ? answer.value(QStringLiteral("replaces")).toObject()
                : answer.value(QStringLiteral("api_key")).toObject();
            rc.targetType = QStringLiteral("api_key");
            rc.targetId = target.value(QStringLiteral("id")).toString();
            rc.targetName = target.value(QStringLiteral("name")).toString();
            rc.workspaceId = target.value(QStringLiteral("workspace")).toObject().value(QStringLiteral("id")).toString();
            rc.detail = QStringLiteral("idempotent replay");
            return replay;
        }
    }

    const std::optional<TenantRecord> tenant = m_context.storage.tenantById(rc.caller.tenantId);
    const int used = m_context.storage.countApiKeys(rc.caller.tenantId);
    if (!tenant || used < 0)
        return Problem::internalError();
    if (used >= tenant->keyQuota)
        return Problem::quotaExceeded(tenant->keyQuota, used);

    const QString value = KeyFormat::compose(Random::base62(int(KeyFormat::RandomLength)));
    ApiKeyRecord key;
    key.id = Random::id(QLatin1StringView("key_"));
    key.tenantId = rc.caller.tenantId;
    key.name = spec.name;
    key.description = spec.description;
    key.role = spec.role;
    key.workspaceId = spec.workspaceId;
    key.enabled = true;
    key.secretHmac = m_context.keyring.hmac(value.toLatin1());
    key.hint = KeyFormat::hint(value);
    key.createdByType = rc.caller.actorType();
    key.createdById = rc.caller.actorId();
    key.createdByName = rc.caller.actorName();
    key.createdAt = rc.now;
    key.updatedAt = rc.now;
    key.expiresAt = spec.expiresAt;
    key.replaces = spec.replaces;
    if (!m_context.storage.insertApiKey(key))
        return Problem::internalError();
    if (const auto stored = m_context.storage.apiKeyById(key.tenantId, key.id))
        key = *stored; // picks up the workspace name
    rc.setTarget(key);

    JsonWriter answer;
    answer.startObject();
    answer.key("api_key");
    WireFormat::writeApiKey(answer, key, rc.now);
    answer.key("secret");
    answer.string(value);
    if (replaced) {
        ApiKeyRecord old = *replaced;
        old.replacedBy = key.id;
        old.updatedAt = rc.now;
        if (!m_context.storage.updateApiKey(old))
            return Problem::internalError();
        answer.key("replaces");
        WireFormat::writeApiKey(answer, old, rc.now);
        // A rotation is recorded against the key being rotated, naming its replacement, so the old
        // key's history ends with the event that replaced it.
        rc.setTarget(old);
        rc.detail = QStringLiteral("replacement %1").arg(key.id);
    }
    answer.endObject();
    ApiResponse response = ApiResponse::json(201, answer.bytes());
    response.setHeader("Location", "/v1/api-keys/" + key.id.toLatin1());

    if (!requestHash.isEmpty()) {
        IdempotencyRecord record{rc.caller.tenantId, rc.caller.actorId(), QString::fromLatin1(idempotencyKey),
                                 requestHash,        201,                 m_context.keyring.seal(response.body, sealContext),
                                 key.id,             rc.now,              rc.now + m_context.config.idempotencyWindowMs};
        m_context.storage.deleteExpiredIdempotencyRecords(rc.now);
        if (!m_context.storage.insertIdempotencyRecord(record))
            return Problem::internalError();
    }
    return response;
}

ApiResponse ApiKeyRoutes::get(RequestContext &rc)
{
    if (QueryInput query(rc.request.query, {}); query.problem())
        return *query.problem();
    if (!rc.caller.can(Permission::ReadApiKeys))
        return Problem::forbidden(QStringLiteral("Requires permission read_api_keys."));
    ApiResponse notFound;
    const auto key = visibleKey(rc, &notFound, Access::Read);
    return key ? keyResponse(200, *key, rc.now) : notFound;
}

ApiResponse ApiKeyRoutes::update(RequestContext &rc)
{
    QJsonObject body;
    if (auto problem = JsonInput::parse(rc.request, &body))
        return *problem;
    if (!rc.caller.can(Permission::ManageApiKeys))
        return Problem::forbidden(QStringLiteral("Requires permission manage_api_keys."));
    ApiResponse notFound;
    auto key = visibleKey(rc, &notFound, Access::Change);
    if (!key)
        return notFound;
    JsonInput input(body, {QStringLiteral("name"), QStringLiteral("description")});
    const auto name = input.publicText(QStringLiteral("name"), false, 1, 100);
    const auto description = input.publicText(QStringLiteral("description"), false, 0, 500, JsonInput::Text::MultiLine);
    if (input.ok() && !input.has(QStringLiteral("name")) && !input.has(QStringLiteral("description")))
        input.fail(QStringLiteral("name"), QStringLiteral("give a name, a description or both"));
    if (!input.ok())
        return input.problem();
    if (auto refusal = refuseHigherRole(rc, key->role, QStringLiteral("change")))
        return *refusal;
    if (name)
        key->name = *name;
    if (input.has(QStringLiteral("description")))
        key->description = description.value_or(QString());
    key->updatedAt = rc.now;
    if (!m_context.storage.updateApiKey(*key))
        return Problem::internalError();
    rc.setTarget(*key);
    return keyResponse(200, *key, rc.now);
}

ApiResponse ApiKeyRoutes::remove(RequestContext &rc)
{
    if (!rc.caller.can(Permission::ManageApiKeys))
        return Problem::forbidden(QStringLiteral("Requires permission manage_api_keys."));
    ApiResponse notFound;
    auto key = visibleKey(rc, &notFound, Access::Change);
    if (!key)
        return notFound;
    if (auto refusal = refuseHigherRole(rc, key->role, QStringLiteral("delete")))
        return *refusal;
    key->deletedAt = rc.now;
    key->enabled = false;
    key->updatedAt = rc.now;
    if (!m_context.storage.updateApiKey(*key))
        return Problem::internalError();
    return ApiResponse::noContent();
}

ApiResponse ApiKeyRoutes::disable(RequestContext &rc) { return setEnabled(rc, false); }

ApiResponse ApiKeyRoutes::enable(RequestContext &rc) { return setEnabled(rc, true); }

ApiResponse ApiKeyRoutes::setEnabled(RequestContext &rc, bool enabled)
{
    QJsonObject body;
    if (auto problem = JsonInput::parse(rc.request, &body, true))
        return *problem;
    if (JsonInput input(body, {}); !input.ok())
        return input.problem();
    if (!rc.caller.can(Permission::ManageApiKeys))
        return Problem::forbidden(QStringLiteral("Requires permission manage_api_keys."));
    ApiResponse notFound;
    auto key = visibleKey(rc, &notFound, Access::Change);
    if (!key)
        return notFound;
    // Disabling is containment: anyone who may manage keys may stop one, whatever its role. Enabling
    // gives a role back, so it follows the rank rule.
    if (enabled) {
        if (auto refusal = refuseHigherRole(rc, key->role, QStringLiteral("enable")))
            return *refusal;
    }
    if (key->enabled != enabled) {
        key->enabled = enabled;
        key->updatedAt = rc.now;
        if (!m_context.storage.updateApiKey(*key))
            return Problem::internalError();
    }
    return keyResponse(200, *key, rc.now);
}

ApiResponse ApiKeyRoutes::rotate(RequestContext &rc)
{
    QJsonObject body;
    if (auto problem = JsonInput::parse(rc.request, &body, true))
        return *problem;
    if (!rc.caller.can(Permission::CreateApiKey))
        return Problem::forbidden(QStringLiteral("Requires permission create_api_key (Owner or Admin): ask your "
                                                 "tenant admin."));
    ApiResponse notFound;
    const auto old = visibleKey(rc, &notFound, Access::Change);
    if (!old)
        return notFound;
    JsonInput input(body, {QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("expires_at")});
    NewKey spec;
    spec.name = input.publicText(QStringLiteral("name"), false, 1, 100)
                    .value_or(QStringLiteral("%1 (rotated %2)")
                                  .arg(leftWhole(old->name, 70), WireFormat::timestamp(rc.now).left(10)));
    spec.description = input.has(QStringLiteral("description"))
        ? input.publicText(QStringLiteral("description"), false, 0, 500, JsonInput::Text::MultiLine).value_or(QString())
        : old->description;
    spec.expiresAt = input.timestamp(QStringLiteral("expires_at"));
    if (spec.expiresAt && !acceptableExpiry(*spec.expiresAt, rc.now))
        input.fail(QStringLiteral("expires_at"), QStringLiteral("must be in the future and within three years"));
    if (!input.ok())
        return input.problem();
    if (auto refusal = refuseHigherRole(rc, old->role, QStringLiteral("rotate")))
        return *refusal;
    spec.role = old->role;
    spec.workspaceId = old->workspaceId;
    spec.replaces = old->id;
    return mint(rc, spec, old);
}

ApiResponse ApiKeyRoutes::lookup(RequestContext &rc)
{
    QJsonObject body;
    if (auto problem = JsonInput::parse(rc.request, &body))
        return *problem;
    if (!rc.caller.can(Permission::ReadApiKeys))
        return Problem::forbidden(QStringLiteral("Requires permission read_api_keys."));
    JsonInput input(body, {QStringLiteral("value")});
    const QJsonValue value = body.value(QStringLiteral("value"));
    if (!value.isString())
        input.fail(QStringLiteral("value"), QStringLiteral("must be a string holding an API key"));
    else if (const auto check = KeyFormat::check(value.toString()); check != KeyFormat::Check::Valid)
        input.fail(QStringLiteral("value"), KeyFormat::describe(check));
    if (!input.ok())
        return input.problem();
    const auto key = m_context.storage.apiKeyByHmac(m_context.keyring.hmac(value.toString().toLatin1()));
    if (!key || key->deletedAt || key->tenantId != rc.caller.tenantId || !rc.caller.sees(key->workspaceId))
        return Problem::notFound(QStringLiteral("No key of this tenant has this value."));
    return keyResponse(200, *key, rc.now);
}

} // namespace datarecs::server
