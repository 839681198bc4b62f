#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace datarecs::server {

// Times are milliseconds since the Unix epoch, UTC, everywhere in storage.

struct TenantRecord
{
    QString id;
    QString name;
    int keyQuota = 50;
    qint64 createdAt = 0;
};

struct UserRecord
{
    QString id;
    QString tenantId;
    QString email;
    QString name;
    QString passwordHash; // argon2id string from libsodium, never the password
    QString platformRole; // "owner", "admin" or empty for a member
    qint64 createdAt = 0;
};

struct WorkspaceRecord
{
    QString id;
    QString tenantId;
    QString name;
    QString description;
    qint64 createdAt = 0;
};

struct WorkspaceRoleRecord
{
    QString workspaceId;
    QString workspaceName;
    QString role; // workspace_admin, workspace_editor, workspace_viewer
};

struct SessionRecord
{
    QByteArray tokenHash; // HMAC of the token, never the token
    QString userId;
    QString tenantId;
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
};

struct ApiKeyRecord
{
    QString id;
    QString tenantId;
    QString name;
    QString description;
    QString role;
    QString workspaceId; // empty: not restricted
    QString workspaceName; // filled by reads (join), ignored on writes
    bool enabled = true;
    QByteArray secretHmac; // HMAC-SHA-256 of the value under the server secret
    QString hint;
    QString createdByType; // "user" or "api_key"
    QString createdById;
    QString createdByName;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    std::optional<qint64> lastUsedAt;
    QString lastUsedIp;
    std::optional<qint64> expiresAt;
    std::optional<qint64> deletedAt;
    QString replaces; // id of the key this one replaced
    QString replacedBy; // id of the key that replaced this one
};

struct ApiKeyQuery
{
    QString tenantId;
    // Empty: every workspace and unrestricted keys. Otherwise only keys restricted to one of these.
    QStringList workspaceScope;
    QString status = QStringLiteral("all"); // all, enabled, disabled, expired, stale, rotation_due
    QString text; // case-insensitive substring of name, description, id, created_by name
    QString workspaceId; // only keys restricted to this workspace
    qint64 now = 0;
    qint64 staleBefore = 0; // stale: last used (or, if never used, created) before this
    qint64 rotationBefore = 0; // rotation_due: created before this
    // Keyset cursor: rows strictly after (createdAt, id) in (created_at desc, id desc) order.
    std::optional<qint64> afterCreatedAt;
    QString afterId;
    int limit = 50;
};

struct AuditRecord
{
    qint64 id = 0; // assigned by storage, increasing
    QString tenantId; // empty for requests that belong to no tenant (unknown key values)
    qint64 occurredAt = 0;
    QString actorType; // user, api_key, anonymous
    QString actorId;
    QString actorName;
    QString action;
    QString targetType;
    QString targetId;
    QString targetName;
    QString workspaceId;
    QString outcome; // success, refused, error
    int httpStatus = 0; // 0: none
    QString method;
    QString path;
    QString sourceIp;
    QString userAgent;
    QString requestId;
    QString detail;
    QString prevHash;
    QString hash;
};

struct AuditQuery
{
    QString tenantId;
    QStringList workspaceScope; // empty: all events of the tenant
    QString apiKeyId; // actor or target is this key
    QString actorId;
    QString action;
    QString outcome;
    std::optional<qint64> since; // inclusive
    std::optional<qint64> until; // exclusive
    std::optional<qint64> afterId; // only ids greater than this
    std::optional<qint64> beforeId; // keyset cursor: only ids smaller than this
    int limit = 100;
};

struct IdempotencyRecord
{
    QString tenantId;
    QString actorId;
    QString key;
    QByteArray requestHash; // SHA-256 of method, path and body
    int status = 0;
    QByteArray sealedResponse; // encrypted: it holds a key value
    QString resourceId;
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
};

/// The persistence interface of the server. SQLite and PostgreSQL implement it with the same
/// portable SQL (SqlStorage); backend specifics (pragmas, DDL types) stay in the backends.
/// Every method reports failure by returning false / std::nullopt and setting lastError().
class Storage
{
public:
    virtual ~Storage() = default;

    virtual bool open() = 0;
    virtual QString lastError() const = 0;
    virtual int schemaVersion() = 0;

    // Nested calls are counted: only the outermost begin/commit touch the database.
    virtual bool begin() = 0;
    virtual bool commit() = 0;
    virtual void rollback() = 0;
    /// begin() for a transaction that carries several requests (group commit). Two such transactions in
    /// two processes may take the same locks in opposite orders; where that can happen (PostgreSQL) a
    /// lock wait gives up after a short while instead of deadlocking, failing the statement, and the
    /// caller runs the requests again one transaction each, which take their locks in one order.
    virtual bool beginShared() { return begin(); }
    /// Writes what the open transaction holds back until its commit (keys' last use, see touchApiKey;
    /// audit records, see appendAudit).
    /// commit() does it too; calling it first tells a failed write, after which nothing was committed,
    /// from a failed COMMIT.
    virtual bool flush() { return true; }
    /// True when the open transaction can no longer commit (an inner rollback(), or on PostgreSQL a
    /// failed statement): work added to it now would be lost.
    virtual bool rollbackOnly() const { return false; }

    virtual bool insertTenant(const TenantRecord &tenant) = 0;
    virtual std::optional<TenantRecord> tenantById(const QString &id) = 0;
    virtual std::optional<TenantRecord> tenantByName(const QString &name) = 0;
    virtual QList<TenantRecord> tenants() = 0;
    virtual bool setKeyQuota(const QString &tenantId, int quota) = 0;

