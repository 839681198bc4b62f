#include "PostgresStorage.h"

#include <QAtomicInteger>
#include <QFile>
#include <QSqlError>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

namespace datarecs::server {

namespace {

QAtomicInteger<quint64> connectionCounter;

// Advisory lock spaces (first key of the two-key form), so locks of different purposes on the same
// tenant never wait for each other.
constexpr int AuditChainLock = 1;
constexpr int TenantLock = 2;
// The one-key (bigint) form lives apart from the two-key form; any constant unlikely to clash will do.
constexpr qint64 MigrationLock = 0x64617461'72656373LL; // "datarecs"

// Driver messages span lines ("could not connect...\n\tIs the server running..."); callers print one.
QString oneLine(const QString &text)
{
    return text.simplified();
}

// Appends value to a PostgreSQL array literal as one element: quoted, with '"' and '\\' escaped; NULL
// (unquoted) for an empty optional value, as the other inserts store absent text.
void appendArrayText(QString &array, const QString &value, bool nullWhenEmpty)
{
    if (array.size() > 1)
        array += u',';
    if (value.isEmpty() && nullWhenEmpty) {
        array += QLatin1StringView("NULL");
        return;
    }
    array += u'"';
    qsizetype plainFrom = 0;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar c = value.at(i);
        if (c != u'"' && c != u'\\')
            continue;
        array += QStringView(value).sliced(plainFrom, i - plainFrom);
        array += u'\\';
        plainFrom = i;
    }
    array += QStringView(value).sliced(plainFrom);
    array += u'"';
}

void appendArrayNumber(QString &array, std::optional<qint64> value)
{
    if (array.size() > 1)
        array += u',';
    if (value)
        array += QString::number(*value);
    else
        array += QLatin1StringView("NULL");
}

} // namespace

QString PostgresLocation::display() const
{
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

PostgresStorage::PostgresStorage(const PostgresLocation &location)
    : m_location(location)
    , m_connectionName(QStringLiteral("datarecs-postgres-%1").arg(connectionCounter.fetchAndAddRelaxed(1)))
{
}

PostgresStorage::~PostgresStorage()
{
    // Every QSqlDatabase copy and prepared query must be gone before the connection is removed.
    disconnect();
    if (QSqlDatabase::contains(m_connectionName))
        QSqlDatabase::removeDatabase(m_connectionName);
}

bool PostgresStorage::isPostgresUrl(const QString &url)
{
    return url.startsWith(QLatin1StringView("postgresql://")) || url.startsWith(QLatin1StringView("postgres://"));
}

std::optional<PostgresLocation> PostgresStorage::parseUrl(const QString &url, QString *error)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!isPostgresUrl(url) || !parsed.isValid()) {
        *error = QStringLiteral("--database takes a URL like postgresql://USER@HOST:PORT/DATABASE");
        return std::nullopt;
    }
    if (!parsed.password().isEmpty()) {
        // A command line is visible to every local user (ps, /proc) and lands in shell history.
        *error = QStringLiteral("the database URL must not contain a password: set DATARECS_DATABASE_PASSWORD "
                                "or DATARECS_DATABASE_PASSWORD_FILE instead");
        return std::nullopt;
    }
    PostgresLocation location;
    location.user = parsed.userName();
    location.host = parsed.host();
    location.port = parsed.port(5432);
    location.database = parsed.path().mid(1);
    if (location.user.isEmpty() || location.host.isEmpty() || location.database.isEmpty()
        || location.database.contains(u'/')) {
        *error = QStringLiteral("the database URL needs a user, a host and a database name: "
                                "postgresql://USER@HOST:PORT/DATABASE");
        return std::nullopt;
    }
    for (const auto &[key, value] : QUrlQuery(parsed).queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1StringView("password")) {
            *error = QStringLiteral("the database URL must not contain a password: set DATARECS_DATABASE_PASSWORD "
                                    "or DATARECS_DATABASE_PASSWORD_FILE instead");
            return std::nullopt;
        }
        // QPSQL hands these to libpq as key=value pairs separated by ';'.
        if (key.isEmpty() || value.contains(u';') || value.contains(u' ') || key.contains(u';')) {
            *error = QStringLiteral("unsupported database URL parameter '%1'").arg(key);
            return std::nullopt;
        }
        location.options.append(key + u'=' + value);
    }
    return location;
}

