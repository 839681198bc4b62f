#pragma once

#include "SqlStorage.h"

#include <QSet>

#include <memory>
#include <optional>

namespace datarecs::server {

/// Where a PostgreSQL database lives, parsed from `postgresql://user@host:port/db`.
struct PostgresLocation
{
    QString user;
    QString host;
    int port = 5432;
    QString database;
    QStringList options; // libpq key=value settings from the URL's query (e.g. sslmode=require)

    /// The URL without secrets, for messages.
    QString display() const;
};

/// The production backend: one PostgreSQL database shared by any number of datarecs-server
/// instances, through Qt's QPSQL driver. Everything that decides correctness across instances is in
/// the database: the audit chain order (a per-tenant advisory lock), the key quota (a per-tenant
/// advisory lock taken by lockTenant()), idempotency records (a primary key) and rate counters.
class PostgresStorage : public SqlStorage
{
public:
    /// The password comes from DATARECS_DATABASE_PASSWORD, else from the file named by
    /// DATARECS_DATABASE_PASSWORD_FILE, else libpq's own PGPASSWORD / ~/.pgpass. Never from the URL.
    explicit PostgresStorage(const PostgresLocation &location);
    ~PostgresStorage() override;

    PostgresStorage(const PostgresStorage &) = delete;
    PostgresStorage &operator=(const PostgresStorage &) = delete;

    /// True for postgresql:// and postgres:// URLs.
    static bool isPostgresUrl(const QString &url);
    /// Parses a database URL; on failure returns nullopt and says why in *error.
    static std::optional<PostgresLocation> parseUrl(const QString &url, QString *error);

    bool begin() override;
    bool beginShared() override;
    bool lockTenant(const QString &tenantId) override;

protected:
    bool openConnection() override;
    QString autoIdColumn() const override;
    QString blobType() const override;
    QString beginStatement() const override;
    bool lockAuditChain(const QString &tenantId) override;
    bool lockMigrations() override;
    bool failedStatementAbortsTransaction() const override { return true; }
    QString lowered(const QString &expression) const override;
    bool insertAuditRows(QList<AuditRecord> &records) override;

private:
    bool advisoryLock(int space, const QString &key);
    void disconnect();

    PostgresLocation m_location;
    QString m_connectionName;
    // Every key request takes a lock: keep its statement prepared (one round trip instead of three).
    std::unique_ptr<QSqlQuery> m_lockQuery;
    // Locks already held by the open transaction. Taking one again is harmless but costs a round trip,
    // and a bulk writer (the demo seeder) appends thousands of events to one chain per transaction.
    QSet<QPair<int, QString>> m_heldLocks;
    bool m_icuLower = false; // lower() under ICU's root collation: every letter, whatever the database's locale
};

} // namespace datarecs::server
