#include "SqlStorage.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlRecord>

#include <utility>

namespace datarecs::server {

namespace {

const QString GenesisHash = QString(64, QLatin1Char('0'));

// Optional text columns hold NULL rather than "" so that SQL clients and exports see "absent".
QVariant textOrNull(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

// NOT NULL text columns: a null QString would bind as NULL, so bind a real empty string instead.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QString(QLatin1StringView(""))) : QVariant(value);
}

QVariant timeOrNull(const std::optional<qint64> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<qint64>());
}

std::optional<qint64> optionalTime(const QVariant &value)
{
    if (value.isNull()) return std::nullopt;
    return value.toLongLong();
}

QString placeholders(qsizetype count)
{
    QStringList marks;
    marks.reserve(count);
    for (qsizetype i = 0; i < count; ++i)
        marks.append(QStringLiteral("?"));
    return marks.join(QStringLiteral(", "));
}

// LIKE treats % and _ as wildcards; a user searching for "50%" means the characters.
QString likeContains(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    for (const QChar c : text) {
        if (c == QLatin1Char('\\') || c == QLatin1Char('%') || c == QLatin1Char('_'))
            escaped.append(QLatin1Char('\\'));
        escaped.append(c);
    }
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

const QString KeyColumns = QStringLiteral(
    "k.id, k.tenant_id, k.name, k.description, k.role, k.workspace_id, w.name, k.enabled, k.secret_hmac, "
    "k.hint, "
    "k.created_by_type, k.created_by_id, k.created_by_name, k.created_at, k.updated_at, k.last_used_at, "
    "k.last_used_ip, k.expires_at, k.deleted_at, k.replaces, k.replaced_by "
    "FROM api_keys k LEFT JOIN workspaces w ON w.id = k.workspace_id");

ApiKeyRecord keyFromRow(const QSqlQuery &q)
{
    ApiKeyRecord k;
    k.id = q.value(0).toString();
    k.tenantId = q.value(1).toString();
    k.name = q.value(2).toString();
    k.description = q.value(3).toString();
    k.role = q.value(4).toString();
    k.workspaceId = q.value(5).toString();
    k.workspaceName = q.value(6).toString();
    k.enabled = q.value(7).toInt() != 0;
    k.secretHmac = q.value(8).toByteArray();
    k.hint = q.value(9).toString();
    k.createdByType = q.value(10).toString();
    k.createdById = q.value(11).toString();
    k.createdByName = q.value(12).toString();
    k.createdAt = q.value(13).toLongLong();
    k.updatedAt = q.value(14).toLongLong();
    k.lastUsedAt = optionalTime(q.value(15));
    k.lastUsedIp = q.value(16).toString();
    k.expiresAt = optionalTime(q.value(17));
    k.deletedAt = optionalTime(q.value(18));
    k.replaces = q.value(19).toString();
    k.replacedBy = q.value(20).toString();
    return k;
}

const QString AuditColumns = QStringLiteral("id, tenant_id, occurred_at, actor_type, actor_id, actor_name, "
                                            "action, target_type, target_id, target_name, "
                                            "workspace_id, outcome, http_status, method, path, source_ip, "
                                            "user_agent, request_id, detail, prev_hash, hash");

AuditRecord auditFromRow(const QSqlQuery &q)
{
    AuditRecord r;
    r.id = q.value(0).toLongLong();
    r.tenantId = q.value(1).toString();
    r.occurredAt = q.value(2).toLongLong();
    r.actorType = q.value(3).toString();
    r.actorId = q.value(4).toString();
    r.actorName = q.value(5).toString();
    r.action = q.value(6).toString();
    r.targetType = q.value(7).toString();
    r.targetId = q.value(8).toString();
    r.targetName = q.value(9).toString();
    r.workspaceId = q.value(10).toString();
    r.outcome = q.value(11).toString();
    r.httpStatus = q.value(12).toInt();
    r.method = q.value(13).toString();
    r.path = q.value(14).toString();
    r.sourceIp = q.value(15).toString();
    r.userAgent = q.value(16).toString();
    r.requestId = q.value(17).toString();
    r.detail = q.value(18).toString();
    r.prevHash = q.value(19).toString();
    r.hash = q.value(20).toString();
    return r;
}

TenantRecord tenantFromRow(const QSqlQuery &q)
{
    return TenantRecord{q.value(0).toString(), q.value(1).toString(), q.value(2).toInt(),
                        q.value(3).toLongLong()};
}

UserRecord userFromRow(const QSqlQuery &q)
{
    UserRecord u;
    u.id = q.value(0).toString();
    u.tenantId = q.value(1).toString();
    u.email = q.value(2).toString();
    u.name = q.value(3).toString();
    u.passwordHash = q.value(4).toString();
    u.platformRole = q.value(5).toString();
    u.createdAt = q.value(6).toLongLong();
    return u;
}

WorkspaceRecord workspaceFromRow(const QSqlQuery &q)
{
    return WorkspaceRecord{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                           q.value(3).toString(), q.value(4).toLongLong()};
}

const QString UserColumns =
    QStringLiteral("id, tenant_id, email, name, password_hash, platform_role, created_at");
const QString WorkspaceColumns = QStringLiteral("id, tenant_id, name, description, created_at");

// The WHERE conditions an audit page shares between its plain form and each arm of the api-key union.
void auditConditions(const AuditQuery &query, QString *sql, QVariantList *values)
{
    *sql += QStringLiteral(" WHERE tenant_id = ?");
    values->append(text(query.tenantId));
    if (!query.workspaceScope.isEmpty()) {
        *sql += QStringLiteral(" AND workspace_id IN (%1)").arg(placeholders(query.workspaceScope.size()));
        for (const QString &ws : query.workspaceScope)
            values->append(ws);
    }
    if (!query.actorId.isEmpty()) {
        *sql += QStringLiteral(" AND actor_id = ?");
        values->append(query.actorId);
    }
    if (!query.action.isEmpty()) {
        *sql += QStringLiteral(" AND action = ?");
        values->append(query.action);
    }
    if (!query.outcome.isEmpty()) {
        *sql += QStringLiteral(" AND outcome = ?");
        values->append(query.outcome);
    }
    if (query.since) {
        *sql += QStringLiteral(" AND occurred_at >= ?");
        values->append(*query.since);
    }
    if (query.until) {
        *sql += QStringLiteral(" AND occurred_at < ?");
        values->append(*query.until);
    }
    if (query.afterId) {
        *sql += QStringLiteral(" AND id > ?");
        values->append(*query.afterId);
    }
    if (query.beforeId) {
        *sql += QStringLiteral(" AND id < ?");
        values->append(*query.beforeId);
    }
}

} // namespace

SqlStorage::~SqlStorage()
{
    closeConnection();
}

void SqlStorage::closeConnection()
{
    m_prepared.clear();
    m_cache.clear();
    if (m_db.isValid()) {
        if (m_depth > 0) execStatement(QStringLiteral("ROLLBACK"));
        m_depth = 0;
        m_db.close();
    }
    m_db = QSqlDatabase();
}

bool SqlStorage::open()
{
    if (!openConnection()) return false;
    return migrate();
}

bool SqlStorage::run(QSqlQuery &query, const QString &sql, const QVariantList &values)
{
    // Preparing is most of the cost of a small statement (SQLite parses and plans it every time; the
    // PostgreSQL driver makes two extra round trips), so each distinct statement is prepared once per
    // connection and the caller gets a shared handle to it. Callers read their rows before running the
    // same statement again, which the single-threaded request path guarantees.
    auto it = m_prepared.find(sql);
    if (it == m_prepared.end()) {
        QSqlQuery prepared(m_db);
        prepared.setForwardOnly(true);
        if (!prepared.prepare(sql)) return setError(QStringLiteral("cannot prepare statement"), prepared);
        it = m_prepared.insert(sql, prepared);
    }
    // Qt deprecates copying a QSqlQuery because copies share one result; sharing it is the point here.
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    query = it.value();
    QT_WARNING_POP
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values.at(i));
    if (!query.exec()) return setError(QStringLiteral("statement failed"), query);
    return true;
}

