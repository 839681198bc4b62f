#include "TestServer.h"

#include "PostgresTestDatabase.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QThread>
#include <QtDebug>

#ifndef DATARECS_E2E_SERVER_BIN
#define DATARECS_E2E_SERVER_BIN ""
#endif
#ifndef DATARECS_E2E_OPENAPI
#define DATARECS_E2E_OPENAPI ""
#endif
#ifndef DATARECS_E2E_PRISM
#define DATARECS_E2E_PRISM ""
#endif

namespace e2e {

namespace {

constexpr int ServerStartTimeoutMs = 30000;
constexpr int PrismStartTimeoutMs = 90000; // node on a busy 2-core machine can take a while
constexpr int StopTimeoutMs = 10000;

QString fromEnv(const char *name, const char *fallback)
{
    const QString value = qEnvironmentVariable(name);
    return value.isEmpty() ? QString::fromUtf8(fallback) : value;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString tail(const QByteArray &text, qsizetype chars = 6000)
{
    return QString::fromUtf8(text.size() > chars ? text.right(chars) : text);
}

void sleepWithEvents(int ms)
{
    QThread::msleep(ulong(ms));
}

bool bypassPrism() { return qEnvironmentVariable("DATARECS_E2E_NO_PRISM") == QStringLiteral("1"); }

int stopProcess(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    process.terminate();
    if (process.waitForFinished(StopTimeoutMs))
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    process.kill();
    process.waitForFinished(StopTimeoutMs);
    return -1;
}

} // namespace

TestServer::TestServer()
{
    if (qEnvironmentVariable("DATARECS_E2E_KEEP") == QStringLiteral("1")) {
        m_temp.setAutoRemove(false);
        qInfo().noquote() << "e2e: keeping" << m_temp.path();
    }
}

TestServer::~TestServer() { stop(); }

QString TestServer::serverBinary() { return fromEnv("DATARECS_SERVER_BIN", DATARECS_E2E_SERVER_BIN); }
QString TestServer::openApiPath() { return fromEnv("DATARECS_OPENAPI", DATARECS_E2E_OPENAPI); }
QString TestServer::prismBinary() { return fromEnv("DATARECS_PRISM", DATARECS_E2E_PRISM); }

QString TestServer::dataDir() const { return m_temp.path() + QStringLiteral("/data"); }
QString TestServer::serverLogPath() const { return m_temp.path() + QStringLiteral("/server.log"); }

QString TestServer::serverOutputPath() const { return m_temp.path() + QStringLiteral("/server.out"); }

QByteArray TestServer::serverOutput() const { return readFile(serverOutputPath()); }
QString TestServer::prismLogPath() const { return m_temp.path() + QStringLiteral("/prism.log"); }
QByteArray TestServer::serverLog() const { return readFile(serverLogPath()); }
QByteArray TestServer::prismLog() const { return readFile(prismLogPath()); }

QUrl TestServer::directUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_serverPort)); }

QUrl TestServer::prismUrl() const
{
    return bypassPrism() ? directUrl() : QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_prismPort));
}

DemoUser TestServer::demoUser(const QString &tenant, const QString &role) const
{
    for (const DemoUser &user : m_users) {
        if (user.tenant.compare(tenant, Qt::CaseInsensitive) == 0 && user.role == role)
            return user;
    }
    return {};
}

bool TestServer::start(const Options &options, QString *error)
{
    if (!m_temp.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory: %1").arg(m_temp.errorString());
        return false;
    }
    if (!startServer(options, error))
        return false;
    if (options.demo && !readDemoCredentials(error))
        return false;
    if (bypassPrism()) {
        qWarning("e2e: DATARECS_E2E_NO_PRISM=1 - traffic is NOT validated against the OpenAPI document");
        return true;
    }
    return startPrism(error);
}

bool TestServer::startServer(const Options &options, QString *error)
{
    const QString binary = serverBinary();
    if (binary.isEmpty() || !QFileInfo(binary).isExecutable()) {
        *error = QStringLiteral("datarecs-server binary not found or not executable: '%1' (DATARECS_SERVER_BIN)").arg(binary);
        return false;
    }
    if (!QDir().mkpath(dataDir())) {
        *error = QStringLiteral("cannot create %1").arg(dataDir());
        return false;
    }
    QFile::setPermissions(dataDir(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // Port 0: the server binds a port of the kernel's choosing and announces it. A port picked here
    // and released before the server binds it could be taken meanwhile by a test running in parallel.
    m_serverPort = 0;

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DATARECS_MASTER_KEY")); // the master key must come from DIR/master.key
    if (!options.loggingRules.isEmpty())
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QString::fromUtf8(options.loggingRules));
    m_server.setProcessEnvironment(env);
    m_server.setProgram(binary);
    QStringList args{QStringLiteral("serve"), QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:0")};
    if (options.demo)
        args << QStringLiteral("--demo");
    if (qEnvironmentVariable("DATARECS_E2E_DATABASE") == QStringLiteral("postgres")) {
        // Without a cluster this message makes ctest count the suite as skipped (SKIP_REGULAR_EXPRESSION).
        if (!datarecs::test::PostgresTestDatabase::configured()) {
            *error = QString::fromUtf8(datarecs::test::PostgresTestDatabase::skipMessage());
            return false;
        }
        m_database = std::make_unique<datarecs::test::PostgresTestDatabase>();
        if (!m_database->isValid()) {
            *error = m_database->error();
            return false;
        }
        args << QStringLiteral("--database") << m_database->url();
    }
    m_server.setArguments(args);
    // stdout is what the server tells its operator (the URL and, with --demo, the demo accounts);
    // stderr is its log, which must never hold a secret. The secret-leak test reads both.
    m_server.setStandardOutputFile(serverOutputPath(), QIODevice::Append);
    m_server.setStandardErrorFile(serverLogPath(), QIODevice::Append);
    m_server.start();
    if (!m_server.waitForStarted(ServerStartTimeoutMs)) {
        *error = QStringLiteral("cannot start %1: %2").arg(binary, m_server.errorString());
        return false;
    }

    static const QRegularExpression listening(QStringLiteral("datarecs-server listening on (http://127\\.0\\.0\\.1:(\\d+))"));
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ServerStartTimeoutMs) {
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(serverOutput()));
        if (match.hasMatch()) {
            m_serverPort = match.captured(2).toUShort();
            if (m_serverPort == 0) {
                *error = QStringLiteral("server announced %1, not a loopback port").arg(match.captured(1));
                return false;
            }
            return true;
        }
        if (m_server.state() == QProcess::NotRunning || m_server.waitForFinished(100)) {
            *error = QStringLiteral("datarecs-server exited (code %1) before listening. Its output:\n%2")
                         .arg(m_server.exitCode())
                         .arg(tail(serverLog()));
            return false;
        }
    }
    *error = QStringLiteral("datarecs-server did not print 'datarecs-server listening on http://...' within %1 s "
                            "(is stdout flushed?). Its output so far:\n%2")
                 .arg(ServerStartTimeoutMs / 1000)
                 .arg(tail(serverLog()));
    return false;
}

