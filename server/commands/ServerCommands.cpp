#include "ServerCommands.h"

#include "audit/AuditChain.h"
#include "crypto/PasswordHasher.h"
#include "crypto/Random.h"
#include "crypto/ServerKeyring.h"
#include "demo/DemoSeeder.h"
#include "http/ConnectionGuard.h"
#include "http/HttpServer.h"
#include "routes/ApiService.h"
#include "storage/PostgresStorage.h"
#include "storage/SqliteStorage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslKey>
#include <QTcpServer>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace datarecs::server {

namespace {

enum Exit { Ok = 0, Failure = 1, Usage = 2 };

void out(const QString &text)
{
    const QByteArray bytes = text.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void err(const QString &text)
{
    const QByteArray bytes = QByteArray("datarecs-server: ") + text.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
}

const char *const Overview =
    "Usage: datarecs-server COMMAND [OPTIONS]\n"
    "\n"
    "The reference DataRecs access-management API server.\n"
    "\n"
    "Commands:\n"
    "  serve         Serve the REST API from a data directory\n"
    "  init          Create a tenant and its Owner in a data directory\n"
    "  audit-verify  Check that the audit log's hash chains are unbroken\n"
    "  set-quota     Set a tenant's API key quota\n"
    "\n"
    "Run 'datarecs-server COMMAND --help' for a command's options.\n"
    "Example: datarecs-server serve --data-dir /var/lib/datarecs --listen 127.0.0.1:8080\n"
    "\n"
    "Every command takes --database postgresql://USER@HOST:PORT/DB to use PostgreSQL instead of the SQLite\n"
    "file in the data directory (password: DATARECS_DATABASE_PASSWORD or DATARECS_DATABASE_PASSWORD_FILE).\n";

/// Parses a command's options; returns false after printing help or an error.
bool parse(QCommandLineParser &parser, const QStringList &arguments, const QString &description,
           const QString &example, int *exitCode)
{
    parser.setApplicationDescription(description + QStringLiteral("\n\nExample:\n  ") + example);
    parser.addHelpOption();
    if (!parser.parse(arguments)) {
        err(parser.errorText() + QStringLiteral(" (see --help)"));
        *exitCode = Usage;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out(parser.helpText());
        *exitCode = Ok;
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err(QStringLiteral("unexpected argument '%1' (see --help)").arg(parser.positionalArguments().first()));
        *exitCode = Usage;
        return false;
    }
    return true;
}

QCommandLineOption dataDirOption()
{
    return {QStringLiteral("data-dir"),
            QStringLiteral("Data directory: master key, sealed server secret and, without --database, the SQLite "
                           "database. Instances sharing one --database must use copies of the same master key and "
                           "sealed secret."),
            QStringLiteral("DIR")};
}

QCommandLineOption databaseOption()
{
    return {QStringLiteral("database"),
            QStringLiteral("PostgreSQL database instead of SQLite, as postgresql://USER@HOST:PORT/DB. The password "
                           "comes from DATARECS_DATABASE_PASSWORD or the file named by "
                           "DATARECS_DATABASE_PASSWORD_FILE (or PGPASSWORD), never from the command line."),
            QStringLiteral("URL")};
}

/// The database of a command: PostgreSQL when a URL is given, else SQLite in the data directory.
std::unique_ptr<Storage> openStorage(const QString &dataDir, const QString &databaseUrl)
{
    std::unique_ptr<SqlStorage> storage;
    if (databaseUrl.isEmpty()) {
        storage = std::make_unique<SqliteStorage>(dataDir);
    } else {
        QString error;
        const auto location = PostgresStorage::parseUrl(databaseUrl, &error);
        if (!location) {
            err(error);
            return nullptr;
        }
        storage = std::make_unique<PostgresStorage>(*location);
    }
    if (!storage->open()) {
        err(databaseUrl.isEmpty() ? QStringLiteral("cannot open the database in %1: %2").arg(dataDir, storage->lastError())
                                  : storage->lastError());
        return nullptr;
    }
    return storage;
}

/// Opens (creating if needed) the data directory, its keyring and the database.
bool openDataDir(const QString &path, const QString &databaseUrl, ServerKeyring *keyring,
                 std::unique_ptr<Storage> *storage, bool create)
{
    if (path.isEmpty()) {
        err(QStringLiteral("--data-dir is required (see --help)"));
        return false;
    }
    QFileInfo info(path);
    if (!info.exists()) {
        if (!create) {
            err(QStringLiteral("data directory %1 does not exist").arg(path));
            return false;
        }
        if (!QDir().mkpath(path)) {
            err(QStringLiteral("cannot create data directory %1").arg(path));
            return false;
        }
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        info.refresh();
    }
    if (!info.isDir() || !info.isWritable()) {
        err(QStringLiteral("cannot use data directory %1: it is not a writable directory").arg(path));
        return false;
    }
    QString error;
    if (!keyring->load(path, &error)) {
        err(error);
        return false;
    }
    *storage = openStorage(path, databaseUrl);
    return *storage != nullptr;
}

bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535)
        return false;
    if (host == QLatin1StringView("localhost"))
        host = QStringLiteral("127.0.0.1");
    if (!address->setAddress(host))
        return false;
    *port = quint16(p);
    return true;
}

