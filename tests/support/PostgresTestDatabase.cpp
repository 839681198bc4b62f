#include "PostgresTestDatabase.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

namespace datarecs::test {

QString PostgresTestDatabase::clusterUrl()
{
    return qEnvironmentVariable("DATARECS_TEST_POSTGRES_URL");
}

const char *PostgresTestDatabase::skipMessage()
{
    return "no PostgreSQL test cluster: run scripts/test (it starts one), or set DATARECS_TEST_POSTGRES_URL to "
           "an admin URL such as postgresql://postgres@127.0.0.1:5432/postgres";
}

PostgresTestDatabase::PostgresTestDatabase()
{
    const QUrl cluster(clusterUrl());
    if (!cluster.isValid() || cluster.host().isEmpty()) {
        m_error = QStringLiteral("DATARECS_TEST_POSTGRES_URL is not a postgresql:// URL: '%1'").arg(clusterUrl());
        return;
    }
    // Unique across the parallel ctest processes sharing the cluster.
    m_name = QStringLiteral("datarecs_test_%1_%2")
                 .arg(QCoreApplication::applicationPid())
                 .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
    if (!exec(QStringLiteral("CREATE DATABASE %1 TEMPLATE template0 ENCODING 'UTF8'").arg(m_name)))
        return;
    QUrl url = cluster;
    url.setPath(QLatin1Char('/') + m_name);
    m_url = url.toString();
}

PostgresTestDatabase::~PostgresTestDatabase()
{
    // FORCE: a server process a test killed may not have closed its connection yet.
    if (!m_url.isEmpty())
        exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name));
}

QSqlDatabase PostgresTestDatabase::connection(const QString &connectionName) const
{
    const QUrl url(m_url);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setHostName(url.host());
    db.setPort(url.port(5432));
    db.setUserName(url.userName());
    db.setPassword(qEnvironmentVariable("DATARECS_DATABASE_PASSWORD"));
    db.setDatabaseName(url.path().mid(1));
    return db;
}

bool PostgresTestDatabase::exec(const QString &sql)
{
    const QUrl cluster(clusterUrl());
    const QString connection = QStringLiteral("datarecs-test-admin-%1").arg(m_name);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(cluster.host());
        db.setPort(cluster.port(5432));
        db.setUserName(cluster.userName());
        db.setPassword(qEnvironmentVariable("DATARECS_DATABASE_PASSWORD"));
        db.setDatabaseName(cluster.path().mid(1));
        db.setConnectOptions(QStringLiteral("connect_timeout=5"));
        if (!db.open()) {
            m_error = QStringLiteral("cannot reach the test PostgreSQL at %1: %2")
                          .arg(clusterUrl(), db.lastError().text().simplified());
        } else {
            QSqlQuery query(db);
            ok = query.exec(sql);
            if (!ok)
                m_error = QStringLiteral("%1: %2").arg(sql, query.lastError().text().simplified());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return ok;
}

} // namespace datarecs::test
