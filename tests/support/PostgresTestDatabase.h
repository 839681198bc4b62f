#pragma once

#include <QSqlDatabase>
#include <QString>

namespace datarecs::test {

/// A fresh, empty database on the test PostgreSQL cluster, dropped again when this object goes away.
///
/// The cluster is named by DATARECS_TEST_POSTGRES_URL (an admin URL such as
/// postgresql://postgres@127.0.0.1:PORT/postgres), which scripts/test exports after starting one.
/// Unset: tests skip with skipMessage(). Set but unusable: isValid() is false and error() says why,
/// and tests must fail, not skip, so a broken cluster never passes as "nothing to test".
class PostgresTestDatabase
{
public:
    PostgresTestDatabase();
    ~PostgresTestDatabase();

    PostgresTestDatabase(const PostgresTestDatabase &) = delete;
    PostgresTestDatabase &operator=(const PostgresTestDatabase &) = delete;

    static bool configured() { return !clusterUrl().isEmpty(); }
    static QString clusterUrl();
    static const char *skipMessage();

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    /// postgresql://USER@HOST:PORT/NAME of the fresh database.
    QString url() const { return m_url; }
    /// A Qt connection of the test's own to the fresh database, named connectionName; not yet open.
    QSqlDatabase connection(const QString &connectionName) const;

private:
    bool exec(const QString &sql);

    QString m_name;
    QString m_url;
    QString m_error;
};

} // namespace datarecs::test