void printCredentials(const QJsonObject &credentials, const QString &file)
{
    out(QStringLiteral("Demo accounts (also in %1):").arg(file));
    for (const QJsonValue &tenant : credentials.value(QStringLiteral("tenants")).toArray()) {
        const QJsonObject t = tenant.toObject();
        for (const QJsonValue &user : t.value(QStringLiteral("users")).toArray()) {
            const QJsonObject u = user.toObject();
            out(QStringLiteral("  %1  %2  %3  password: %4")
                    .arg(t.value(QStringLiteral("name")).toString(), -7)
                    .arg(u.value(QStringLiteral("role")).toString(), -6)
                    .arg(u.value(QStringLiteral("email")).toString(), -20)
                    .arg(u.value(QStringLiteral("password")).toString()));
        }
    }
}

// SIGINT/SIGTERM end the event loop through a socket pair, the one async-signal-safe way to reach Qt,
// so the database is closed cleanly.
int signalPipe[2] = {-1, -1};
void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(signalPipe[0], &c, 1);
}

int serve(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption dataDir = dataDirOption();
    const QCommandLineOption database = databaseOption();
    const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("Address and port (default 127.0.0.1:8080)."),
                                    QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8080"));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"), QStringLiteral("PEM certificate: serve HTTPS."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"), QStringLiteral("PEM private key of the certificate."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Seed demo tenants, users, keys and audit history into an empty data "
                                                 "directory, and print the demo accounts."));
    const QCommandLineOption quiet(QStringLiteral("no-access-log"), QStringLiteral("Do not print the access log."));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"),
                                            QStringLiteral("Open connections at once; more are refused with 503 "
                                                           "(default 256)."),
                                            QStringLiteral("N"), QStringLiteral("256"));
    const QCommandLineOption requestTimeout(QStringLiteral("request-timeout"),
                                            QStringLiteral("Seconds a client has to send a whole request "
                                                           "(default 15)."),
                                            QStringLiteral("SECONDS"), QStringLiteral("15"));
    const QCommandLineOption loginLimit(QStringLiteral("login-failure-limit"),
                                        QStringLiteral("Failed sign-ins per account and address per window before "
                                                       "429 (default 10)."),
                                        QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption keyLimit(QStringLiteral("invalid-key-limit"),
                                      QStringLiteral("Refused API keys per address per window before 429 "
                                                     "(default 50)."),
                                      QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption limitWindow(QStringLiteral("limit-window"),
                                         QStringLiteral("Length of the brute-force counting window in seconds "
                                                        "(default 900)."),
                                         QStringLiteral("SECONDS"), QStringLiteral("900"));
    const QCommandLineOption batch(QStringLiteral("batch"),
                                   QStringLiteral("Requests that arrive together share one transaction, up to N "
                                                  "(default 64); 1 gives each request its own."),
                                   QStringLiteral("N"), QStringLiteral("64"));
    parser.addOptions({dataDir, database, listen, tlsCert, tlsKey, demo, quiet, maxConnections, requestTimeout, loginLimit,
                       keyLimit, limitWindow, batch});
    int code = Ok;
    if (!parse(parser, arguments, QStringLiteral("Serve the DataRecs REST API."),
               QStringLiteral("datarecs-server serve --data-dir ./data --listen 127.0.0.1:8080 --demo"), &code))
        return code;

    QHostAddress address;
    quint16 port = 0;
    if (!parseListen(parser.value(listen), &address, &port)) {
        err(QStringLiteral("--listen takes HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080"));
        return Usage;
    }
    if (parser.isSet(tlsCert) != parser.isSet(tlsKey)) {
        err(QStringLiteral("--tls-cert and --tls-key go together"));
        return Usage;
    }
    bool batchOk = false;
    const int batchLimit = parser.value(batch).toInt(&batchOk);
    if (!batchOk || batchLimit < 1 || batchLimit > 10000) {
        err(QStringLiteral("--batch takes a number from 1 to 10000"));
        return Usage;
    }

    ServerKeyring keyring;
    std::unique_ptr<Storage> storage;
    if (!openDataDir(parser.value(dataDir), parser.value(database), &keyring, &storage, true))
        return Failure;

    if (parser.isSet(demo)) {
        const QString file = QDir(parser.value(dataDir)).filePath(QStringLiteral("demo-credentials.json"));
        QJsonObject credentials;
        if (storage->tenants().isEmpty()) {
            QString error;
            out(QStringLiteral("Seeding demo data..."));
            if (!DemoSeeder::seed(*storage, keyring, parser.value(dataDir), &credentials, &error)) {
                err(QStringLiteral("cannot seed demo data: %1").arg(error));
                return Failure;
            }
        } else {
            QFile f(file);
            if (f.open(QIODevice::ReadOnly))
                credentials = QJsonDocument::fromJson(f.readAll()).object();
        }
        if (!credentials.isEmpty())
            printCredentials(credentials, file);
    }

    ServerConfig config;
    config.rateLimits.loginFailuresPerAccountAndAddress = parser.value(loginLimit).toInt();
    config.rateLimits.loginFailuresPerAddress = 5 * config.rateLimits.loginFailuresPerAccountAndAddress;
    config.rateLimits.loginFailuresPerAccount = 20 * config.rateLimits.loginFailuresPerAccountAndAddress;
    config.rateLimits.invalidKeysPerAddress = parser.value(keyLimit).toInt();
    config.rateLimits.windowSeconds = parser.value(limitWindow).toInt();
    if (config.rateLimits.loginFailuresPerAccountAndAddress < 1 || config.rateLimits.invalidKeysPerAddress < 1
        || config.rateLimits.windowSeconds < 1) {
        err(QStringLiteral("--login-failure-limit, --invalid-key-limit and --limit-window take positive numbers"));
        return Usage;
    }
    ServiceContext context{*storage, keyring, config, {}};
    ApiService service(context);
    service.setBatchLimit(batchLimit);
    ConnectionLimits limits;
    limits.maxConnections = parser.value(maxConnections).toInt();
    limits.requestTimeoutMs = parser.value(requestTimeout).toInt() * 1000;
    if (limits.maxConnections < 1 || limits.requestTimeoutMs < 1000) {
        err(QStringLiteral("--max-connections and --request-timeout take positive numbers"));
        return Usage;
    }
    limits.maxBodyBytes = context.config.maxBodyBytes;
    // Declared before the server: connections the server still holds at exit reference it.
    ConnectionGuards guards(limits);
    HttpServer server(service);
    server.setAccessLogEnabled(!parser.isSet(quiet));
    const bool tls = parser.isSet(tlsCert);
    QTcpServer *listener = nullptr;
    if (tls) {
        QFile certFile(parser.value(tlsCert));
        QFile keyFile(parser.value(tlsKey));
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
            err(QStringLiteral("cannot read the TLS certificate or key"));
            return Failure;
        }
        const QSslCertificate certificate(&certFile, QSsl::Pem);
        const QByteArray keyPem = keyFile.readAll();
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        if (certificate.isNull() || key.isNull()) {
            err(QStringLiteral("the TLS certificate or key is not valid PEM (RSA or EC keys, unencrypted)"));
            return Failure;
        }
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setLocalCertificate(certificate);
        configuration.setPrivateKey(key);
        configuration.setProtocol(QSsl::SecureProtocols);
        auto *sslListener = new GuardedServer<QSslServer>(&guards);
        sslListener->setSslConfiguration(configuration);
        listener = sslListener;
    } else {
        listener = new GuardedServer<QTcpServer>(&guards);
    }
    if (!listener->listen(address, port)) {
        err(QStringLiteral("cannot listen on %1: %2").arg(parser.value(listen), listener->errorString()));
        delete listener;
        return Failure;
    }
    server.bind(listener);
    const quint16 bound = listener->serverPort();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]").arg(address.toString())
        : address.toString();
    out(QStringLiteral("datarecs-server listening on %1://%2:%3")
            .arg(tls ? QStringLiteral("https") : QStringLiteral("http"), host)
            .arg(bound));

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[1], QSocketNotifier::Read, qApp);
        QObject::connect(notifier, &QSocketNotifier::activated, qApp, [] { QCoreApplication::quit(); });
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    const int result = QCoreApplication::exec();
    out(QStringLiteral("datarecs-server stopped"));
    return result;
}