bool PostgresStorage::openConnection()
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        setError(QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not installed; on Debian: apt install "
                                "libqt6sql6-psql"));
        return false;
    }
    QString password = qEnvironmentVariable("DATARECS_DATABASE_PASSWORD");
    const QString passwordFile = qEnvironmentVariable("DATARECS_DATABASE_PASSWORD_FILE");
    if (password.isEmpty() && !passwordFile.isEmpty()) {
        QFile file(passwordFile);
        if (!file.open(QIODevice::ReadOnly)) {
            setError(QStringLiteral("cannot read DATARECS_DATABASE_PASSWORD_FILE %1: %2")
                         .arg(passwordFile, file.errorString()));
            return false;
        }
        // Files written by editors and secret managers usually end in a newline that is not part of it.
        password = QString::fromUtf8(file.readAll()).trimmed();
    }
    // With no password here, libpq still looks at PGPASSWORD and ~/.pgpass on its own.

    QStringList options = m_location.options;
    if (!options.join(u' ').contains(QLatin1StringView("connect_timeout=")))
        options.append(QStringLiteral("connect_timeout=5")); // an unreachable host fails fast, not after minutes
    options.append(QStringLiteral("application_name=datarecs-server"));

    // Reuses the named connection after a reconnect (closeConnection() keeps the name registered).
    m_db = QSqlDatabase::contains(m_connectionName) ? QSqlDatabase::database(m_connectionName, false)
                                                    : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
    m_db.setHostName(m_location.host);
    m_db.setPort(m_location.port);
    m_db.setDatabaseName(m_location.database);
    m_db.setUserName(m_location.user);
    m_db.setPassword(password);
    m_db.setConnectOptions(options.join(u';'));
    if (!m_db.open()) {
        setError(QStringLiteral("cannot connect to %1: %2").arg(m_location.display(), oneLine(m_db.lastError().text())));
        return false;
    }
    // Every timestamp is a BIGINT of milliseconds, so the session time zone cannot change a value; UTF-8
    // is what QString round-trips. Notices (CREATE TABLE IF NOT EXISTS ...) are noise in a server log.
    if (!execStatement(QStringLiteral("SET client_encoding = 'UTF8'"))
        || !execStatement(QStringLiteral("SET client_min_messages = warning")))
        return false;
    // lower() folds only ASCII letters in a database created with the C locale; ICU's collation folds
    // them all. Without ICU (a build of PostgreSQL without it), search follows the database's locale.
    QVariantList row;
    if (!queryRow(QStringLiteral("SELECT COUNT(*) FROM pg_collation WHERE collname = 'und-x-icu'"), {}, 1, &row))
        return false;
    m_icuLower = row.value(0).toInt() > 0;
    return true;
}

QString PostgresStorage::lowered(const QString &expression) const
{
    return m_icuLower ? QStringLiteral("LOWER(%1 COLLATE \"und-x-icu\")").arg(expression)
                      : QStringLiteral("LOWER(%1)").arg(expression);
}

void PostgresStorage::disconnect()
{
    m_lockQuery.reset();
    closeConnection();
}

bool PostgresStorage::begin()
{
    const bool outermost = !inTransaction();
    if (SqlStorage::begin()) {
        if (outermost)
            m_heldLocks.clear(); // the previous transaction's locks ended with it
        return true;
    }
    if (!outermost)
        return false;
    // The outermost BEGIN failed: most likely the server dropped this connection (restart, failover,
    // idle timeout). Reconnect once. Nothing is replayed: the failed BEGIN ran no statement of the request.
    const QString firstError = lastError();
    disconnect();
    if (openConnection() && SqlStorage::begin()) {
        m_heldLocks.clear();
        return true;
    }
    setError(QStringLiteral("%1 (after reconnecting: %2)").arg(firstError, lastError()));
    return false;
}

bool PostgresStorage::beginShared()
{
    const bool outermost = !inTransaction();
    if (!begin())
        return false;
    // SET LOCAL ends with the transaction. 200 ms is long enough for another instance's batch to commit
    // (a few milliseconds) and short next to PostgreSQL's one-second deadlock check.
    if (outermost && !execStatement(QStringLiteral("SET LOCAL lock_timeout = '200ms'"))) {
        rollback();
        return false;
    }
    return true;
}

QString PostgresStorage::autoIdColumn() const
{
    // BY DEFAULT rather than ALWAYS: a data import may carry its own ids (and must then move the
    // sequence past them with setval()).
    return QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
}

QString PostgresStorage::blobType() const
{
    return QStringLiteral("BYTEA");
}

QString PostgresStorage::beginStatement() const
{
    // Spelled out because correctness relies on it: under READ COMMITTED every statement sees what was
    // committed before it started, so a reader that waited for an advisory lock sees the holder's writes.
    return QStringLiteral("BEGIN ISOLATION LEVEL READ COMMITTED");
}

bool PostgresStorage::advisoryLock(int space, const QString &key)
{
    if (m_heldLocks.contains({space, key}))
        return true;
    if (!m_lockQuery) {
        m_lockQuery = std::make_unique<QSqlQuery>(m_db);
        m_lockQuery->setForwardOnly(true);
        // Transaction-scoped: released by COMMIT or ROLLBACK, never left behind by a crashed instance.
        // hashtext() runs in the one server all instances share, so they all agree on the lock.
        if (!m_lockQuery->prepare(QStringLiteral("SELECT pg_advisory_xact_lock(?, hashtext(CAST(? AS TEXT)))"))) {
            setError(QStringLiteral("cannot prepare the advisory lock"), *m_lockQuery);
            m_lockQuery.reset();
            return false;
        }
    }
    m_lockQuery->bindValue(0, space);
    m_lockQuery->bindValue(1, key.isNull() ? QString(QLatin1StringView("")) : key);
    const bool locked = m_lockQuery->exec();
    if (!locked)
        setError(QStringLiteral("cannot take an advisory lock"), *m_lockQuery);
    m_lockQuery->finish();
    if (locked && inTransaction())
        m_heldLocks.insert({space, key});
    return locked;
}