bool SqlStorage::queryRow(const QString &sql, const QVariantList &values, int columns, QVariantList *row)
{
    QSqlQuery query(m_db);
    if (!run(query, sql, values)) return false;
    if (query.next()) {
        row->reserve(columns);
        for (int i = 0; i < columns; ++i)
            row->append(query.value(i));
    }
    query.finish(); // an open read statement would keep SQLite from committing
    return true;
}

bool SqlStorage::execStatement(const QString &sql)
{
    QSqlQuery query(m_db);
    if (!query.exec(sql)) return setError(sql, query);
    return true;
}

bool SqlStorage::setError(const QString &context, const QSqlQuery &query)
{
    // Driver messages name the failing constraint or statement; they never echo bound values on SQLite.
    m_lastError = context + QStringLiteral(": ") + query.lastError().text();
    if (m_depth > 0 && failedStatementAbortsTransaction())
        m_rollbackOnly = true;
    return false;
}

QStringList SqlStorage::migrationStatements(int version) const
{
    if (version == 2) {
        // Fixed-window counters for brute-force limits. They live in the database, not in memory, so
        // every server instance sharing the database enforces the same limits.
        return {QStringLiteral("CREATE TABLE rate_counters ("
                               "bucket TEXT NOT NULL, window_start BIGINT NOT NULL, hits INTEGER NOT NULL, "
                               "PRIMARY KEY (bucket, window_start))"),
                QStringLiteral("CREATE INDEX rate_counters_window ON rate_counters (window_start)")};
    }
    if (version != 1) return {};
    const QString blob = blobType();
    return {
        QStringLiteral("CREATE TABLE tenants ("
                       "id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, key_quota INTEGER NOT NULL, "
                       "created_at BIGINT NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE users ("
            "id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), email TEXT NOT NULL, "
            "name TEXT NOT NULL, password_hash TEXT NOT NULL, platform_role TEXT NOT NULL DEFAULT '', "
            "created_at BIGINT NOT NULL)"),
        // Login looks users up by address whatever its case; one account per address, platform-wide.
        QStringLiteral("CREATE UNIQUE INDEX users_email ON users (LOWER(email))"),
        QStringLiteral("CREATE INDEX users_tenant ON users (tenant_id)"),
        QStringLiteral(
            "CREATE TABLE workspaces ("
            "id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), name TEXT NOT NULL, "
            "description TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL)"),
        QStringLiteral("CREATE UNIQUE INDEX workspaces_tenant_name ON workspaces (tenant_id, name)"),
        QStringLiteral("CREATE TABLE workspace_members ("
                       "workspace_id TEXT NOT NULL REFERENCES workspaces(id), "
                       "user_id TEXT NOT NULL REFERENCES users(id), role TEXT NOT NULL, "
                       "PRIMARY KEY (workspace_id, user_id))"),
        QStringLiteral("CREATE INDEX workspace_members_user ON workspace_members (user_id)"),
        QStringLiteral("CREATE TABLE sessions ("
                       "token_hash %1 PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), "
                       "tenant_id TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)")
            .arg(blob),
        QStringLiteral("CREATE INDEX sessions_expires ON sessions (expires_at)"),
        QStringLiteral(
            "CREATE TABLE api_keys ("
            "id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), name TEXT NOT NULL, "
            "description TEXT NOT NULL DEFAULT '', role TEXT NOT NULL, "
            "workspace_id TEXT REFERENCES workspaces(id), enabled INTEGER NOT NULL, "
            "secret_hmac %1 NOT NULL, hint TEXT NOT NULL, created_by_type TEXT NOT NULL, "
            "created_by_id TEXT NOT NULL, created_by_name TEXT NOT NULL, created_at BIGINT NOT NULL, "
            "updated_at BIGINT NOT NULL, last_used_at BIGINT, last_used_ip TEXT, expires_at BIGINT, "
            "deleted_at BIGINT, replaces TEXT, replaced_by TEXT)")
            .arg(blob),
        // Every authenticated request starts here; unique so one value can never name two keys.
        QStringLiteral("CREATE UNIQUE INDEX api_keys_hmac ON api_keys (secret_hmac)"),
        // The key list and quota count never look at deleted keys, so the index leaves them out.
        QStringLiteral("CREATE INDEX api_keys_list ON api_keys (tenant_id, created_at DESC, id DESC) "
                       "WHERE deleted_at IS NULL"),
        QStringLiteral(
            "CREATE TABLE audit_events ("
            "id %1, tenant_id TEXT NOT NULL, occurred_at BIGINT NOT NULL, actor_type TEXT NOT NULL, "
            "actor_id TEXT, actor_name TEXT, action TEXT NOT NULL, target_type TEXT, target_id TEXT, "
            "target_name TEXT, workspace_id TEXT, outcome TEXT NOT NULL, http_status INTEGER, "
            "method TEXT, path TEXT, source_ip TEXT, user_agent TEXT, request_id TEXT, detail TEXT, "
            "prev_hash TEXT NOT NULL, hash TEXT NOT NULL)")
            .arg(autoIdColumn()),
        // Newest-first pages and the chain walk (and the tail read of every append).
        QStringLiteral("CREATE INDEX audit_tenant_id ON audit_events (tenant_id, id)"),
        // Per-key views: "requests made with this key" and "what was done to this key".
        QStringLiteral("CREATE INDEX audit_tenant_actor ON audit_events (tenant_id, actor_id, id)"),
        QStringLiteral("CREATE INDEX audit_tenant_target ON audit_events (tenant_id, target_id, id)"),
        QStringLiteral("CREATE INDEX audit_tenant_time ON audit_events (tenant_id, occurred_at, id)"),
        QStringLiteral("CREATE TABLE idempotency_keys ("
                       "tenant_id TEXT NOT NULL, actor_id TEXT NOT NULL, idem_key TEXT NOT NULL, "
                       "request_hash %1 NOT NULL, status INTEGER NOT NULL, sealed_response %1 NOT NULL, "
                       "resource_id TEXT, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, "
                       "PRIMARY KEY (tenant_id, actor_id, idem_key))")
            .arg(blob),
        QStringLiteral("CREATE INDEX idempotency_expires ON idempotency_keys (expires_at)"),
    };
}