int init(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption dataDir = dataDirOption();
    const QCommandLineOption database = databaseOption();
    const QCommandLineOption tenant(QStringLiteral("tenant"), QStringLiteral("Name of the new tenant."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption email(QStringLiteral("owner-email"), QStringLiteral("Email address of its Owner."),
                                   QStringLiteral("EMAIL"));
    const QCommandLineOption workspace(QStringLiteral("workspace"),
                                       QStringLiteral("A workspace to create in the tenant (repeatable)."),
                                       QStringLiteral("NAME"));
    parser.addOptions({dataDir, database, tenant, email, workspace});
    int code = Ok;
    if (!parse(parser, arguments,
               QStringLiteral("Create a tenant and its Owner; prints the Owner's password once."),
               QStringLiteral("datarecs-server init --data-dir ./data --tenant Acme --owner-email ops@acme.example"),
               &code))
        return code;
    const QString tenantName = parser.value(tenant).trimmed();
    const QString ownerEmail = parser.value(email).trimmed().toLower();
    if (tenantName.isEmpty() || tenantName.size() > 100) {
        err(QStringLiteral("--tenant takes a name of 1 to 100 characters"));
        return Usage;
    }
    if (!ownerEmail.contains(u'@') || ownerEmail.size() > 254) {
        err(QStringLiteral("--owner-email takes an email address"));
        return Usage;
    }
    ServerKeyring keyring;
    std::unique_ptr<Storage> storage;
    if (!openDataDir(parser.value(dataDir), parser.value(database), &keyring, &storage, true))
        return Failure;
    if (storage->tenantByName(tenantName)) {
        err(QStringLiteral("a tenant named %1 already exists").arg(tenantName));
        return Failure;
    }
    if (storage->userByEmail(ownerEmail)) {
        err(QStringLiteral("a user with the email %1 already exists").arg(ownerEmail));
        return Failure;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString password = PasswordHasher::generate();
    TenantRecord t{Random::id(QLatin1StringView("ten_")), tenantName, 50, now};
    UserRecord owner{Random::id(QLatin1StringView("usr_")), t.id, ownerEmail, ownerEmail.section(u'@', 0, 0),
                     PasswordHasher::hash(password), QStringLiteral("owner"), now};
    bool ok = !owner.passwordHash.isEmpty() && storage->begin() && storage->insertTenant(t) && storage->insertUser(owner);
    for (const QString &name : parser.values(workspace)) {
        ok = ok && storage->insertWorkspace({Random::id(QLatin1StringView("ws_")), t.id, name.trimmed(), {}, now});
    }
    if (!ok || !storage->commit()) {
        storage->rollback();
        err(QStringLiteral("cannot create the tenant: %1").arg(storage->lastError()));
        return Failure;
    }
    out(QStringLiteral("Created tenant %1 (%2) with Owner %3.").arg(tenantName, t.id, ownerEmail));
    out(QStringLiteral("Owner password (shown only now; store it in a password manager): %1").arg(password));
    return Ok;
}

int auditVerify(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption dataDir = dataDirOption();
    const QCommandLineOption database = databaseOption();
    parser.addOptions({dataDir, database});
    int code = Ok;
    if (!parse(parser, arguments, QStringLiteral("Check every tenant's audit hash chain and report the first broken link."),
               QStringLiteral("datarecs-server audit-verify --data-dir ./data"), &code))
        return code;
    ServerKeyring keyring;
    std::unique_ptr<Storage> storage;
    if (!openDataDir(parser.value(dataDir), parser.value(database), &keyring, &storage, false))
        return Failure;
    qint64 total = 0;
    QStringList tenants;
    if (!storage->auditTenants(&tenants)) {
        err(QStringLiteral("cannot read the audit log: %1").arg(storage->lastError()));
        return Failure;
    }
    for (const QString &tenantId : tenants) {
        const AuditChain::VerifyResult result = AuditChain::verify(*storage, tenantId);
        const QString label = tenantId.isEmpty() ? QStringLiteral("requests of no tenant") : tenantId;
        total += result.checked;
        if (!result.ok && result.brokenId == 0) { // unreadable, which is not the same as broken
            err(QStringLiteral("%1: cannot verify after %2 events: %3").arg(label).arg(result.checked).arg(result.reason));
            return Failure;
        }
        if (!result.ok) {
            out(QStringLiteral("%1: BROKEN at event %2 (%3) after %4 events")
                    .arg(label)
                    .arg(result.brokenId)
                    .arg(result.reason)
                    .arg(result.checked));
            return Failure;
        }
        out(QStringLiteral("%1: %2 events, chain intact").arg(label).arg(result.checked));
    }
    out(QStringLiteral("audit log intact: %1 events verified").arg(total));
    return Ok;
}

int setQuota(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption dataDir = dataDirOption();
    const QCommandLineOption database = databaseOption();
    const QCommandLineOption tenant(QStringLiteral("tenant"), QStringLiteral("Tenant name."), QStringLiteral("NAME"));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("Maximum number of keys (1-100000)."),
                                   QStringLiteral("N"));
    parser.addOptions({dataDir, database, tenant, limit});
    int code = Ok;
    if (!parse(parser, arguments, QStringLiteral("Set how many API keys a tenant may hold."),
               QStringLiteral("datarecs-server set-quota --data-dir ./data --tenant Acme --limit 100"), &code))
        return code;
    bool ok = false;
    const int n = parser.value(limit).toInt(&ok);
    if (!ok || n < 1 || n > 100000) {
        err(QStringLiteral("--limit takes a number from 1 to 100000"));
        return Usage;
    }
    ServerKeyring keyring;
    std::unique_ptr<Storage> storage;
    if (!openDataDir(parser.value(dataDir), parser.value(database), &keyring, &storage, false))
        return Failure;
    const auto t = storage->tenantByName(parser.value(tenant));
    if (!t) {
        err(QStringLiteral("no tenant named '%1'").arg(parser.value(tenant)));
        return Failure;
    }
    if (!storage->setKeyQuota(t->id, n)) {
        err(storage->lastError());
        return Failure;
    }
    out(QStringLiteral("%1 may now hold %2 API keys.").arg(t->name).arg(n));
    return Ok;
}

} // namespace

int runServerCommand(const QStringList &arguments)
{
    const QString command = arguments.value(1);
    QStringList rest = arguments.mid(2);
    rest.prepend(arguments.value(0) + QLatin1Char(' ') + command);
    if (command == QLatin1StringView("serve"))
        return serve(rest);
    if (command == QLatin1StringView("init"))
        return init(rest);
    if (command == QLatin1StringView("audit-verify"))
        return auditVerify(rest);
    if (command == QLatin1StringView("set-quota"))
        return setQuota(rest);
    if (command == QLatin1StringView("--version")) {
        out(QStringLiteral("datarecs-server %1").arg(QStringLiteral(DATARECS_VERSION)));
        return Ok;
    }
    if (command.isEmpty() || command == QLatin1StringView("--help") || command == QLatin1StringView("-h")
        || command == QLatin1StringView("help")) {
        std::fputs(Overview, command.isEmpty() ? stderr : stdout);
        return command.isEmpty() ? Usage : Ok;
    }
    err(QStringLiteral("unknown command '%1'").arg(command));
    std::fputs(Overview, stderr);
    return Usage;
}

} // namespace datarecs::server
