#pragma once

#include "Storage.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>

namespace datarecs::server {

/// Storage over Qt SQL with SQL that both SQLite and PostgreSQL accept. Backends derive from it,
/// open the connection and answer the few dialect hooks below; everything else is shared so the
/// two backends cannot drift apart in behaviour.
class SqlStorage : public Storage
{
public:
    ~SqlStorage() override;

    bool open() override;
    QString lastError() const override { return m_lastError; }
    int schemaVersion() override;

    bool begin() override;
    bool commit() override;
    void rollback() override;
    bool rollbackOnly() const override { return m_depth > 0 && m_rollbackOnly; }
    bool flush() override { return flushAudits() && flushLastUses(); }

    bool insertTenant(const TenantRecord &tenant) override;
    std::optional<TenantRecord> tenantById(const QString &id) override;
    std::optional<TenantRecord> tenantByName(const QString &name) override;
    QList<TenantRecord> tenants() override;
    bool setKeyQuota(const QString &tenantId, int quota) override;

    bool insertUser(const UserRecord &user) override;
    std::optional<UserRecord> userByEmail(const QString &email) override;
    std::optional<UserRecord> userById(const QString &id) override;
    QList<WorkspaceRoleRecord> workspaceRolesOf(const QString &userId) override;

    bool insertWorkspace(const WorkspaceRecord &workspace) override;
    bool insertWorkspaceMember(const QString &workspaceId, const QString &userId,
                               const QString &role) override;
    QList<WorkspaceRecord> workspaces(const QString &tenantId) override;
    std::optional<WorkspaceRecord> workspaceById(const QString &tenantId, const QString &id) override;

    bool insertSession(const SessionRecord &session) override;
    std::optional<SessionRecord> sessionByHash(const QByteArray &tokenHash) override;
    bool deleteSession(const QByteArray &tokenHash) override;
    bool deleteExpiredSessions(qint64 now) override;

    bool insertApiKey(const ApiKeyRecord &key) override;
    std::optional<ApiKeyRecord> apiKeyById(const QString &tenantId, const QString &id) override;
    std::optional<ApiKeyRecord> apiKeyForUpdate(const QString &tenantId, const QString &id) override;
    QList<ApiKeyRecord> apiKeys(const ApiKeyQuery &query) override;
    std::optional<ApiKeyRecord> apiKeyByHmac(const QByteArray &hmac) override;
    bool updateApiKey(const ApiKeyRecord &key) override;
    bool touchApiKey(const QString &id, qint64 usedAt, const QString &sourceIp) override;
    int countApiKeys(const QString &tenantId) override;
    // SQLite: BEGIN IMMEDIATE already makes every writing transaction exclusive.
    bool lockTenant(const QString &) override { return true; }

    bool appendAudit(AuditRecord &record, QString (*hashFn)(const AuditRecord &)) override;
    using Storage::auditEvents;
    bool auditEvents(const AuditQuery &query, QList<AuditRecord> *out) override;
    using Storage::auditChain;
    bool auditChain(const QString &tenantId, qint64 afterId, int limit, QList<AuditRecord> *out) override;
    using Storage::auditTenants;
    bool auditTenants(QStringList *out) override;

    std::optional<IdempotencyRecord> idempotencyRecord(const QString &tenantId, const QString &actorId,
                                                       const QString &key) override;
    bool insertIdempotencyRecord(const IdempotencyRecord &record) override;
    bool deleteExpiredIdempotencyRecords(qint64 now) override;
    int hitCounter(const QString &bucket, qint64 windowStart, int increment) override;
    int counterValue(const QString &bucket, qint64 windowStart) override;
    bool deleteCountersBefore(qint64 windowStart) override;

    /// The underlying connection, for maintenance tools and tests that must reach past the interface
    /// (for example to tamper with a row on purpose). Not for the request path.
    QSqlDatabase connection() const { return m_db; }

    /// Highest migration version this build knows.
    static constexpr int LatestSchemaVersion = 2;

protected:
    SqlStorage() = default;

    /// Opens m_db (driver, file or server, per-connection settings). Called once by open().
    virtual bool openConnection() = 0;
    /// Runs a SELECT of the audit columns (in AuditColumns order) and appends its rows to out. The
    /// default reads through Qt SQL; SQLite overrides it, because exports read millions of rows.
    virtual bool selectAuditRows(const QString &sql, const QVariantList &values, QList<AuditRecord> *out);
    /// INSERTs records into audit_events in their order (ids grow in that order) and sets each one's id.
    /// The default inserts one row per statement through Qt SQL; both backends override it with a cheaper
    /// way of writing many rows at once.
    virtual bool insertAuditRows(QList<AuditRecord> &records);
    /// The audit columns every audit SELECT lists, in the order selectAuditRows reads them.
    static const QString &auditColumns();
    /// "<key columns> FROM api_keys k LEFT JOIN workspaces w ...", in the order keys are read back.
    static const QString &apiKeyColumns();
    /// Runs a SELECT of apiKeyColumns() and appends its rows to out. The default reads through Qt SQL;
    /// SQLite overrides it, as the console and the CLI list up to a thousand keys a page.
    virtual bool selectApiKeyRows(const QString &sql, const QVariantList &values, QList<ApiKeyRecord> *out);
    /// Reads the key whose secret_hmac is hmac into *out (left empty if there is none); false on error.
    /// The default reads through Qt SQL; SQLite overrides it, as every batch of key requests reads one.
    virtual bool selectApiKeyByHmac(const QByteArray &hmac, std::optional<ApiKeyRecord> *out);
    /// Runs the BEGIN or COMMIT every transaction runs. SQLite overrides it to keep them prepared.
    virtual bool execTransactionStatement(const QString &sql) { return execStatement(sql); }
    /// Runs sql, one of the small statements every batch of key requests runs, with values, and reads the
    /// first `columns` values of its first row, if it returns one, into *row; false on error. The default
    /// goes through run(); SQLite overrides it, because Qt SQL describes every column again on each
    /// execution and converts all text to UTF-16 QVariants, which cost more than SQLite's own work.
    virtual bool queryRow(const QString &sql, const QVariantList &values, int columns, QVariantList *row);