bool SqlStorage::migrate()
{
    // Everything, the bookkeeping table included, happens in one transaction under the migration lock,
    // so two processes starting at once cannot both migrate (or both create the table).
    if (!begin()) return false;
    if (!lockMigrations()
        || !execStatement(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                         "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"))) {
        const QString error = m_lastError;
        rollback();
        setError(error);
        return false;
    }
    const int current = schemaVersion();
    if (current < 0) {
        rollback();
        return false;
    }
    if (current > LatestSchemaVersion) {
        rollback();
        setError(QStringLiteral("the database has schema version %1, newer than this server (%2)")
                     .arg(current)
                     .arg(LatestSchemaVersion));
        return false;
    }
    for (int version = current + 1; version <= LatestSchemaVersion; ++version) {
        for (const QString &statement : migrationStatements(version)) {
            if (!execStatement(statement)) {
                const QString error = m_lastError;
                rollback();
                setError(QStringLiteral("migration %1 failed: %2").arg(version).arg(error));
                return false;
            }
        }
        QSqlQuery query(m_db);
        if (!run(query, QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"),
                 {version, QDateTime::currentMSecsSinceEpoch()})) {
            rollback();
            return false;
        }
    }
    return commit();
}

int SqlStorage::schemaVersion()
{
    QSqlQuery query(m_db);
    if (!run(query, QStringLiteral("SELECT MAX(version) FROM schema_migrations"))) return -1;
    return query.next() ? query.value(0).toInt() : 0;
}

bool SqlStorage::begin()
{
    if (m_depth == 0) {
        m_cache.clear();
        if (!execTransactionStatement(beginStatement())) return false;
        m_rollbackOnly = false;
    }
    ++m_depth;
    return true;
}

bool SqlStorage::commit()
{
    if (m_depth == 0) {
        setError(QStringLiteral("commit() without begin()"));
        return false;
    }
    if (m_depth == 1 && !m_rollbackOnly && !(flushAudits() && flushLastUses())) {
        const QString error = m_lastError;
        m_depth = 0;
        m_cache.clear();
        m_rollbackOnly = false;
        execStatement(QStringLiteral("ROLLBACK"));
        setError(error);
        return false;
    }
    if (--m_depth > 0) return !m_rollbackOnly;
    m_cache.clear();
    if (m_rollbackOnly) {
        m_rollbackOnly = false;
        execStatement(QStringLiteral("ROLLBACK"));
        setError(QStringLiteral("the transaction was rolled back by an inner rollback()"));
        return false;
    }
    // Statements left part-read (a lookup that took its one row) are reset before the commit.
    for (QSqlQuery &prepared : m_prepared)
        prepared.finish();
    if (!execTransactionStatement(QStringLiteral("COMMIT"))) {
        // A failed COMMIT (busy, constraint deferred) leaves the transaction open: close it.
        const QString error = m_lastError;
        execStatement(QStringLiteral("ROLLBACK"));
        setError(error);
        return false;
    }
    return true;
}

void SqlStorage::rollback()
{
    if (m_depth == 0) return;
    m_cache.clear(); // an inner rollback undid writes the cache may have seen
    if (--m_depth > 0) {
        m_rollbackOnly = true;
        return;
    }
    m_rollbackOnly = false;
    execStatement(QStringLiteral("ROLLBACK"));
}

// --- tenants, users, workspaces ---

bool SqlStorage::insertTenant(const TenantRecord &tenant)
{
    QSqlQuery q(m_db);
    return run(q, QStringLiteral("INSERT INTO tenants (id, name, key_quota, created_at) VALUES (?, ?, ?, ?)"),
               {tenant.id, tenant.name, tenant.keyQuota, tenant.createdAt});
}