bool PostgresStorage::lockAuditChain(const QString &tenantId)
{
    return advisoryLock(AuditChainLock, tenantId);
}

bool PostgresStorage::lockTenant(const QString &tenantId)
{
    // The chain before the tenant, as everywhere (see SqlStorage::apiKeyForUpdate): a rotation holds
    // the chain and the old key's row when it takes this lock, and a create must not hold this one
    // while waiting for the chain.
    return lockAuditChain(tenantId) && advisoryLock(TenantLock, tenantId);
}

bool PostgresStorage::lockMigrations()
{
    QSqlQuery query(m_db);
    return run(query, QStringLiteral("SELECT pg_advisory_xact_lock(?)"), {MigrationLock});
}

bool PostgresStorage::insertAuditRows(QList<AuditRecord> &records)
{
    // One statement and one round trip for any number of rows, and always the same statement: each column
    // travels as one array parameter. Bound row by row, twenty values each, Qt's driver spent more time
    // formatting parameters than the rest of the request.
    static const QString Insert = QStringLiteral(
        "INSERT INTO audit_events (tenant_id, occurred_at, actor_type, actor_id, actor_name, action, "
        "target_type, target_id, target_name, workspace_id, outcome, http_status, method, path, source_ip, "
        "user_agent, request_id, detail, prev_hash, hash) "
        "SELECT tenant_id, occurred_at, actor_type, actor_id, actor_name, action, target_type, target_id, "
        "target_name, workspace_id, outcome, http_status, method, path, source_ip, user_agent, request_id, "
        "detail, prev_hash, hash FROM unnest(CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]), "
        "CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), "
        "CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS INTEGER[]), CAST(? AS TEXT[]), "
        "CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), "
        "CAST(? AS TEXT[]), CAST(? AS TEXT[])) WITH ORDINALITY AS r(tenant_id, occurred_at, actor_type, "
        "actor_id, actor_name, action, target_type, target_id, target_name, workspace_id, outcome, "
        "http_status, method, path, source_ip, user_agent, request_id, detail, prev_hash, hash, n) "
        // Rows are inserted, and take their ids, in array order: chain order.
        "ORDER BY n RETURNING id");
    constexpr int Columns = 20;
    QString arrays[Columns];
    for (QString &array : arrays) {
        array.reserve(16 + records.size() * 80);
        array += u'{';
    }
    for (const AuditRecord &r : std::as_const(records)) {
        appendArrayText(arrays[0], r.tenantId, false);
        appendArrayNumber(arrays[1], r.occurredAt);
        appendArrayText(arrays[2], r.actorType, false);
        appendArrayText(arrays[3], r.actorId, true);
        appendArrayText(arrays[4], r.actorName, true);
        appendArrayText(arrays[5], r.action, false);
        appendArrayText(arrays[6], r.targetType, true);
        appendArrayText(arrays[7], r.targetId, true);
        appendArrayText(arrays[8], r.targetName, true);
        appendArrayText(arrays[9], r.workspaceId, true);
        appendArrayText(arrays[10], r.outcome, false);
        appendArrayNumber(arrays[11], r.httpStatus > 0 ? std::optional<qint64>(r.httpStatus) : std::nullopt);
        appendArrayText(arrays[12], r.method, true);
        appendArrayText(arrays[13], r.path, true);
        appendArrayText(arrays[14], r.sourceIp, true);
        appendArrayText(arrays[15], r.userAgent, true);
        appendArrayText(arrays[16], r.requestId, true);
        appendArrayText(arrays[17], r.detail, true);
        appendArrayText(arrays[18], r.prevHash, false);
        appendArrayText(arrays[19], r.hash, false);
    }
    QVariantList values;
    values.reserve(Columns);
    for (QString &array : arrays) {
        array += u'}';
        values.append(std::move(array));
    }
    QSqlQuery insert(m_db);
    if (!run(insert, Insert, values))
        return false;
    // RETURNING promises no order; the ids were taken in insertion order, so the smallest is the first row's.
    QList<qint64> ids;
    ids.reserve(records.size());
    while (insert.next())
        ids.append(insert.value(0).toLongLong());
    insert.finish();
    if (ids.size() != records.size()) {
        setError(QStringLiteral("cannot append the audit events: the database returned %1 ids for %2 rows")
                     .arg(ids.size())
                     .arg(records.size()));
        return false;
    }
    std::sort(ids.begin(), ids.end());
    for (qsizetype i = 0; i < records.size(); ++i)
        records[i].id = ids.at(i);
    return true;
}

} // namespace datarecs::server