    virtual bool insertUser(const UserRecord &user) = 0;
    virtual std::optional<UserRecord> userByEmail(const QString &email) = 0; // case-insensitive
    virtual std::optional<UserRecord> userById(const QString &id) = 0;
    virtual QList<WorkspaceRoleRecord> workspaceRolesOf(const QString &userId) = 0;

    virtual bool insertWorkspace(const WorkspaceRecord &workspace) = 0;
    virtual bool insertWorkspaceMember(const QString &workspaceId, const QString &userId, const QString &role) = 0;
    virtual QList<WorkspaceRecord> workspaces(const QString &tenantId) = 0;
    virtual std::optional<WorkspaceRecord> workspaceById(const QString &tenantId, const QString &id) = 0;

    virtual bool insertSession(const SessionRecord &session) = 0;
    virtual std::optional<SessionRecord> sessionByHash(const QByteArray &tokenHash) = 0;
    virtual bool deleteSession(const QByteArray &tokenHash) = 0;
    virtual bool deleteExpiredSessions(qint64 now) = 0;

    virtual bool insertApiKey(const ApiKeyRecord &key) = 0;
    // Deleted keys are not returned by these two.
    virtual std::optional<ApiKeyRecord> apiKeyById(const QString &tenantId, const QString &id) = 0;
    /// apiKeyById() for a read that leads to updateApiKey(): the key stays locked until the transaction
    /// ends, so a change another instance makes to it meanwhile waits, then reads this one's result.
    /// (updateApiKey() writes back the whole record: from a read taken before the other change committed,
    /// it would undo that change.) Call inside begin()/commit().
    virtual std::optional<ApiKeyRecord> apiKeyForUpdate(const QString &tenantId, const QString &id) = 0;
    virtual QList<ApiKeyRecord> apiKeys(const ApiKeyQuery &query) = 0;
    // Finds a key by its HMAC whatever its state (deleted too, so refusals can be attributed).
    virtual std::optional<ApiKeyRecord> apiKeyByHmac(const QByteArray &hmac) = 0;
    // Writes name, description, enabled, replaced_by, updated_at, deleted_at of key.id.
    virtual bool updateApiKey(const ApiKeyRecord &key) = 0;
    virtual bool touchApiKey(const QString &id, qint64 usedAt, const QString &sourceIp) = 0;
    virtual int countApiKeys(const QString &tenantId) = 0; // not deleted; -1 on error
    /// Serialises, until the current transaction ends, every transaction that takes the same tenant's
    /// lock, in every process sharing the database: a quota check and the insert it allows, or an
    /// idempotency lookup and the record it leads to, cannot interleave with another instance's.
    /// Call inside begin()/commit().
    virtual bool lockTenant(const QString &tenantId) = 0;

    // Appends to the tenant's audit chain: reads the previous hash, sets prevHash and hash (hashFn computes
    // the hash of the filled record), inserts. Inside a transaction the insert may be held back until the
    // transaction flushes or commits (reads of audit events in it still see the record), so record.id is
    // set only when called outside one.
    virtual bool appendAudit(AuditRecord &record, QString (*hashFn)(const AuditRecord &)) = 0;
    /// Newest first. False on a storage error, after which *out may hold part of the answer.
    virtual bool auditEvents(const AuditQuery &query, QList<AuditRecord> *out) = 0;
    /// The same, empty on a storage error: only for tests and tools, to which an error and no events
    /// may look alike.
    QList<AuditRecord> auditEvents(const AuditQuery &query)
    {
        QList<AuditRecord> out;
        if (!auditEvents(query, &out))
            out.clear();
        return out;
    }
    /// Chain order (oldest first) of one tenant ("" = no tenant), for verification. False on a storage
    /// error: a chain that could not be read must never pass for a short one that verifies.
    virtual bool auditChain(const QString &tenantId, qint64 afterId, int limit, QList<AuditRecord> *out) = 0;
    /// The same, empty on a storage error: only for tests and tools.
    QList<AuditRecord> auditChain(const QString &tenantId, qint64 afterId, int limit)
    {
        QList<AuditRecord> out;
        if (!auditChain(tenantId, afterId, limit, &out))
            out.clear();
        return out;
    }
    /// The ids of the tenants that have events, "" included. False on a storage error.
    virtual bool auditTenants(QStringList *out) = 0;
    /// The same, empty on a storage error: only for tests and tools.
    QStringList auditTenants()
    {
        QStringList out;
        if (!auditTenants(&out))
            out.clear();
        return out;
    }

    virtual std::optional<IdempotencyRecord> idempotencyRecord(const QString &tenantId, const QString &actorId,
                                                               const QString &key) = 0;
    virtual bool insertIdempotencyRecord(const IdempotencyRecord &record) = 0;
    virtual bool deleteExpiredIdempotencyRecords(qint64 now) = 0;

    // Fixed-window counters shared by every instance on the same database (brute-force limits).
    /// Adds increment to the counter of bucket in the window starting at windowStart; returns the new
    /// value, or -1 on error.
    virtual int hitCounter(const QString &bucket, qint64 windowStart, int increment) = 0;
    /// The counter's value (0 if never hit), or -1 on error.
    virtual int counterValue(const QString &bucket, qint64 windowStart) = 0;
    virtual bool deleteCountersBefore(qint64 windowStart) = 0;
};

} // namespace datarecs::server