std::optional<TenantRecord> SqlStorage::tenantById(const QString &id)
{
    if (const auto cached = m_cache.tenants.constFind(id); cached != m_cache.tenants.constEnd())
        return *cached;
    QVariantList row;
    if (!queryRow(QStringLiteral("SELECT id, name, key_quota, created_at FROM tenants WHERE id = ?"), {id}, 4, &row) ||
        row.isEmpty())
        return std::nullopt;
    TenantRecord tenant{row.at(0).toString(), row.at(1).toString(), row.at(2).toInt(), row.at(3).toLongLong()};
    if (inTransaction())
        m_cache.tenants.insert(id, tenant);
    return tenant;
}

std::optional<TenantRecord> SqlStorage::tenantByName(const QString &name)
{
    QSqlQuery q(m_db);
    if (!run(q, QStringLiteral("SELECT id, name, key_quota, created_at FROM tenants WHERE name = ?"),
             {name}) ||
        !q.next())
        return std::nullopt;
    return tenantFromRow(q);
}

QList<TenantRecord> SqlStorage::tenants()
{
    QList<TenantRecord> out;
    QSqlQuery q(m_db);
    if (!run(q, QStringLiteral("SELECT id, name, key_quota, created_at FROM tenants ORDER BY name, id")))
        return out;
    while (q.next())
        out.append(tenantFromRow(q));
    return out;
}

bool SqlStorage::setKeyQuota(const QString &tenantId, int quota)
{
    m_cache.tenants.remove(tenantId);
    QSqlQuery q(m_db);
    if (!run(q, QStringLiteral("UPDATE tenants SET key_quota = ? WHERE id = ?"), {quota, tenantId}))
        return false;
    if (q.numRowsAffected() != 1) {
        setError(QStringLiteral("no such tenant"));
        return false;
    }
    return true;
}

bool SqlStorage::insertUser(const UserRecord &user)
{
    QSqlQuery q(m_db);
    return run(q,
               QStringLiteral(
                   "INSERT INTO users (id, tenant_id, email, name, password_hash, platform_role, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)"),
               {user.id, user.tenantId, user.email, text(user.name), user.passwordHash,
                text(user.platformRole), user.createdAt});
}

std::optional<UserRecord> SqlStorage::userByEmail(const QString &email)
{
    QSqlQuery q(m_db);
    // Lowered on both sides by the database (so both agree on what "lower" means) and matched
    // against the expression index on LOWER(email). The cast spares PostgreSQL guessing the type.
    if (!run(q,
             QStringLiteral("SELECT %1 FROM users WHERE LOWER(email) = LOWER(CAST(? AS TEXT))")
                 .arg(UserColumns),
             {email}) ||
        !q.next())
        return std::nullopt;
    return userFromRow(q);
}

std::optional<UserRecord> SqlStorage::userById(const QString &id)
{
    QSqlQuery q(m_db);
    if (!run(q, QStringLiteral("SELECT %1 FROM users WHERE id = ?").arg(UserColumns), {id}) || !q.next())
        return std::nullopt;
    return userFromRow(q);
}

QList<WorkspaceRoleRecord> SqlStorage::workspaceRolesOf(const QString &userId)
{
    QList<WorkspaceRoleRecord> out;
    QSqlQuery q(m_db);
    if (!run(q,
             QStringLiteral(
                 "SELECT m.workspace_id, w.name, m.role FROM workspace_members m "
                 "JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = ? ORDER BY w.name, w.id"),
             {userId}))
        return out;
    while (q.next())
        out.append(WorkspaceRoleRecord{q.value(0).toString(), q.value(1).toString(), q.value(2).toString()});
    return out;
}

bool SqlStorage::insertWorkspace(const WorkspaceRecord &workspace)
{
    QSqlQuery q(m_db);
    return run(
        q,
        QStringLiteral("INSERT INTO workspaces (id, tenant_id, name, description, created_at) "
                       "VALUES (?, ?, ?, ?, ?)"),
        {workspace.id, workspace.tenantId, workspace.name, text(workspace.description), workspace.createdAt});
}

bool SqlStorage::insertWorkspaceMember(const QString &workspaceId, const QString &userId, const QString &role)
{
    QSqlQuery q(m_db);
    return run(q,
               QStringLiteral("INSERT INTO workspace_members (workspace_id, user_id, role) VALUES (?, ?, ?)"),
               {workspaceId, userId, role});
}

QList<WorkspaceRecord> SqlStorage::workspaces(const QString &tenantId)
{
    QList<WorkspaceRecord> out;
    QSqlQuery q(m_db);
    if (!run(q,
             QStringLiteral("SELECT %1 FROM workspaces WHERE tenant_id = ? ORDER BY name, id")
                 .arg(WorkspaceColumns),
             {tenantId}))
        return out;
    while (q.next())
        out.append(workspaceFromRow(q));
    return out;
}

std::optional<WorkspaceRecord> SqlStorage::workspaceById(const QString &tenantId, const QString &id)
{
    QSqlQuery q(m_db);
    if (!run(q,
             QStringLiteral("SELECT %1 FROM workspaces WHERE tenant_id = ? AND id = ?").arg(WorkspaceColumns),
             {tenantId, id}) ||
        !q.next())
        return std::nullopt;
    return workspaceFromRow(q);
}

// --- sessions ---

bool SqlStorage::insertSession(const SessionRecord &session)
{
    QSqlQuery q(m_db);
    return run(q,
               QStringLiteral("INSERT INTO sessions (token_hash, user_id, tenant_id, created_at, expires_at) "
                              "VALUES (?, ?, ?, ?, ?)"),
               {session.tokenHash, session.userId, session.tenantId, session.createdAt, session.expiresAt});
}

std::optional<SessionRecord> SqlStorage::sessionByHash(const QByteArray &tokenHash)
{
    QSqlQuery q(m_db);
    if (!run(q,
             QStringLiteral("SELECT token_hash, user_id, tenant_id, created_at, expires_at FROM sessions "
                            "WHERE token_hash = ?"),
             {tokenHash}) ||
        !q.next())
        return std::nullopt;
    return SessionRecord{q.value(0).toByteArray(), q.value(1).toString(), q.value(2).toString(),
                         q.value(3).toLongLong(), q.value(4).toLongLong()};
}

