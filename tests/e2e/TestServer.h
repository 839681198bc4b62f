#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace datarecs::test {
class PostgresTestDatabase;
}

namespace e2e {

struct DemoUser
{
    QString tenant; // "Acme", "Globex"
    QString email;
    QString password;
    QString role; // owner, admin, member
};

/// A real datarecs-server on a fresh data directory and a free loopback port, with Stoplight Prism's
/// validating proxy in front of it. Paths come from the environment (set by ctest) or, for a binary
/// run by hand, from the compile-time defaults:
///   DATARECS_SERVER_BIN, DATARECS_OPENAPI, DATARECS_PRISM
/// DATARECS_E2E_KEEP=1 keeps the temporary directory (server.log, prism.log, data/) and prints it.
/// DATARECS_E2E_DATABASE=postgres serves from a fresh database on the test PostgreSQL cluster
/// (DATARECS_TEST_POSTGRES_URL) instead of SQLite in the data directory.
class TestServer
{
public:
    struct Options
    {
        bool demo = true;
        QByteArray loggingRules; // QT_LOGGING_RULES for the server, e.g. "datarecs.*.debug=true"
    };

    TestServer();
    ~TestServer();
    TestServer(const TestServer &) = delete;
    TestServer &operator=(const TestServer &) = delete;

    /// Starts server and proxy; on failure returns false with a message that includes the logs.
    bool start(const Options &options, QString *error);
    bool start(QString *error) { return start(Options{}, error); }
    /// SIGTERM to both, wait, then kill. Returns the server's exit code (-1 if it had to be killed).
    int stop();

    QUrl directUrl() const; // http://127.0.0.1:<server port>
    QUrl prismUrl() const; // http://127.0.0.1:<prism port>
    quint16 serverPort() const { return m_serverPort; }
    QString tempPath() const { return m_temp.path(); }
    QString dataDir() const;
    QString serverLogPath() const;
    QString prismLogPath() const;
    QByteArray serverLog() const; // stderr: the access log and warnings
    QString serverOutputPath() const;
    QByteArray serverOutput() const; // stdout: the listening URL and the demo accounts
    QByteArray prismLog() const;
    bool serverRunning() const { return m_server.state() != QProcess::NotRunning; }
    bool stoppedByTest() const { return m_stopped; }
    /// "exit code N" or "crashed" once the server has stopped on its own.
    QString exitDescription() const;

    const QList<DemoUser> &demoUsers() const { return m_users; }
    /// The demo account of a tenant ("Acme") and role ("owner", "admin", "member"); empty if absent.
    DemoUser demoUser(const QString &tenant, const QString &role) const;

    static QString serverBinary();
    static QString openApiPath();
    static QString prismBinary();

private:
    bool startServer(const Options &options, QString *error);
    bool startPrism(QString *error);
    bool readDemoCredentials(QString *error);

    QTemporaryDir m_temp;
    QProcess m_server;
    QProcess m_prism;
    quint16 m_serverPort = 0;
    quint16 m_prismPort = 0;
    QList<DemoUser> m_users;
    std::unique_ptr<datarecs::test::PostgresTestDatabase> m_database;
    bool m_stopped = false;
};

} // namespace e2e