    // Dialect hooks. Defaults are standard SQL; backends override what their engine spells differently.

    /// Column definition of an auto-assigned, increasing 64-bit primary key.
    virtual QString autoIdColumn() const = 0;
    /// Type name of a byte-string column.
    virtual QString blobType() const = 0;
    /// Statements of one migration step. The default builds the portable schema with the hooks above.
    virtual QStringList migrationStatements(int version) const;
    /// Statement that opens a transaction.
    virtual QString beginStatement() const { return QStringLiteral("BEGIN"); }
    /// Ends a SELECT of apiKeyColumns() so that the api_keys rows it reads stay locked until the
    /// transaction ends.
    virtual QString lockKeyRows() const { return QStringLiteral(" FOR UPDATE OF k"); }
    /// \a expression in lower case, every letter and not only ASCII ones, for case-insensitive search.
    virtual QString lowered(const QString &expression) const { return QStringLiteral("LOWER(%1)").arg(expression); }
    /// Serialises appenders of one tenant's audit chain inside the current transaction, so two
    /// writers cannot both extend the same previous hash. SQLite already serialises writers.
    virtual bool lockAuditChain(const QString &tenantId)
    {
        Q_UNUSED(tenantId);
        return true;
    }
    /// Serialises migrations of processes starting together; called first in the migration transaction.
    virtual bool lockMigrations() { return true; }
    /// True where a failed statement aborts the whole transaction (PostgreSQL): the transaction is then
    /// doomed, so commit() reports the failure instead of a COMMIT that the server turns into a rollback.
    virtual bool failedStatementAbortsTransaction() const { return false; }

    bool inTransaction() const { return m_depth > 0; }

    /// Drops the prepared statements and closes m_db; backends call it before removing the connection.
    void closeConnection();
    bool run(QSqlQuery &query, const QString &sql, const QVariantList &values = {});
    bool execStatement(const QString &sql);
    bool setError(const QString &context, const QSqlQuery &query);
    void setError(const QString &message) { m_lastError = message; }

    QSqlDatabase m_db;

private:
    bool migrate();
    std::optional<ApiKeyRecord> oneApiKey(const QString &where, const QVariantList &values);
    /// Sets record.prevHash (and keeps occurredAt from going back) from the newest event of its chain.
    bool readAuditTail(AuditRecord &record);
    bool writeLastUse(const QString &id, qint64 usedAt, const QString &sourceIp);
    /// Lays this transaction's not yet written last use of key over what was read from the database.
    void applyLastUse(ApiKeyRecord &key) const;
    /// Writes the last uses touchApiKey() held back; done before COMMIT and before key lists.
    bool flushLastUses();
    /// INSERTs the audit records appendAudit() held back; done before COMMIT and before every read of
    /// audit_events. A failure dooms the transaction. *lastId, if given, gets the last record's id.
    bool flushAudits(qint64 *lastId = nullptr);

    QString m_lastError;
    int m_depth = 0;             // nesting of begin()
    bool m_rollbackOnly = false; // an inner rollback() dooms the outer transaction
    QHash<QString, QSqlQuery> m_prepared; // statement text -> prepared query, see run()

    /// Rows the open transaction has already read, so a batch of requests made with one key reads the
    /// key, its tenant, its address's invalid-key counter and the audit chain's tail once, and the last
    /// uses and audit records it has yet to write (see touchApiKey() and appendAudit()). Only ever valid
    /// inside one transaction: emptied when one begins or ends, and on every write to what it holds.
    /// Within a transaction nothing else changes them on SQLite, whose writer holds the only write lock.
    /// On PostgreSQL an audit tail is read under the chain's advisory lock, so it is exact too; a key,
    /// tenant or counter changed by another instance while a batch runs is seen by the next batch. That
    /// is still "at once" for every client: all requests of a batch had arrived before the batch first
    /// read the row, so none of them can have been sent after seeing the change take effect.
    struct LastUse
    {
        std::optional<qint64> usedAt;
        QString sourceIp;
    };
    struct TransactionCache
    {
        QHash<QByteArray, ApiKeyRecord> keysByHmac;
        QHash<QString, TenantRecord> tenants;
        QHash<QString, QPair<QString, qint64>> auditTails; // tenant -> hash and time of its newest event
        QHash<QPair<QString, qint64>, int> counters; // (bucket, window start) -> hits
        QHash<QString, LastUse> lastUses; // key id -> its latest use in this transaction, not yet written
        QList<AuditRecord> audits; // appended in this transaction, hashed, not yet written (chain order)
        void clear()
        {
            audits.clear();
            keysByHmac.clear();
            tenants.clear();
            auditTails.clear();
            counters.clear();
            lastUses.clear();
        }
    };
    TransactionCache m_cache;
};

} // namespace datarecs::server
