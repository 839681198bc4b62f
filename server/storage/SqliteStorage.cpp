#include "SqliteStorage.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QSqlDriver>
#include <QSqlError>

#include <sqlite3.h>

#include <iterator>
#include <vector>

namespace datarecs::server {

namespace {
QAtomicInteger<quint64> connectionCounter;

// Audit fields are nearly always ASCII, whose UTF-8 is the UTF-16 code units narrowed: copied without
// the temporary QByteArray toUtf8() makes. Anything else goes through toUtf8().
void appendUtf8(QByteArray &out, const QString &value)
{
    const qsizetype at = out.size();
    out.resize(at + value.size());
    char *to = out.data() + at;
    const QChar *from = value.constData();
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (from[i].unicode() >= 0x80) {
            out.truncate(at);
            out += value.toUtf8();
            return;
        }
        to[i] = char(from[i].unicode());
    }
}

/// datarecs_lower(text): the text with every letter in lower case, as QString::toLower() does.
void lowerUnicode(sqlite3_context *context, int, sqlite3_value **arguments)
{
    if (sqlite3_value_type(arguments[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(arguments[0]));
    const QByteArray lowered = QString::fromUtf8(text, sqlite3_value_bytes(arguments[0])).toLower().toUtf8();
    sqlite3_result_text(context, lowered.constData(), int(lowered.size()), SQLITE_TRANSIENT);
}
} // namespace

SqliteStorage::SqliteStorage(const QString &dataDir)
    : m_dataDir(dataDir)
    , m_connectionName(QStringLiteral("datarecs-sqlite-%1").arg(connectionCounter.fetchAndAddRelaxed(1)))
{}

SqliteStorage::~SqliteStorage()
{
    // Every QSqlDatabase copy and prepared query must be gone before the connection is removed.
    for (sqlite3_stmt *statement : std::as_const(m_statements))
        sqlite3_finalize(statement);
    m_statements.clear();
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
    // temp_store=MEMORY: the statement journals of a batch's multi-row writes stay in memory. On disk they
    // were files created and unlinked in /var/tmp every few dozen requests, holding copies of audit rows.
    if (!(pragma(QStringLiteral("PRAGMA busy_timeout = 5000")) &&
          pragma(QStringLiteral("PRAGMA journal_mode = WAL"), QStringLiteral("wal")) &&
          pragma(QStringLiteral("PRAGMA synchronous = NORMAL")) &&
          pragma(QStringLiteral("PRAGMA foreign_keys = ON")) &&
          pragma(QStringLiteral("PRAGMA temp_store = MEMORY"))))
        return false;
    // A function of its own rather than a replaced LOWER(): the index on users' emails was built with
    // SQLite's LOWER() and must keep meaning what it meant.
    if (sqlite3_create_function_v2(handle(), "datarecs_lower", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                   nullptr, &lowerUnicode, nullptr, nullptr, nullptr)
        != SQLITE_OK) {
        setError(QStringLiteral("cannot add datarecs_lower to SQLite: %1").arg(QString::fromUtf8(sqlite3_errmsg(handle()))));
        return false;
    }
    return true;
}

QString SqliteStorage::lowered(const QString &expression) const
{
    return QStringLiteral("datarecs_lower(%1)").arg(expression);
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

namespace datarecs::server {

sqlite3 *SqliteStorage::handle() const
{
    const QVariant handle = m_db.driver()->handle();
    return handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0
        ? *static_cast<sqlite3 *const *>(handle.data())
        : nullptr;
}

sqlite3_stmt *SqliteStorage::cachedStatement(sqlite3 *db, const QString &sql)
{
    sqlite3_stmt *statement = m_statements.value(sql);
    if (!statement) {
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v3(db, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                               nullptr) != SQLITE_OK) {
            setError(QStringLiteral("cannot prepare statement: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))));
            return nullptr;
        }
        m_statements.insert(sql, statement);
    }
    return statement;
}

bool SqliteStorage::insertAuditRows(QList<AuditRecord> &records)
{
    // Every key request appends a record. Through Qt SQL, binding its twenty values (QVariants, UTF-16
    // text that SQLite then converts back to UTF-8) cost more than SQLite's insert itself.
    sqlite3 *db = handle();
    if (!db)
        return SqlStorage::insertAuditRows(records);
    struct Text
    {
        int column;
        QString AuditRecord::*field;
        bool nullWhenEmpty; // optional columns hold NULL rather than ""
    };
    static constexpr Text Texts[] = {
        {1, &AuditRecord::tenantId, false},     {3, &AuditRecord::actorType, false},
        {4, &AuditRecord::actorId, true},       {5, &AuditRecord::actorName, true},
        {6, &AuditRecord::action, false},       {7, &AuditRecord::targetType, true},
        {8, &AuditRecord::targetId, true},      {9, &AuditRecord::targetName, true},
        {10, &AuditRecord::workspaceId, true},  {11, &AuditRecord::outcome, false},
        {13, &AuditRecord::method, true},       {14, &AuditRecord::path, true},
        {15, &AuditRecord::sourceIp, true},     {16, &AuditRecord::userAgent, true},
        {17, &AuditRecord::requestId, true},    {18, &AuditRecord::detail, true},
        {19, &AuditRecord::prevHash, false},    {20, &AuditRecord::hash, false}};
    constexpr int Columns = 20;
    constexpr qsizetype TextColumns = qsizetype(std::size(Texts));

    // Several rows per statement: each statement opens the table's and its indexes' cursors and updates
    // the AUTOINCREMENT counter once, whatever its number of rows.
    QByteArray utf8;
    std::vector<qsizetype> ends;
    for (qsizetype start = 0; start < records.size();) {
        const qsizetype left = records.size() - start;
        const int size = left >= 16 ? 2 : (left >= 4 ? 1 : 0);
        const int rows = 1 << (2 * size);
        sqlite3_stmt *&statement = m_insertAudit[size];
        if (!statement) {
            QString sql = QStringLiteral(
                "INSERT INTO audit_events (tenant_id, occurred_at, actor_type, actor_id, actor_name, "
                "action, target_type, target_id, target_name, workspace_id, outcome, http_status, "
                "method, path, source_ip, user_agent, request_id, detail, prev_hash, hash) VALUES ");
            for (int row = 0; row < rows; ++row) {
                if (row > 0) sql += QStringLiteral(", ");
                sql += QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            }
            statement = cachedStatement(db, sql);
            if (!statement)
                return false;
        }
        // Bound without copies (SQLITE_STATIC) from one UTF-8 buffer, complete before the first bind.
        utf8.resize(0);
        ends.clear();
        for (qsizetype row = start; row < start + rows; ++row) {
            for (const Text &text : Texts) {
                appendUtf8(utf8, records.at(row).*text.field);
                ends.push_back(utf8.size());
            }
        }
        sqlite3_reset(statement);
        int rc = SQLITE_OK;
        for (int row = 0; row < rows && rc == SQLITE_OK; ++row) {
            const AuditRecord &record = records.at(start + row);
            const int base = row * Columns;
            for (qsizetype i = 0; i < TextColumns && rc == SQLITE_OK; ++i) {
                const qsizetype at = row * TextColumns + i;
                const qsizetype begin = at == 0 ? 0 : ends[size_t(at - 1)];
                const int length = int(ends[size_t(at)] - begin);
                rc = length == 0 && Texts[i].nullWhenEmpty
                    ? sqlite3_bind_null(statement, base + Texts[i].column)
                    : sqlite3_bind_text(statement, base + Texts[i].column, utf8.constData() + begin, length,
                                        SQLITE_STATIC);
            }
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_int64(statement, base + 2, record.occurredAt);
            if (rc == SQLITE_OK)
                rc = record.httpStatus > 0 ? sqlite3_bind_int(statement, base + 12, record.httpStatus)
                                           : sqlite3_bind_null(statement, base + 12);
        }
        if (rc == SQLITE_OK)
            rc = sqlite3_step(statement);
        const bool done = rc == SQLITE_DONE && sqlite3_changes(db) == rows;
        if (!done)
            setError(QStringLiteral("cannot append the audit events: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))));
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement); // the bound pointers go with utf8
        if (!done)
            return false;
        // The rows of a VALUES list go in in order, each taking the next AUTOINCREMENT id: consecutive ids
        // ending with the last one inserted.
        const qint64 last = sqlite3_last_insert_rowid(db);
        for (int row = 0; row < rows; ++row)
            records[start + row].id = last - (rows - 1) + row;
        start += rows;
    }
    return true;
}

bool SqliteStorage::execTransactionStatement(const QString &sql)
{
    // Every batch of requests runs a BEGIN and a COMMIT: prepared once instead of parsed each time.
    sqlite3 *db = handle();
    if (!db)
        return SqlStorage::execTransactionStatement(sql);
    sqlite3_stmt *statement = cachedStatement(db, sql);
    if (!statement)
        return false;
    const bool done = sqlite3_step(statement) == SQLITE_DONE;
    if (!done)
        setError(QStringLiteral("%1: %2").arg(sql, QString::fromUtf8(sqlite3_errmsg(db))));
    sqlite3_reset(statement);
    return done;
}

bool SqliteStorage::queryRow(const QString &sql, const QVariantList &values, int columns, QVariantList *row)
{
    sqlite3 *db = handle();
    if (!db)
        return SqlStorage::queryRow(sql, values, columns, row);
    sqlite3_stmt *statement = cachedStatement(db, sql);
    if (!statement)
        return false;
    if (!bindValues(db, statement, values))
        return false;
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW) {
        row->reserve(columns);
        for (int column = 0; column < columns; ++column) {
            switch (sqlite3_column_type(statement, column)) {
            case SQLITE_INTEGER:
                row->append(qlonglong(sqlite3_column_int64(statement, column)));
                break;
            case SQLITE_FLOAT:
                row->append(sqlite3_column_double(statement, column));
                break;
            case SQLITE_TEXT:
                row->append(QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(statement, column)),
                                              sqlite3_column_bytes(statement, column)));
                break;
            case SQLITE_BLOB: {
                const auto *bytes = static_cast<const char *>(sqlite3_column_blob(statement, column));
                row->append(QByteArray(bytes, bytes ? sqlite3_column_bytes(statement, column) : 0));
                break;
            }
            default:
                row->append(QVariant());
            }
        }
        rc = SQLITE_DONE; // only the first row is read
    }
    const bool done = rc == SQLITE_DONE;
    if (!done)
        setError(QStringLiteral("statement failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))));
    sqlite3_reset(statement); // ends the read, so the statement holds no snapshot between calls
    sqlite3_clear_bindings(statement);
    return done;
}

bool SqliteStorage::bindValues(sqlite3 *db, sqlite3_stmt *statement, const QVariantList &values)
{
    int rc = SQLITE_OK;
    for (qsizetype i = 0; i < values.size() && rc == SQLITE_OK; ++i) {
        const QVariant &v = values.at(i);
        const int at = int(i) + 1;
        if (v.typeId() == QMetaType::QString) {
            const QString text = v.toString();
            const QByteArray utf8 = text.toUtf8();
            rc = text.isNull() ? sqlite3_bind_null(statement, at)
                               : sqlite3_bind_text(statement, at, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
        } else if (v.typeId() == QMetaType::QByteArray) {
            const QByteArray bytes = v.toByteArray();
            rc = bytes.isNull() ? sqlite3_bind_null(statement, at)
                                : sqlite3_bind_blob(statement, at, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
        } else if (v.isNull()) {
            rc = sqlite3_bind_null(statement, at);
        } else {
            bool isNumber = false;
            const qint64 number = v.toLongLong(&isNumber);
            if (!isNumber) {
                sqlite3_clear_bindings(statement);
                setError(QStringLiteral("cannot bind a %1 to a statement").arg(QString::fromLatin1(v.typeName())));
                return false;
            }
            rc = sqlite3_bind_int64(statement, at, number);
        }
    }
    if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(statement);
        setError(QStringLiteral("cannot bind a value: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))));
        return false;
    }
    return true;
}

namespace {

QString textAt(sqlite3_stmt *statement, int column)
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(statement, column));
    return text ? QString::fromUtf8(text, sqlite3_column_bytes(statement, column)) : QString();
}

std::optional<qint64> timeAt(sqlite3_stmt *statement, int column)
{
    if (sqlite3_column_type(statement, column) == SQLITE_NULL)
        return std::nullopt;
    return sqlite3_column_int64(statement, column);
}

// The current row of a SELECT of apiKeyColumns(), whose columns it reads in order.
ApiKeyRecord apiKeyAt(sqlite3_stmt *statement)
{
    ApiKeyRecord k;
    k.id = textAt(statement, 0);
    k.tenantId = textAt(statement, 1);
    k.name = textAt(statement, 2);
    k.description = textAt(statement, 3);
    k.role = textAt(statement, 4);
    k.workspaceId = textAt(statement, 5);
    k.workspaceName = textAt(statement, 6);
    k.enabled = sqlite3_column_int64(statement, 7) != 0;
    const auto *secret = static_cast<const char *>(sqlite3_column_blob(statement, 8));
    k.secretHmac = QByteArray(secret, secret ? sqlite3_column_bytes(statement, 8) : 0);
    k.hint = textAt(statement, 9);
    k.createdByType = textAt(statement, 10);
    k.createdById = textAt(statement, 11);
    k.createdByName = textAt(statement, 12);
    k.createdAt = sqlite3_column_int64(statement, 13);
    k.updatedAt = sqlite3_column_int64(statement, 14);
    k.lastUsedAt = timeAt(statement, 15);
    k.lastUsedIp = textAt(statement, 16);
    k.expiresAt = timeAt(statement, 17);
    k.deletedAt = timeAt(statement, 18);
    k.replaces = textAt(statement, 19);
    k.replacedBy = textAt(statement, 20);
    return k;
}

// The current row of a SELECT of the audit columns (AuditColumns), whose columns it reads in order.
AuditRecord auditAt(sqlite3_stmt *statement)
{
    AuditRecord r;
    r.id = sqlite3_column_int64(statement, 0);
    r.tenantId = textAt(statement, 1);
    r.occurredAt = sqlite3_column_int64(statement, 2);
    r.actorType = textAt(statement, 3);
    r.actorId = textAt(statement, 4);
    r.actorName = textAt(statement, 5);
    r.action = textAt(statement, 6);
    r.targetType = textAt(statement, 7);
    r.targetId = textAt(statement, 8);
    r.targetName = textAt(statement, 9);
    r.workspaceId = textAt(statement, 10);
    r.outcome = textAt(statement, 11);
    r.httpStatus = sqlite3_column_int(statement, 12);
    r.method = textAt(statement, 13);
    r.path = textAt(statement, 14);
    r.sourceIp = textAt(statement, 15);
    r.userAgent = textAt(statement, 16);
    r.requestId = textAt(statement, 17);
    r.detail = textAt(statement, 18);
    r.prevHash = textAt(statement, 19);
    r.hash = textAt(statement, 20);
    return r;
}

} // namespace

bool SqliteStorage::forEachRow(sqlite3 *db, const QString &sql, const QVariantList &values, const QString &what,
                               const std::function<void(sqlite3_stmt *)> &readRow)
{
    sqlite3_stmt *statement = cachedStatement(db, sql);
    if (!statement)
        return false;
    sqlite3_reset(statement);
    if (!bindValues(db, statement, values))
        return false;
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW)
        readRow(statement);
    const bool done = rc == SQLITE_DONE;
    if (!done)
        setError(QStringLiteral("%1: %2").arg(what, QString::fromUtf8(sqlite3_errmsg(db))));
    sqlite3_reset(statement); // ends the read, so the statement holds no snapshot between calls
    sqlite3_clear_bindings(statement);
    return done;
}

bool SqliteStorage::selectApiKeyRows(const QString &sql, const QVariantList &values, QList<ApiKeyRecord> *out)
{
    // Through Qt SQL, a page of a thousand keys spent most of its time turning 21 columns a row into
    // UTF-16 QVariants and back.
    sqlite3 *db = handle();
    if (!db)
        return SqlStorage::selectApiKeyRows(sql, values, out);
    return forEachRow(db, sql, values, QStringLiteral("cannot list the keys"),
                      [out](sqlite3_stmt *statement) { out->append(apiKeyAt(statement)); });
}

bool SqliteStorage::selectApiKeyByHmac(const QByteArray &hmac, std::optional<ApiKeyRecord> *out)
{
    // Read once per batch of key requests. Through Qt SQL, describing the row's 21 columns and turning
    // its text into UTF-16 QVariants cost several times SQLite's own indexed lookup.
    sqlite3 *db = handle();
    if (!db)
        return SqlStorage::selectApiKeyByHmac(hmac, out);
    static const QString sql = QStringLiteral("SELECT ") + apiKeyColumns() + QStringLiteral(" WHERE k.secret_hmac = ?");
    // The QByteArray is bound as a blob, as Qt SQL binds it: the column holds blobs, and only a blob
    // compares equal. secret_hmac is unique, so there is at most one row.
    return forEachRow(db, sql, {hmac}, QStringLiteral("cannot read the key"),
                      [out](sqlite3_stmt *statement) { *out = apiKeyAt(statement); });
}

bool SqliteStorage::selectAuditRows(const QString &sql, const QVariantList &values, QList<AuditRecord> *out)
{
    // Qt's driver reads every text column as UTF-16 into a QVariant: for an export of a million
    // events that conversion was over half the server's work. Reading UTF-8 straight from SQLite's
    // own API, on the same connection (and so in the same transaction), is about three times cheaper.
    sqlite3 *db = handle();
    if (!db)
        return SqlStorage::selectAuditRows(sql, values, out);
    return forEachRow(db, sql, values, QStringLiteral("audit query failed"),
                      [out](sqlite3_stmt *statement) { out->append(auditAt(statement)); });
}

} // namespace datarecs::server