bool SqlStorage::deleteSession(const QByteArray &tokenHash)
{
    QSqlQuery q(m_db);
    return run(q, QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"), {tokenHash});
}

bool SqlStorage::deleteExpiredSessions(qint64 now)
{
    QSqlQuery q(m_db);
    return run(q, QStringLiteral("DELETE FROM sessions WHERE expires_at <= ?"), {now});
}

// --- API keys ---

bool SqlStorage::insertApiKey(const ApiKeyRecord &key)
{
    QSqlQuery q(m_db);
    return run(q,
               QStringLiteral(
                   "INSERT INTO api_keys (id, tenant_id, name, description, role, workspace_id, enabled, "
                   "secret_hmac, hint, created_by_type, created_by_id, created_by_name, created_at, "
                   "updated_at, last_used_at, last_used_ip, expires_at, deleted_at, replaces, replaced_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
               {key.id,
                key.tenantId,
                text(key.name),
                text(key.description),
                key.role,
                textOrNull(key.workspaceId),
                key.enabled ? 1 : 0,
                key.secretHmac,
                text(key.hint),
                text(key.createdByType),
                text(key.createdById),
                text(key.createdByName),
                key.createdAt,
                key.updatedAt,
                timeOrNull(key.lastUsedAt),
                textOrNull(key.lastUsedIp),
                timeOrNull(key.expiresAt),
                timeOrNull(key.deletedAt),
                textOrNull(key.replaces),
                textOrNull(key.replacedBy)});
}

std::optional<ApiKeyRecord> SqlStorage::oneApiKey(const QString &where, const QVariantList &values)
{
    QSqlQuery q(m_db);
    if (!run(q, QStringLiteral("SELECT ") + KeyColumns + QStringLiteral(" WHERE ") + where, values) ||
        !q.next())
        return std::nullopt;
    ApiKeyRecord key = keyFromRow(q);
    applyLastUse(key); // not yet written: see touchApiKey()
    return key;
}

std::optional<ApiKeyRecord> SqlStorage::apiKeyById(const QString &tenantId, const QString &id)
{
    return oneApiKey(QStringLiteral("k.tenant_id = ? AND k.id = ? AND k.deleted_at IS NULL"), {tenantId, id});
}

std::optional<ApiKeyRecord> SqlStorage::apiKeyForUpdate(const QString &tenantId, const QString &id)
{
    // On PostgreSQL a lock wait ends by reading the row as the other transaction committed it, and finds
    // nothing if that transaction deleted the key.
    // The audit chain first: every transaction of a tenant takes it before any key row (a request made
    // with a key writes the key's last use after its audit record), so none holds a row while waiting for
    // the chain. Otherwise disabling a key while it is in use could deadlock, and PostgreSQL would fail one.
    if (!lockAuditChain(tenantId))
        return std::nullopt;
    return oneApiKey(QStringLiteral("k.tenant_id = ? AND k.id = ? AND k.deleted_at IS NULL") + lockKeyRows(),
                     {tenantId, id});
}

bool SqlStorage::selectApiKeyByHmac(const QByteArray &hmac, std::optional<ApiKeyRecord> *out)
{
    QSqlQuery q(m_db);
    if (!run(q, QStringLiteral("SELECT ") + KeyColumns + QStringLiteral(" WHERE k.secret_hmac = ?"), {hmac}))
        return false;
    if (q.next())
        *out = keyFromRow(q);
    return true;
}

const QString &SqlStorage::apiKeyColumns()
{
    return KeyColumns;
}

std::optional<ApiKeyRecord> SqlStorage::apiKeyByHmac(const QByteArray &hmac)
{
    if (const auto cached = m_cache.keysByHmac.constFind(hmac); cached != m_cache.keysByHmac.constEnd())
        return *cached;
    std::optional<ApiKeyRecord> key;
    if (!selectApiKeyByHmac(hmac, &key) || !key)
        return std::nullopt;
    applyLastUse(*key); // not yet written: see touchApiKey()
    if (inTransaction())
        m_cache.keysByHmac.insert(hmac, *key);
    return key;
}

QList<ApiKeyRecord> SqlStorage::apiKeys(const ApiKeyQuery &query)
{
    QList<ApiKeyRecord> out;
    // The "stale" filter and the list itself read last use in SQL: write what this transaction holds back.
    // The chain first, as everywhere (see apiKeyForUpdate): the caller's own last use is among those
    // rows, and this request's audit record, which would take the chain, comes only after the handler.
    if (!lockAuditChain(query.tenantId) || !flushLastUses())
        return out;
    QString sql = QStringLiteral("SELECT ") + KeyColumns +
                  QStringLiteral(" WHERE k.tenant_id = ? AND k.deleted_at IS NULL");
    QVariantList values{query.tenantId};

    if (!query.workspaceScope.isEmpty()) {
        sql += QStringLiteral(" AND k.workspace_id IN (%1)").arg(placeholders(query.workspaceScope.size()));
        for (const QString &ws : query.workspaceScope)
            values.append(ws);
    }
    if (!query.workspaceId.isEmpty()) {
        sql += QStringLiteral(" AND k.workspace_id = ?");
        values.append(query.workspaceId);
    }

    const QString &status = query.status;
    if (status.isEmpty() || status == QLatin1StringView("all")) {
    } else if (status == QLatin1StringView("enabled")) {
        sql += QStringLiteral(" AND k.enabled = 1 AND (k.expires_at IS NULL OR k.expires_at > ?)");
        values.append(query.now);
    } else if (status == QLatin1StringView("disabled")) {
        // A disabled key past its expiry has the status expired, and is listed there only.
        sql += QStringLiteral(" AND k.enabled = 0 AND (k.expires_at IS NULL OR k.expires_at > ?)");
        values.append(query.now);
    } else if (status == QLatin1StringView("expired")) {
        sql += QStringLiteral(" AND k.expires_at IS NOT NULL AND k.expires_at <= ?");
        values.append(query.now);
    } else if (status == QLatin1StringView("stale")) {
        // Never used counts from creation: a key minted and forgotten is as stale as one abandoned.
        sql += QStringLiteral(" AND COALESCE(k.last_used_at, k.created_at) < ?");
        values.append(query.staleBefore);
    } else if (status == QLatin1StringView("rotation_due")) {
        // Only keys still in service: a disabled or expired key accepts no requests, and a replaced one is
        // already being rotated away from. The console's Status column flags the same keys.
        sql += QStringLiteral(" AND k.created_at < ? AND k.enabled = 1 AND (k.expires_at IS NULL OR k.expires_at > ?)"
                              " AND k.replaced_by IS NULL");
        values.append(query.rotationBefore);
        values.append(query.now);
    } else {
        setError(QStringLiteral("unknown key status filter: %1").arg(status));
        return out;
    }

    if (!query.text.isEmpty()) {
        // Lowered on both sides: PostgreSQL's LIKE is case-sensitive, and SQLite's LIKE and LOWER() fold
        // ASCII letters only ("Überwachung" would not find itself).
        const QString pattern = likeContains(query.text.toLower());
        sql += QStringLiteral(" AND (%1 LIKE ? ESCAPE '\\' OR %2 LIKE ? ESCAPE '\\' OR %3 LIKE ? ESCAPE '\\'"
                              " OR %4 LIKE ? ESCAPE '\\')")
                   .arg(lowered(QStringLiteral("k.name")), lowered(QStringLiteral("k.description")),
                        lowered(QStringLiteral("k.id")), lowered(QStringLiteral("k.created_by_name")));
        for (int i = 0; i < 4; ++i)
            values.append(pattern);
    }

    if (query.afterCreatedAt) {
        // Written as a range on created_at plus a tie-break so both planners can seek the list index.
        sql += QStringLiteral(" AND k.created_at <= ? AND (k.created_at < ? OR k.id < ?)");
        values << *query.afterCreatedAt << *query.afterCreatedAt << query.afterId;
    }
    sql += QStringLiteral(" ORDER BY k.created_at DESC, k.id DESC LIMIT ?");
    values.append(qMax(0, query.limit));
    if (!selectApiKeyRows(sql, values, &out))
        out.clear();
    return out;
}

bool SqlStorage::selectApiKeyRows(const QString &sql, const QVariantList &values, QList<ApiKeyRecord> *out)
{
    QSqlQuery q(m_db);
    if (!run(q, sql, values)) return false;
    while (q.next())
        out->append(keyFromRow(q));
    return true;
}

bool SqlStorage::updateApiKey(const ApiKeyRecord &key)
{
    m_cache.keysByHmac.clear(); // by HMAC, not id: a disabled or deleted key must be seen at once
    QSqlQuery q(m_db);
    if (!run(q,
             QStringLiteral("UPDATE api_keys SET name = ?, description = ?, enabled = ?, replaced_by = ?, "
                            "updated_at = ?, deleted_at = ? WHERE id = ? AND tenant_id = ?"),
             {text(key.name), text(key.description), key.enabled ? 1 : 0, textOrNull(key.replacedBy),
              key.updatedAt, timeOrNull(key.deletedAt), key.id, key.tenantId}))
        return false;
    if (q.numRowsAffected() != 1) {
        setError(QStringLiteral("no such key in this tenant"));
        return false;
    }
    return true;
}

bool SqlStorage::touchApiKey(const QString &id, qint64 usedAt, const QString &sourceIp)
{
    if (!inTransaction())
        return writeLastUse(id, usedAt, sourceIp);
    // Written when the transaction commits (flushLastUses()), once per key: a batch of requests made with
    // one key updates its row once, and takes the row's lock only after the requests' audit records have
    // taken their chain's lock, so two instances never hold these two locks in opposite orders.
    // Concurrent requests may finish out of order; last use only ever moves forward.
    LastUse &pending = m_cache.lastUses[id];
    if (!pending.usedAt || usedAt >= *pending.usedAt) {
        pending.usedAt = usedAt;
        pending.sourceIp = sourceIp;
    }
    for (ApiKeyRecord &cached : m_cache.keysByHmac) {
        if (cached.id == id)
            applyLastUse(cached);
    }
    return true;
}

bool SqlStorage::writeLastUse(const QString &id, qint64 usedAt, const QString &sourceIp)
{
    QVariantList none;
    return queryRow(QStringLiteral("UPDATE api_keys SET last_used_at = ?, last_used_ip = ? "
                                   "WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)"),
                    {usedAt, textOrNull(sourceIp), id, usedAt}, 0, &none);
}

void SqlStorage::applyLastUse(ApiKeyRecord &key) const
{
    const auto pending = m_cache.lastUses.constFind(key.id);
    if (pending == m_cache.lastUses.constEnd())
        return;
    if (!key.lastUsedAt || *key.lastUsedAt <= *pending->usedAt) {
        key.lastUsedAt = pending->usedAt;
        key.lastUsedIp = pending->sourceIp;
    }
}

bool SqlStorage::flushLastUses()
{
    // In id order, so two transactions that write the same keys lock them in the same order.
    QStringList ids = m_cache.lastUses.keys();
    ids.sort();
    for (const QString &id : std::as_const(ids)) {
        const LastUse use = m_cache.lastUses.take(id);
        if (!writeLastUse(id, *use.usedAt, use.sourceIp))
            return false;
    }
    return true;
}

int SqlStorage::countApiKeys(const QString &tenantId)
{
    QSqlQuery q(m_db);
    if (!run(q, QStringLiteral("SELECT COUNT(*) FROM api_keys WHERE tenant_id = ? AND deleted_at IS NULL"),
             {tenantId}) ||
        !q.next())
        return -1;
    return q.value(0).toInt();
}

// --- audit ---

bool SqlStorage::readAuditTail(AuditRecord &record)
{
    QVariantList tail;
    if (!queryRow(QStringLiteral(
                      "SELECT hash, occurred_at FROM audit_events WHERE tenant_id = ? ORDER BY id DESC LIMIT 1"),
                  {text(record.tenantId)}, 2, &tail)) {
        setError(QStringLiteral("cannot read the audit chain tail: ") + lastError());
        return false;
    }
    const bool hasTail = !tail.isEmpty();
    record.prevHash = hasTail ? tail.at(0).toString() : GenesisHash;
    // A chain's times never go backwards, even when instances' clocks disagree slightly: chain order is
    // time order, which lets time-range queries become id ranges (see auditEvents).
    if (hasTail)
        record.occurredAt = qMax(record.occurredAt, tail.at(1).toLongLong());
    return true;
}

bool SqlStorage::appendAudit(AuditRecord &record, QString (*hashFn)(const AuditRecord &))
{
    // The read of the previous hash and the insert must be one unit, or two appenders fork the chain.
    const bool alone = !inTransaction();
    if (!begin()) return false;
    auto fail = [this] {
        rollback();
        return false;
    };
    if (!lockAuditChain(record.tenantId)) return fail();

    // A chain's tail is read once per transaction; after that this transaction's own appends are the tail
    // (it holds the chain's lock until it ends).
    const auto cachedTail = m_cache.auditTails.constFind(record.tenantId);
    if (cachedTail != m_cache.auditTails.constEnd()) {
        record.prevHash = cachedTail->first;
        record.occurredAt = qMax(record.occurredAt, cachedTail->second);
    } else if (!readAuditTail(record)) {
        return fail();
    }
    record.hash = hashFn(record);
    m_cache.auditTails.insert(record.tenantId, {record.hash, record.occurredAt});

    // Held back and written, with the rest of the transaction's records, just before COMMIT (or before
    // anything reads audit_events): a batch of requests costs one insert pass instead of one per request,
    // and on PostgreSQL one round trip. The commit still carries every record of the batch, so no answer
    // leaves before its record is durable.
    m_cache.audits.append(record);
    if (alone && !flushAudits(&record.id)) return fail();
    return commit();
}

bool SqlStorage::flushAudits(qint64 *lastId)
{
    if (m_cache.audits.isEmpty()) return true;
    QList<AuditRecord> records = std::exchange(m_cache.audits, {});
    if (!insertAuditRows(records)) {
        // Some rows of the pass may be in; the tails cached from the rest are ahead of the table.
        if (inTransaction()) m_rollbackOnly = true;
        return false;
    }
    if (lastId) *lastId = records.constLast().id;
    return true;
}

bool SqlStorage::insertAuditRows(QList<AuditRecord> &records)
{
    for (AuditRecord &record : records) {
        QSqlQuery insert(m_db);
        if (!run(insert,
                 QStringLiteral(
                     "INSERT INTO audit_events (tenant_id, occurred_at, actor_type, actor_id, actor_name, "
                     "action, target_type, target_id, target_name, workspace_id, outcome, http_status, "
                     "method, path, source_ip, user_agent, request_id, detail, prev_hash, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                 {text(record.tenantId), record.occurredAt, text(record.actorType), textOrNull(record.actorId),
                  textOrNull(record.actorName), text(record.action), textOrNull(record.targetType),
                  textOrNull(record.targetId), textOrNull(record.targetName), textOrNull(record.workspaceId),
                  text(record.outcome),
                  record.httpStatus > 0 ? QVariant(record.httpStatus) : QVariant(QMetaType::fromType<int>()),
                  textOrNull(record.method), textOrNull(record.path), textOrNull(record.sourceIp),
                  textOrNull(record.userAgent), textOrNull(record.requestId), textOrNull(record.detail),
                  record.prevHash, record.hash}))
            return false;
        if (!insert.next()) {
            setError(QStringLiteral("cannot append the audit event"), insert);
            return false;
        }
        record.id = insert.value(0).toLongLong();
        insert.finish();
    }
    return true;
}

bool SqlStorage::auditEvents(const AuditQuery &filters, QList<AuditRecord> *out)
{
    if (!flushAudits()) return false; // this transaction's own records are part of the answer
    // A time range becomes an id range (times follow ids within a tenant's chain, see appendAudit): two
    // index seeks find its ends, and the page is then read in id order from the index like any other,
    // instead of sorting every event of the range.
    AuditQuery query = filters;
    if (query.since || query.until) {
        QSqlQuery q(m_db);
        if (query.since) {
            if (!run(q, QStringLiteral("SELECT id FROM audit_events WHERE tenant_id = ? AND occurred_at >= ? "
                                       "ORDER BY occurred_at, id LIMIT 1"),
                     {text(query.tenantId), *query.since}))
                return false;
            if (!q.next()) return true; // nothing since then
            query.afterId = qMax(query.afterId.value_or(0), q.value(0).toLongLong() - 1);
            q.finish();
        }
        if (query.until) {
            if (!run(q, QStringLiteral("SELECT id FROM audit_events WHERE tenant_id = ? AND occurred_at < ? "
                                       "ORDER BY occurred_at DESC, id DESC LIMIT 1"),
                     {text(query.tenantId), *query.until}))
                return false;
            if (!q.next()) return true; // nothing before then
            const qint64 upper = q.value(0).toLongLong() + 1;
            query.beforeId = query.beforeId ? qMin(*query.beforeId, upper) : upper;
            q.finish();
        }
        query.since.reset();
        query.until.reset();
    }
    QString sql;
    QVariantList values;
    const int limit = qMax(0, query.limit);
    if (query.apiKeyId.isEmpty()) {
        sql = QStringLiteral("SELECT ") + AuditColumns + QStringLiteral(" FROM audit_events");
        auditConditions(query, &sql, &values);
    } else {
        // "actor OR target" as one predicate defeats both indexes; two seeks merged by id stay fast at any
        // depth.
        QString actorArm = QStringLiteral("SELECT ") + AuditColumns + QStringLiteral(" FROM audit_events");
        auditConditions(query, &actorArm, &values);
        actorArm += QStringLiteral(" AND actor_id = ? ORDER BY id DESC LIMIT ?");
        values << query.apiKeyId << limit;
        QString targetArm = QStringLiteral("SELECT ") + AuditColumns + QStringLiteral(" FROM audit_events");
        auditConditions(query, &targetArm, &values);
        targetArm += QStringLiteral(" AND target_id = ? ORDER BY id DESC LIMIT ?");
        values << query.apiKeyId << limit;
        // UNION (not ALL) drops the event whose actor and target are both the key.
        sql = QStringLiteral("SELECT ") + AuditColumns + QStringLiteral(" FROM (SELECT * FROM (") + actorArm +
              QStringLiteral(") AS by_actor UNION SELECT * FROM (") + targetArm +
              QStringLiteral(") AS by_target) AS matched");
    }
    sql += QStringLiteral(" ORDER BY id DESC LIMIT ?");
    values.append(limit);
    return selectAuditRows(sql, values, out);
}

bool SqlStorage::selectAuditRows(const QString &sql, const QVariantList &values, QList<AuditRecord> *out)
{
    QSqlQuery q(m_db);
    if (!run(q, sql, values)) return false;
    while (q.next())
        out->append(auditFromRow(q));
    // A connection lost while the rows arrive ends next() early, with the error kept here.
    return !q.lastError().isValid() || setError(QStringLiteral("cannot read audit events"), q);
}

const QString &SqlStorage::auditColumns()
{
    return AuditColumns;
}

bool SqlStorage::auditChain(const QString &tenantId, qint64 afterId, int limit, QList<AuditRecord> *out)
{
    if (!flushAudits()) return false;
    return selectAuditRows(QStringLiteral("SELECT ") + AuditColumns +
                               QStringLiteral(" FROM audit_events WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?"),
                           {text(tenantId), afterId, qMax(0, limit)}, out);
}

bool SqlStorage::auditTenants(QStringList *out)
{
    if (!flushAudits()) return false;
    QSqlQuery q(m_db);
    if (!run(q, QStringLiteral("SELECT DISTINCT tenant_id FROM audit_events ORDER BY tenant_id"))) return false;
    while (q.next())
        out->append(q.value(0).toString());
    return !q.lastError().isValid() || setError(QStringLiteral("cannot read the audit log's tenants"), q);
}

// --- idempotency ---

std::optional<IdempotencyRecord> SqlStorage::idempotencyRecord(const QString &tenantId,
                                                               const QString &actorId, const QString &key)
{
    QSqlQuery q(m_db);
    if (!run(q,
             QStringLiteral(
                 "SELECT tenant_id, actor_id, idem_key, request_hash, status, sealed_response, resource_id, "
                 "created_at, expires_at FROM idempotency_keys "
                 "WHERE tenant_id = ? AND actor_id = ? AND idem_key = ?"),
             {tenantId, actorId, key}) ||
        !q.next())
        return std::nullopt;
    IdempotencyRecord r;
    r.tenantId = q.value(0).toString();
    r.actorId = q.value(1).toString();
    r.key = q.value(2).toString();
    r.requestHash = q.value(3).toByteArray();
    r.status = q.value(4).toInt();
    r.sealedResponse = q.value(5).toByteArray();
    r.resourceId = q.value(6).toString();
    r.createdAt = q.value(7).toLongLong();
    r.expiresAt = q.value(8).toLongLong();
    return r;
}

bool SqlStorage::insertIdempotencyRecord(const IdempotencyRecord &record)
{
    if (!begin()) return false;
    QSqlQuery q(m_db);
    // An expired record with the same key must not block its reuse before the cleanup job runs.
    if (!run(q,
             QStringLiteral(
                 "DELETE FROM idempotency_keys WHERE tenant_id = ? AND actor_id = ? AND idem_key = ? "
                 "AND expires_at <= ?"),
             {record.tenantId, record.actorId, record.key, record.createdAt}) ||
        !run(q,
             QStringLiteral(
                 "INSERT INTO idempotency_keys (tenant_id, actor_id, idem_key, request_hash, status, "
                 "sealed_response, resource_id, created_at, expires_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {record.tenantId, record.actorId, record.key, record.requestHash, record.status,
              record.sealedResponse, textOrNull(record.resourceId), record.createdAt, record.expiresAt})) {
        rollback();
        return false;
    }
    return commit();
}

bool SqlStorage::deleteExpiredIdempotencyRecords(qint64 now)
{
    QSqlQuery q(m_db);
    return run(q, QStringLiteral("DELETE FROM idempotency_keys WHERE expires_at <= ?"), {now});
}

int SqlStorage::hitCounter(const QString &bucket, qint64 windowStart, int increment)
{
    QSqlQuery query(m_db);
    // One statement, so concurrent instances cannot lose an increment between a read and a write.
    if (!run(query,
             QStringLiteral("INSERT INTO rate_counters (bucket, window_start, hits) VALUES (?, ?, ?) "
                            "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + ? "
                            "RETURNING hits"),
             {bucket, windowStart, increment, increment})
        || !query.next()) {
        m_cache.counters.remove({bucket, windowStart});
        return -1;
    }
    const int hits = query.value(0).toInt();
    if (inTransaction())
        m_cache.counters.insert({bucket, windowStart}, hits);
    return hits;
}

int SqlStorage::counterValue(const QString &bucket, qint64 windowStart)
{
    const QPair<QString, qint64> id{bucket, windowStart};
    if (const auto cached = m_cache.counters.constFind(id); cached != m_cache.counters.constEnd())
        return *cached;
    QVariantList row;
    if (!queryRow(QStringLiteral("SELECT hits FROM rate_counters WHERE bucket = ? AND window_start = ?"),
                  {bucket, windowStart}, 1, &row))
        return -1;
    const int hits = row.isEmpty() ? 0 : row.at(0).toInt();
    if (inTransaction())
        m_cache.counters.insert(id, hits);
    return hits;
}

bool SqlStorage::deleteCountersBefore(qint64 windowStart)
{
    m_cache.counters.clear();
    QSqlQuery query(m_db);
    return run(query, QStringLiteral("DELETE FROM rate_counters WHERE window_start < ?"), {windowStart});
}

} // namespace datarecs::server
