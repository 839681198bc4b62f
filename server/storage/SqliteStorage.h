#pragma once

#include "SqlStorage.h"

#include <QHash>

#include <functional>

struct sqlite3;
struct sqlite3_stmt;

namespace datarecs::server {

/// The embedded backend: one SQLite file, DIR/datarecs.db, in WAL mode. Each instance owns its own
/// named Qt SQL connection, so several may live in one process (tests, tools next to a server).
class SqliteStorage : public SqlStorage
{
public:
    explicit SqliteStorage(const QString &dataDir);
    ~SqliteStorage() override;

    SqliteStorage(const SqliteStorage &) = delete;
    SqliteStorage &operator=(const SqliteStorage &) = delete;

    QString databasePath() const;

protected:
    bool openConnection() override;
    QString autoIdColumn() const override;
    QString blobType() const override;
    QString lowered(const QString &expression) const override;
    QString beginStatement() const override;
    // None needed: a transaction holds the database's only write lock from its BEGIN IMMEDIATE.
    QString lockKeyRows() const override { return {}; }
    bool selectAuditRows(const QString &sql, const QVariantList &values, QList<AuditRecord> *out) override;
    bool insertAuditRows(QList<AuditRecord> &records) override;
    bool selectApiKeyRows(const QString &sql, const QVariantList &values, QList<ApiKeyRecord> *out) override;
    bool selectApiKeyByHmac(const QByteArray &hmac, std::optional<ApiKeyRecord> *out) override;
    bool execTransactionStatement(const QString &sql) override;
    bool queryRow(const QString &sql, const QVariantList &values, int columns, QVariantList *row) override;

private:
    bool pragma(const QString &statement, const QString &expected = {});
    /// The connection's own sqlite3 handle (null if Qt's driver does not expose it).
    sqlite3 *handle() const;
    /// sql prepared once on handle(), kept in m_statements; null (and lastError() set) on failure.
    sqlite3_stmt *cachedStatement(sqlite3 *db, const QString &sql);
    /// Binds values to statement's parameters 1, 2... as Qt SQL would (a null QVariant, QString or
    /// QByteArray is NULL; a QByteArray is a blob); false (and lastError() set) on failure.
    bool bindValues(sqlite3 *db, sqlite3_stmt *statement, const QVariantList &values);
    /// Runs sql (cached) with values and hands each row to readRow; false (and lastError() set to
    /// "what: SQLite's message") on failure.
    bool forEachRow(sqlite3 *db, const QString &sql, const QVariantList &values, const QString &what,
                    const std::function<void(sqlite3_stmt *)> &readRow);

    QString m_dataDir;
    QString m_connectionName;
    /// Statements of the request path prepared on the connection's own sqlite3 handle (audit reads and
    /// writes, the key lookup, BEGIN and COMMIT), finalized before it closes.
    QHash<QString, sqlite3_stmt *> m_statements;
    /// The audit INSERTs of 1, 4 and 16 rows (owned by m_statements).
    sqlite3_stmt *m_insertAudit[3] = {};
};

} // namespace datarecs::server
