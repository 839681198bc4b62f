#include "SqliteStorage.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QSqlError>

namespace datarecs::server {

namespace {
QAtomicInteger<quint64> connectionCounter;
}

SqliteStorage::SqliteStorage(const QString &dataDir)
    : m_dataDir(dataDir)
    , m_connectionName(QStringLiteral("datarecs-sqlite-%1").arg(connectionCounter.fetchAndAddRelaxed(1)))
{}

SqliteStorage::~SqliteStorage()
{
    // Every QSqlDatabase copy and prepared query must be gone before the connection is removed.
    closeConnection();
    if (QSqlDatabase::contains(m_connectionName)) QSqlDatabase::removeDatabase(m_connectionName);
}

QString SqliteStorage::databasePath() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("datarecs.db"));
}

bool SqliteStorage::openConnection()
{
    if (!QDir().mkpath(m_dataDir)) {
        setError(QStringLiteral("cannot create the data directory %1").arg(m_dataDir));
        return false;
    }
    const QString path = databasePath();
    // Created here, owner-only, before SQLite touches it: SQLite gives its -wal and -shm files the
    // database file's mode, so the whole store stays private without changing the process umask.
    if (!QFile::exists(path)) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                       QFileDevice::ReadOwner | QFileDevice::WriteOwner) &&
            !QFile::exists(path)) {
            setError(QStringLiteral("cannot create %1: %2").arg(path, file.errorString()));
            return false;
        }
    }

    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(path);
    if (!m_db.open()) {
        setError(QStringLiteral("cannot open %1: %2").arg(path, m_db.lastError().text()));
        return false;
    }
    // busy_timeout first: switching to WAL needs a lock another connection may briefly hold.
    // synchronous=NORMAL: in WAL mode it fsyncs at checkpoints rather than on every commit. A crash of
    // the process loses nothing and the file can never be corrupted; only a power cut may drop the
    // last commits. Every key request appends an audit event, so a full fsync per request would
    // bound the whole server by disk latency.
    return pragma(QStringLiteral("PRAGMA busy_timeout = 5000")) &&
           pragma(QStringLiteral("PRAGMA journal_mode = WAL"), QStringLiteral("wal")) &&
           pragma(QStringLiteral("PRAGMA synchronous = NORMAL")) &&
           pragma(QStringLiteral("PRAGMA foreign_keys = ON"));
}

bool SqliteStorage::pragma(const QString &statement, const QString &expected)
{
    QSqlQuery query(m_db);
    if (!query.exec(statement)) return setError(statement, query);
    if (!expected.isEmpty() &&
        (!query.next() || query.value(0).toString().compare(expected, Qt::CaseInsensitive))) {
        setError(QStringLiteral("%1 was refused by SQLite").arg(statement));
        return false;
    }
    return true;
}

QString SqliteStorage::autoIdColumn() const
{
    // AUTOINCREMENT: ids are never reused, even after the newest rows are removed, so an audit id
    // always names the same event.
    return QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT");
}

QString SqliteStorage::blobType() const
{
    return QStringLiteral("BLOB");
}

QString SqliteStorage::beginStatement() const
{
    // Take the write lock up front: a deferred transaction that reads and then writes can fail with
    // SQLITE_BUSY at the upgrade, which busy_timeout cannot wait out.
    return QStringLiteral("BEGIN IMMEDIATE");
}

} // namespace datarecs::server