bool TestServer::readDemoCredentials(QString *error)
{
    const QString path = dataDir() + QStringLiteral("/demo-credentials.json");
    QElapsedTimer clock;
    clock.start();
    while (!QFileInfo::exists(path) && clock.elapsed() < 5000)
        sleepWithEvents(50);
    const QByteArray raw = readFile(path);
    const QJsonObject root = QJsonDocument::fromJson(raw).object();
    const QJsonArray tenants = root.value(QStringLiteral("tenants")).toArray();
    for (const QJsonValue &tenantValue : tenants) {
        const QJsonObject tenant = tenantValue.toObject();
        const QJsonArray users = tenant.value(QStringLiteral("users")).toArray();
        for (const QJsonValue &userValue : users) {
            const QJsonObject user = userValue.toObject();
            m_users << DemoUser{tenant.value(QStringLiteral("name")).toString(), user.value(QStringLiteral("email")).toString(),
                                user.value(QStringLiteral("password")).toString(), user.value(QStringLiteral("role")).toString()};
        }
    }
    if (m_users.isEmpty()) {
        *error = QStringLiteral("%1 missing or without users (%2 bytes). Server output:\n%3")
                     .arg(path)
                     .arg(raw.size())
                     .arg(tail(serverLog()));
        return false;
    }
    return true;
}

bool TestServer::startPrism(QString *error)
{
    const QString prism = prismBinary();
    const QString spec = openApiPath();
    if (!QFileInfo(prism).isExecutable()) {
        *error = QStringLiteral("Prism not found at '%1' (DATARECS_PRISM); run scripts/test or npm ci in scripts/contract").arg(prism);
        return false;
    }
    if (!QFileInfo::exists(spec)) {
        *error = QStringLiteral("OpenAPI document not found at '%1' (DATARECS_OPENAPI): the e2e suites validate "
                                "every exchange against it")
                     .arg(spec);
        return false;
    }
    // Port 0 here too: Prism binds a port of the kernel's choosing and names it once it listens.
    m_prismPort = 0;
    m_prism.setProgram(prism);
    m_prism.setArguments({QStringLiteral("proxy"), spec, directUrl().toString(), QStringLiteral("--errors=false"),
                          QStringLiteral("--cors=false"), QStringLiteral("-p"), QStringLiteral("0"),
                          QStringLiteral("-h"), QStringLiteral("127.0.0.1")});
    m_prism.setStandardOutputFile(prismLogPath(), QIODevice::Append);
    m_prism.setStandardErrorFile(prismLogPath(), QIODevice::Append);
    m_prism.start();
    if (!m_prism.waitForStarted(PrismStartTimeoutMs)) {
        *error = QStringLiteral("cannot start Prism: %1").arg(m_prism.errorString());
        return false;
    }
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < PrismStartTimeoutMs) {
        if (m_prism.state() == QProcess::NotRunning || m_prism.waitForFinished(200)) {
            *error = QStringLiteral("Prism exited (code %1) before answering. Its output:\n%2")
                         .arg(m_prism.exitCode())
                         .arg(tail(prismLog()));
            return false;
        }
        if (m_prismPort == 0) {
            static const QRegularExpression listening(QStringLiteral("Prism is listening on http://127\\.0\\.0\\.1:(\\d+)"));
            const QRegularExpressionMatch match = listening.match(QString::fromUtf8(prismLog()));
            if (!match.hasMatch())
                continue;
            m_prismPort = match.captured(1).toUShort();
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_prismPort);
        if (!socket.waitForConnected(500))
            continue;
        socket.write("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QByteArray answer;
        while (socket.waitForReadyRead(5000))
            answer += socket.readAll();
        answer += socket.readAll();
        if (answer.startsWith("HTTP/1.1 "))
            return true;
    }
    *error = QStringLiteral("Prism did not answer within %1 s. Its output:\n%2").arg(PrismStartTimeoutMs / 1000).arg(tail(prismLog()));
    return false;
}

QString TestServer::exitDescription() const
{
    if (m_server.state() != QProcess::NotRunning)
        return QStringLiteral("running");
    return m_server.exitStatus() == QProcess::CrashExit ? QStringLiteral("crashed") : QStringLiteral("exit code %1").arg(m_server.exitCode());
}

int TestServer::stop()
{
    m_stopped = true;
    stopProcess(m_prism);
    return stopProcess(m_server);
}

} // namespace e2e
