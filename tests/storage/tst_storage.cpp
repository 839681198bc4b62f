// The storage contract, written against the Storage interface only (plus raw SQL where a test must
// reach past it, e.g. to tamper with the audit chain). The same suite is meant to run on every backend.

#include "KeyFormat.h"
#include "audit/AuditChain.h"
#include "crypto/Random.h"
#include "crypto/ServerKeyring.h"
#include "demo/DemoSeeder.h"
#include "PostgresTestDatabase.h"
#include "storage/PostgresStorage.h"
#include "storage/SqlStorage.h"
#include "storage/SqliteStorage.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace datarecs;
using namespace datarecs::server;

namespace {

constexpr qint64 Day = 24 * 3600 * 1000LL;
constexpr qint64 Now = 1'800'000'000'000LL; // a fixed "now" keeps filters on time deterministic

// The seam for running this suite on other backends: DATARECS_TEST_DATABASE selects one: "sqlite" (the
// default) or "postgres" (a fresh database per test on the cluster named by DATARECS_TEST_POSTGRES_URL).
QString backendName()
{
    const QString name = qEnvironmentVariable("DATARECS_TEST_DATABASE");
    return name.isEmpty() ? QStringLiteral("sqlite") : name;
}

bool onPostgres()
{
    return backendName() == QLatin1StringView("postgres");
}

/// One fresh, empty database per test; open() hands out independent connections to it.
class TestDatabase
{
public:
    TestDatabase()
    {
        if (onPostgres() && test::PostgresTestDatabase::configured())
            m_postgres = std::make_unique<test::PostgresTestDatabase>();
    }

    bool isValid() const { return m_dir.isValid() && (!m_postgres || m_postgres->isValid()); }
    QString error() const { return m_postgres ? m_postgres->error() : QStringLiteral("no temporary directory"); }
    QString dataDir() const { return m_dir.path(); }

    std::unique_ptr<SqlStorage> open()
    {
        std::unique_ptr<SqlStorage> storage;
        if (backendName() == QLatin1StringView("sqlite")) {
            storage = std::make_unique<SqliteStorage>(m_dir.path());
        } else if (m_postgres) {
            QString error;
            const auto location = PostgresStorage::parseUrl(m_postgres->url(), &error);
            if (!location)
                qFatal("%s", qPrintable(error));
            storage = std::make_unique<PostgresStorage>(*location);
        }
        if (storage && !storage->open())
            qWarning("cannot open storage: %s", qPrintable(storage->lastError()));
        return storage;
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::PostgresTestDatabase> m_postgres;
};

// A PostgreSQL run without a cluster skips (a developer's plain ctest); with a cluster that cannot be
// used it fails, so a broken setup never passes as "nothing to test".
#define OPEN_STORAGE(db, storage)                                                                            \
    if (onPostgres() && !test::PostgresTestDatabase::configured())                                          \
        QSKIP(test::PostgresTestDatabase::skipMessage());                                                    \
    TestDatabase db;                                                                                         \
    QVERIFY2(db.isValid(), qPrintable(db.error()));                                                          \
    auto storage = db.open();                                                                                \
    if (!storage) QSKIP("no storage backend for DATARECS_TEST_DATABASE in this build");                      \
    QVERIFY2(storage->lastError().isEmpty(), qPrintable(storage->lastError()))

TenantRecord makeTenant(Storage &s, const QString &name)
{
    TenantRecord t{Random::id(QLatin1StringView("ten_")), name, 50, Now - 400 * Day};
    if (!s.insertTenant(t)) qWarning("insertTenant: %s", qPrintable(s.lastError()));
    return t;
}

WorkspaceRecord makeWorkspace(Storage &s, const QString &tenantId, const QString &name)
{
    WorkspaceRecord w{Random::id(QLatin1StringView("ws_")), tenantId, name, QString(), Now - 300 * Day};
    if (!s.insertWorkspace(w)) qWarning("insertWorkspace: %s", qPrintable(s.lastError()));
    return w;
}

ApiKeyRecord keyTemplate(const QString &tenantId, const QString &name, qint64 createdAt)
{
    ApiKeyRecord k;
    k.id = Random::id(QLatin1StringView("key_"));
    k.tenantId = tenantId;
    k.name = name;
    k.role = QStringLiteral("workspace_viewer");
    k.secretHmac = Random::bytes(32);
    k.hint = QStringLiteral("drk_…abcd");
    k.createdByType = QStringLiteral("user");
    k.createdById = QStringLiteral("usr_0000000000000000");
    k.createdByName = QStringLiteral("Alice Carter");
    k.createdAt = createdAt;
    k.updatedAt = createdAt;
    return k;
}

QStringList names(const QList<ApiKeyRecord> &keys)
{
    QStringList out;
    for (const ApiKeyRecord &k : keys)
        out.append(k.name);
    out.sort();
    return out;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

AuditRecord makeEvent(const QString &tenantId, qint64 at, const QString &action, const QString &actorId = {},
                      const QString &targetId = {})
{
    AuditRecord e;
    e.tenantId = tenantId;
    e.occurredAt = at;
    e.actorType = actorId.isEmpty() ? QStringLiteral("anonymous") : QStringLiteral("api_key");
    e.actorId = actorId;
    e.action = action;
    if (!targetId.isEmpty()) {
        e.targetType = QStringLiteral("api_key");
        e.targetId = targetId;
    }
    e.outcome = QStringLiteral("success");
    e.httpStatus = 200;
    e.method = QStringLiteral("GET");
    e.path = QStringLiteral("/v1/me");
    return e;
}

// Records appended inside a transaction get their ids when it writes them (see Storage::appendAudit):
// takes them from the stored chain, which must hold exactly these records, in this order.
bool takeIds(Storage &storage, const QString &tenantId, QList<AuditRecord> &appended)
{
    const QList<AuditRecord> stored = storage.auditChain(tenantId, 0, int(appended.size()) + 1);
    if (stored.size() != appended.size()) return false;
    for (qsizetype i = 0; i < stored.size(); ++i) {
        if (stored.at(i).hash != appended.at(i).hash) return false;
        appended[i].id = stored.at(i).id;
    }
    return true;
}

QList<qint64> ids(const QList<AuditRecord> &events)
{
    QList<qint64> out;
    for (const AuditRecord &e : events)
        out.append(e.id);
    return out;
}

bool execSql(SqlStorage &storage, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery q(storage.connection());
    q.prepare(sql);
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec()) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return false;
    }
    return true;
}

// Makes the database refuse audit records with this detail, the way a full disk or a lost connection
// would refuse them in the middle of a transaction.
bool refuseAuditDetail(SqlStorage &storage, const QString &detail)
{
    const QString quoted = QLatin1Char('\'') + detail + QLatin1Char('\'');
    // Not prepared: PostgreSQL prepares no DDL.
    const auto execDdl = [](SqlStorage &on, const QString &sql) {
        QSqlQuery q(on.connection());
        if (q.exec(sql)) return true;
        qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return false;
    };
    if (!onPostgres())
        return execDdl(storage, QStringLiteral("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
                                               "WHEN NEW.detail = %1 BEGIN SELECT RAISE(ABORT, 'refused'); END")
                                    .arg(quoted));
    return execDdl(storage, QStringLiteral("CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
                                           "$$ BEGIN IF NEW.detail = %1 THEN RAISE EXCEPTION 'refused'; END IF; "
                                           "RETURN NEW; END $$")
                                .arg(quoted))
        && execDdl(storage, QStringLiteral("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
                                           "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"));
}

QVariantList sqlRow(SqlStorage &storage, const QString &sql)
{
    QSqlQuery q(storage.connection());
    QVariantList row;
    if (q.exec(sql) && q.next())
        for (int i = 0; i < q.record().count(); ++i)
            row.append(q.value(i));
    return row;
}

} // namespace

class tst_Storage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { qInfo("storage backend: %s", qPrintable(backendName())); }

    void reopen_migrationsAreIdempotent_andDataSurvives()
    {
        OPEN_STORAGE(db, storage);
        QCOMPARE(storage->schemaVersion(), SqlStorage::LatestSchemaVersion);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        storage.reset();

        auto again = db.open();
        QVERIFY2(again->lastError().isEmpty(), qPrintable(again->lastError()));
        QCOMPARE(again->schemaVersion(), SqlStorage::LatestSchemaVersion);
        QCOMPARE(sqlRow(*again, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).value(0).toInt(),
                 SqlStorage::LatestSchemaVersion);
        const auto found = again->tenantByName(QStringLiteral("Acme"));
        QVERIFY(found);
        QCOMPARE(found->id, acme.id);
        QCOMPARE(found->keyQuota, 50);

        // A second live connection on the same database also opens cleanly.
        auto third = db.open();
        QVERIFY2(third->lastError().isEmpty(), qPrintable(third->lastError()));
        QCOMPARE(third->tenants().size(), 1);
    }

    void sqliteFile_isPrivateToTheOwner()
    {
        if (backendName() != QLatin1StringView("sqlite")) QSKIP("SQLite only");
        OPEN_STORAGE(db, storage);
        const QFileDevice::Permissions perms =
            QFile::permissions(QDir(db.dataDir()).filePath(QStringLiteral("datarecs.db")));
        QCOMPARE(perms & ~(QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QCOMPARE(sqlRow(*storage, QStringLiteral("PRAGMA journal_mode")).value(0).toString(),
                 QStringLiteral("wal"));
        QCOMPARE(sqlRow(*storage, QStringLiteral("PRAGMA foreign_keys")).value(0).toInt(), 1);
    }

    void usersAndWorkspaces_lookups()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        UserRecord u{Random::id(QLatin1StringView("usr_")),
                     acme.id,
                     QStringLiteral("Owner@Acme.test"),
                     QStringLiteral("Alice"),
                     QStringLiteral("$argon2id$..."),
                     QStringLiteral("owner"),
                     Now};
        QVERIFY2(storage->insertUser(u), qPrintable(storage->lastError()));
        QCOMPARE(storage->userByEmail(QStringLiteral("owner@ACME.TEST"))->id, u.id);
        QVERIFY(!storage->userByEmail(QStringLiteral("nobody@acme.test")));
        UserRecord twin = u;
        twin.id = Random::id(QLatin1StringView("usr_"));
        twin.email = QStringLiteral("owner@acme.test");
        QVERIFY(!storage->insertUser(twin)); // one account per address, whatever the case

        const WorkspaceRecord ws = makeWorkspace(*storage, acme.id, QStringLiteral("Analytics"));
        QVERIFY(storage->insertWorkspaceMember(ws.id, u.id, QStringLiteral("workspace_admin")));
        const auto roles = storage->workspaceRolesOf(u.id);
        QCOMPARE(roles.size(), 1);
        QCOMPARE(roles.first().workspaceName, QStringLiteral("Analytics"));
        QCOMPARE(roles.first().role, QStringLiteral("workspace_admin"));
        QVERIFY(storage->workspaceById(acme.id, ws.id));
        QVERIFY(storage->setKeyQuota(acme.id, 7));
        QCOMPARE(storage->tenantById(acme.id)->keyQuota, 7);
        QVERIFY(!storage->setKeyQuota(QStringLiteral("ten_missing"), 7));
    }

    void tenants_neverSeeEachOther()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        const TenantRecord globex = makeTenant(*storage, QStringLiteral("Globex"));
        const WorkspaceRecord acmeWs = makeWorkspace(*storage, acme.id, QStringLiteral("Analytics"));
        ApiKeyRecord key = keyTemplate(acme.id, QStringLiteral("Acme deploy"), Now - Day);
        key.workspaceId = acmeWs.id;
        QVERIFY2(storage->insertApiKey(key), qPrintable(storage->lastError()));
        AuditRecord e = makeEvent(acme.id, Now, QStringLiteral("api_key.request"), key.id);
        QVERIFY(storage->appendAudit(e, &AuditChain::hashOf));

        QVERIFY(storage->apiKeyById(acme.id, key.id));
        QCOMPARE(storage->apiKeyById(acme.id, key.id)->workspaceName, QStringLiteral("Analytics"));
        QVERIFY(!storage->apiKeyById(globex.id, key.id));
        ApiKeyQuery q;
        q.tenantId = globex.id;
        QVERIFY(storage->apiKeys(q).isEmpty());
        q.tenantId = acme.id;
        QCOMPARE(storage->apiKeys(q).size(), 1);
        AuditQuery aq;
        aq.tenantId = globex.id;
        QVERIFY(storage->auditEvents(aq).isEmpty());
        aq.apiKeyId = key.id;
        QVERIFY(storage->auditEvents(aq).isEmpty());
        aq.tenantId = acme.id;
        QCOMPARE(storage->auditEvents(aq).size(), 1);
        QCOMPARE(storage->countApiKeys(acme.id), 1);
        QCOMPARE(storage->countApiKeys(globex.id), 0);
        // Writes are scoped too: another tenant cannot update the key by id.
        ApiKeyRecord hijack = key;
        hijack.tenantId = globex.id;
        hijack.enabled = false;
        QVERIFY(!storage->updateApiKey(hijack));
        QVERIFY(storage->apiKeyById(acme.id, key.id)->enabled);
    }

    void apiKeys_everyFilter()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        const WorkspaceRecord analytics = makeWorkspace(*storage, acme.id, QStringLiteral("Analytics"));
        const WorkspaceRecord marketing = makeWorkspace(*storage, acme.id, QStringLiteral("Marketing"));
        QList<ApiKeyRecord> keys;
        auto add = [&](const QString &name, qint64 createdAt, auto &&tweak) {
            ApiKeyRecord k = keyTemplate(acme.id, name, createdAt);
            tweak(k);
            keys.append(k);
            return storage->insertApiKey(k);
        };
        QVERIFY(add(QStringLiteral("active"), Now - 10 * Day, [&](ApiKeyRecord &k) {
            k.lastUsedAt = Now - Day;
            k.workspaceId = analytics.id;
        }));
        QVERIFY(add(QStringLiteral("disabled"), Now - 20 * Day, [&](ApiKeyRecord &k) { k.enabled = false; }));
        QVERIFY(add(QStringLiteral("expired"), Now - 30 * Day, [&](ApiKeyRecord &k) {
            k.expiresAt = Now - 1;
            k.workspaceId = marketing.id;
        }));
        QVERIFY(add(QStringLiteral("expires at now"), Now - 31 * Day,
                    [&](ApiKeyRecord &k) { k.expiresAt = Now; }));
        QVERIFY(add(QStringLiteral("expiring soon"), Now - 40 * Day, [&](ApiKeyRecord &k) {
            k.expiresAt = Now + Day;
            k.lastUsedAt = Now - 2 * Day;
        }));
        QVERIFY(add(QStringLiteral("abandoned"), Now - 200 * Day, [&](ApiKeyRecord &k) {
            k.lastUsedAt = Now - 100 * Day;
            k.description = QStringLiteral("Old Jenkins box");
        }));
        QVERIFY(add(QStringLiteral("forgotten"), Now - 100 * Day, [&](ApiKeyRecord &k) {
            k.workspaceId = analytics.id;
            k.createdByName = QStringLiteral("Ben Ortiz");
        }));
        QVERIFY(add(QStringLiteral("fresh, never used"), Now - 5 * Day,
                    [](ApiKeyRecord &k) { k.description = QStringLiteral("Überwachung der ÉTATS"); }));
        QVERIFY(add(QStringLiteral("Deploy 100%_done"), Now - 6 * Day, [](ApiKeyRecord &) {}));
        QVERIFY(add(QStringLiteral("Deploy 1000 done"), Now - 7 * Day, [](ApiKeyRecord &) {}));
        // Old and in recent use, but out of service or already rotated: none is due for rotation.
        QVERIFY(add(QStringLiteral("old, disabled"), Now - 150 * Day, [&](ApiKeyRecord &k) {
            k.enabled = false;
            k.lastUsedAt = Now - Day;
        }));
        QVERIFY(add(QStringLiteral("old, expired"), Now - 300 * Day, [&](ApiKeyRecord &k) {
            k.expiresAt = Now - Day;
            k.lastUsedAt = Now - 2 * Day;
        }));
        QVERIFY(add(QStringLiteral("old, replaced"), Now - 120 * Day, [&](ApiKeyRecord &k) {
            k.replacedBy = keys.first().id;
            k.lastUsedAt = Now - Day;
        }));
        // Expired wins over disabled, as in the key's status: listed as expired only.
        QVERIFY(add(QStringLiteral("disabled, expired"), Now - 3 * Day, [&](ApiKeyRecord &k) {
            k.enabled = false;
            k.expiresAt = Now - Day;
        }));

        auto list = [&](auto &&tweak) {
            ApiKeyQuery q;
            q.tenantId = acme.id;
            q.now = Now;
            q.staleBefore = Now - 90 * Day;
            q.rotationBefore = Now - 90 * Day;
            q.limit = 200;
            tweak(q);
            return names(storage->apiKeys(q));
        };
        auto withStatus = [&](const char *status) {
            return list([&](ApiKeyQuery &q) { q.status = QLatin1StringView(status); });
        };
        QCOMPARE(list([](ApiKeyQuery &) {}).size(), keys.size());
        QCOMPARE(
            withStatus("enabled"),
            sorted({QStringLiteral("active"), QStringLiteral("expiring soon"), QStringLiteral("abandoned"),
                    QStringLiteral("forgotten"), QStringLiteral("fresh, never used"),
                    QStringLiteral("Deploy 100%_done"), QStringLiteral("Deploy 1000 done"),
                    QStringLiteral("old, replaced")}));
        QCOMPARE(withStatus("disabled"), sorted({QStringLiteral("disabled"), QStringLiteral("old, disabled")}));
        QCOMPARE(withStatus("expired"), sorted({QStringLiteral("expired"), QStringLiteral("expires at now"),
                                                QStringLiteral("old, expired"), QStringLiteral("disabled, expired")}));
        QCOMPARE(withStatus("stale"), sorted({QStringLiteral("abandoned"), QStringLiteral("forgotten")}));
        QCOMPARE(withStatus("rotation_due"),
                 sorted({QStringLiteral("abandoned"), QStringLiteral("forgotten")}));
        ApiKeyQuery bad;
        bad.tenantId = acme.id;
        bad.status = QStringLiteral("bogus");
        QVERIFY(storage->apiKeys(bad).isEmpty());
        QVERIFY(!storage->lastError().isEmpty());

        auto search = [&](const QString &text) { return list([&](ApiKeyQuery &q) { q.text = text; }); };
        QCOMPARE(search(QStringLiteral("100%")), QStringList{QStringLiteral("Deploy 100%_done")});
        QCOMPARE(search(QStringLiteral("%_d")), QStringList{QStringLiteral("Deploy 100%_done")});
        QCOMPARE(search(QStringLiteral("DEPLOY")).size(), 2);
        QCOMPARE(search(QStringLiteral("jenkins")), QStringList{QStringLiteral("abandoned")});
        QCOMPARE(search(QStringLiteral("ben ortiz")), QStringList{QStringLiteral("forgotten")});
        QCOMPARE(search(keys.at(1).id.mid(5, 8).toLower()), QStringList{QStringLiteral("disabled")});
        QVERIFY(search(QStringLiteral("\\")).isEmpty());
        // Letters beyond ASCII match in either case too, as they do in the console's own filter.
        for (const QString &text : {QStringLiteral("Überwachung"), QStringLiteral("überwachung"),
                                    QStringLiteral("ÜBERWACHUNG"), QStringLiteral("états")})
            QCOMPARE(search(text), QStringList{QStringLiteral("fresh, never used")});

        QCOMPARE(list([&](ApiKeyQuery &q) { q.workspaceId = analytics.id; }),
                 sorted({QStringLiteral("active"), QStringLiteral("forgotten")}));
        QCOMPARE(list([&](ApiKeyQuery &q) { q.workspaceScope = {marketing.id}; }),
                 QStringList{QStringLiteral("expired")});
        QCOMPARE(list([&](ApiKeyQuery &q) { q.workspaceScope = {marketing.id, analytics.id}; }).size(), 3);
        // Filters combine.
        QCOMPARE(list([&](ApiKeyQuery &q) {
                     q.workspaceScope = {analytics.id};
                     q.status = QStringLiteral("stale");
                 }),
                 QStringList{QStringLiteral("forgotten")});

        const auto scoped = storage->apiKeys([&] {
            ApiKeyQuery q;
            q.tenantId = acme.id;
            q.workspaceId = marketing.id;
            return q;
        }());
        QCOMPARE(scoped.size(), 1);
        QCOMPARE(scoped.first().workspaceName, QStringLiteral("Marketing"));
        QCOMPARE(scoped.first().expiresAt, std::optional<qint64>(Now - 1));
        QVERIFY(!scoped.first().lastUsedAt);
    }

    void apiKeys_keysetPages_haveNoGapsOrDuplicates()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        QVERIFY(storage->begin());
        // Groups of equal created_at make the id tie-break carry the order across page boundaries.
        for (int i = 0; i < 57; ++i)
            QVERIFY(storage->insertApiKey(
                keyTemplate(acme.id, QStringLiteral("key %1").arg(i), Now - (i / 5) * Day)));
        QVERIFY(storage->commit());

        ApiKeyQuery all;
        all.tenantId = acme.id;
        all.limit = 200;
        const QList<ApiKeyRecord> expected = storage->apiKeys(all);
        QCOMPARE(expected.size(), 57);
        for (int i = 1; i < expected.size(); ++i) {
            const ApiKeyRecord &a = expected.at(i - 1);
            const ApiKeyRecord &b = expected.at(i);
            QVERIFY(a.createdAt > b.createdAt || (a.createdAt == b.createdAt && a.id > b.id));
        }

        for (int pageSize : {1, 5, 10, 50}) {
            QList<ApiKeyRecord> walked;
            ApiKeyQuery q;
            q.tenantId = acme.id;
            q.limit = pageSize;
            for (int guard = 0; guard < 100; ++guard) {
                const QList<ApiKeyRecord> page = storage->apiKeys(q);
                QVERIFY(page.size() <= pageSize);
                walked += page;
                if (page.size() < pageSize) break;
                q.afterCreatedAt = page.last().createdAt;
                q.afterId = page.last().id;
            }
            QCOMPARE(walked.size(), expected.size());
            for (int i = 0; i < walked.size(); ++i)
                QCOMPARE(walked.at(i).id, expected.at(i).id);
        }
    }

    void softDelete_hidesKeyButKeepsItAttributable()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        ApiKeyRecord key = keyTemplate(acme.id, QStringLiteral("doomed"), Now - Day);
        QVERIFY(storage->insertApiKey(key));
        QVERIFY(storage->insertApiKey(keyTemplate(acme.id, QStringLiteral("survivor"), Now - Day)));
        QCOMPARE(storage->countApiKeys(acme.id), 2);

        key.deletedAt = Now;
        key.enabled = false;
        key.updatedAt = Now;
        QVERIFY2(storage->updateApiKey(key), qPrintable(storage->lastError()));
        QVERIFY(!storage->apiKeyById(acme.id, key.id));
        ApiKeyQuery q;
        q.tenantId = acme.id;
        QCOMPARE(names(storage->apiKeys(q)), QStringList{QStringLiteral("survivor")});
        QCOMPARE(storage->countApiKeys(acme.id), 1);
        const auto byHmac = storage->apiKeyByHmac(key.secretHmac);
        QVERIFY(byHmac);
        QCOMPARE(byHmac->deletedAt, std::optional<qint64>(Now));
        QVERIFY(!byHmac->enabled);
    }

    void keyByHmacAndList_readEveryFieldAsKeyById()
    {
        // The lookup by HMAC (every batch of key requests) and the key list (a page of up to a thousand)
        // have their own readers on SQLite: they must give back exactly what the general read does, NULLs,
        // non-ASCII text and the workspace join included.
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        const WorkspaceRecord ws = makeWorkspace(*storage, acme.id, QStringLiteral("Analyse à Zürich"));
        ApiKeyRecord plain = keyTemplate(acme.id, QStringLiteral("plain"), Now - Day);
        ApiKeyRecord full = keyTemplate(acme.id, QStringLiteral("Clé de l’équipe 数据"), Now - 2 * Day);
        full.description = QStringLiteral("für die Übergabe");
        full.workspaceId = ws.id;
        full.enabled = false;
        full.expiresAt = Now + Day;
        full.replaces = plain.id;
        QVERIFY(storage->insertApiKey(plain));
        QVERIFY(storage->insertApiKey(full));
        QVERIFY(storage->touchApiKey(full.id, Now - 5, QStringLiteral("2001:db8::7")));
        ApiKeyQuery all;
        all.tenantId = acme.id;
        all.limit = 10;
        const QList<ApiKeyRecord> listed = storage->apiKeys(all);
        QCOMPARE(listed.size(), 2);
        for (const ApiKeyRecord &key : {plain, full}) {
            const auto byId = storage->apiKeyById(acme.id, key.id);
            const auto byHmac = storage->apiKeyByHmac(key.secretHmac);
            const auto inList = std::find_if(listed.begin(), listed.end(),
                                             [&key](const ApiKeyRecord &k) { return k.id == key.id; });
            QVERIFY2(byId && byHmac, qPrintable(storage->lastError()));
            QVERIFY(inList != listed.end());
            for (const ApiKeyRecord &read : {*byHmac, *inList}) {
                QCOMPARE(read.id, byId->id);
                QCOMPARE(read.tenantId, byId->tenantId);
                QCOMPARE(read.name, key.name);
                QCOMPARE(read.description, byId->description);
                QCOMPARE(read.role, byId->role);
                QCOMPARE(read.workspaceId, byId->workspaceId);
                QCOMPARE(read.workspaceName, byId->workspaceName);
                QCOMPARE(read.enabled, key.enabled);
                QCOMPARE(read.secretHmac, key.secretHmac);
                QCOMPARE(read.hint, key.hint);
                QCOMPARE(read.createdByType, byId->createdByType);
                QCOMPARE(read.createdById, byId->createdById);
                QCOMPARE(read.createdByName, byId->createdByName);
                QCOMPARE(read.createdAt, key.createdAt);
                QCOMPARE(read.updatedAt, byId->updatedAt);
                QCOMPARE(read.lastUsedAt, byId->lastUsedAt);
                QCOMPARE(read.lastUsedIp, byId->lastUsedIp);
                QCOMPARE(read.expiresAt, key.expiresAt);
                QCOMPARE(read.deletedAt, std::optional<qint64>());
                QCOMPARE(read.replaces, byId->replaces);
                QCOMPARE(read.replacedBy, byId->replacedBy);
            }
        }
        const auto fullRead = storage->apiKeyByHmac(full.secretHmac);
        QCOMPARE(fullRead->workspaceName, ws.name);
        QCOMPARE(fullRead->lastUsedAt, std::optional<qint64>(Now - 5));
        QCOMPARE(fullRead->lastUsedIp, QStringLiteral("2001:db8::7"));
        QCOMPARE(fullRead->replaces, plain.id);
        QVERIFY(storage->apiKeyByHmac(plain.secretHmac)->workspaceName.isEmpty());
        QVERIFY(!storage->apiKeyByHmac(Random::bytes(32)));
        QVERIFY2(storage->lastError().isEmpty(), qPrintable(storage->lastError()));
    }

    void updateAndTouch_roundTrip()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        ApiKeyRecord key = keyTemplate(acme.id, QStringLiteral("before"), Now - Day);
        QVERIFY(storage->insertApiKey(key));
        QVERIFY(!storage->insertApiKey(key)); // same id and HMAC: refused
        key.name = QStringLiteral("after");
        key.description = QStringLiteral("renamed");
        key.replacedBy = QStringLiteral("key_replacement0000");
        key.updatedAt = Now;
        QVERIFY(storage->updateApiKey(key));
        QVERIFY(storage->touchApiKey(key.id, Now - 10, QStringLiteral("192.0.2.1")));
        QVERIFY(storage->touchApiKey(key.id, Now - 20, QStringLiteral("192.0.2.2"))); // older: ignored
        const auto read = storage->apiKeyById(acme.id, key.id);
        QCOMPARE(read->name, QStringLiteral("after"));
        QCOMPARE(read->description, QStringLiteral("renamed"));
        QCOMPARE(read->replacedBy, key.replacedBy);
        QCOMPARE(read->lastUsedAt, std::optional<qint64>(Now - 10));
        QCOMPARE(read->lastUsedIp, QStringLiteral("192.0.2.1"));
        QCOMPARE(read->secretHmac, key.secretHmac);
        QCOMPARE(read->hint, key.hint);
    }

    void transactions_nestAndRollBack()
    {
        OPEN_STORAGE(db, storage);
        auto exists = [&](const QString &name) { return storage->tenantByName(name).has_value(); };

        QVERIFY(storage->begin());
        QVERIFY(storage->begin());
        makeTenant(*storage, QStringLiteral("inner committed, outer rolled back"));
        QVERIFY(storage->commit());
        storage->rollback();
        QVERIFY(!exists(QStringLiteral("inner committed, outer rolled back")));

        QVERIFY(storage->begin());
        makeTenant(*storage, QStringLiteral("inner rolled back"));
        QVERIFY(storage->begin());
        storage->rollback();
        QVERIFY(!storage->commit()); // the whole unit is doomed
        QVERIFY(!exists(QStringLiteral("inner rolled back")));

        QVERIFY(storage->begin());
        QVERIFY(storage->begin());
        makeTenant(*storage, QStringLiteral("kept"));
        QVERIFY(storage->commit());
        QVERIFY(storage->commit());
        QVERIFY(exists(QStringLiteral("kept")));
        QVERIFY(!storage->commit()); // unbalanced

        // Another connection sees nothing until the outermost commit.
        auto other = db.open();
        QVERIFY(storage->begin());
        makeTenant(*storage, QStringLiteral("pending"));
        QVERIFY(storage->begin());
        QVERIFY(storage->commit());
        QVERIFY(!other->tenantByName(QStringLiteral("pending")));
        QVERIFY(storage->commit());
        QVERIFY(other->tenantByName(QStringLiteral("pending")));
    }

    void sessionsAndIdempotency_roundTrip()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        UserRecord u{Random::id(QLatin1StringView("usr_")),
                     acme.id,
                     QStringLiteral("a@acme.test"),
                     QStringLiteral("A"),
                     QStringLiteral("h"),
                     QString(),
                     Now};
        QVERIFY(storage->insertUser(u));
        const QByteArray live = Random::bytes(32), old = Random::bytes(32);
        QVERIFY(storage->insertSession({live, u.id, acme.id, Now, Now + Day}));
        QVERIFY(storage->insertSession({old, u.id, acme.id, Now - 2 * Day, Now - Day}));
        QVERIFY(storage->deleteExpiredSessions(Now));
        QVERIFY(!storage->sessionByHash(old));
        QCOMPARE(storage->sessionByHash(live)->expiresAt, Now + Day);
        QVERIFY(storage->deleteSession(live));
        QVERIFY(!storage->sessionByHash(live));

        IdempotencyRecord r{acme.id,
                            u.id,
                            QStringLiteral("idem-1"),
                            Random::bytes(32),
                            201,
                            Random::bytes(80),
                            QStringLiteral("key_x"),
                            Now,
                            Now + 3600 * 1000};
        QVERIFY(storage->insertIdempotencyRecord(r));
        QVERIFY(!storage->insertIdempotencyRecord(r)); // live record: the key is taken
        const auto read = storage->idempotencyRecord(acme.id, u.id, QStringLiteral("idem-1"));
        QVERIFY(read);
        QCOMPARE(read->sealedResponse, r.sealedResponse);
        QCOMPARE(read->status, 201);
        QVERIFY(!storage->idempotencyRecord(acme.id, QStringLiteral("usr_other"), QStringLiteral("idem-1")));
        // Once expired, the same key may be used again.
        r.createdAt = r.expiresAt + 1;
        r.expiresAt = r.createdAt + 1000;
        QVERIFY2(storage->insertIdempotencyRecord(r), qPrintable(storage->lastError()));
        QVERIFY(storage->deleteExpiredIdempotencyRecords(r.expiresAt));
        QVERIFY(!storage->idempotencyRecord(acme.id, u.id, QStringLiteral("idem-1")));
    }

    void auditEvents_everyFilter_newestFirst()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        const QString keyA = QStringLiteral("key_AAAAAAAAAAAAAAAA"),
                      keyB = QStringLiteral("key_BBBBBBBBBBBBBBBB");
        const QString ws = QStringLiteral("ws_analytics");
        QVERIFY(storage->begin());
        QList<AuditRecord> all;
        for (int i = 0; i < 60; ++i) {
            AuditRecord e;
            switch (i % 4) {
            case 0:
                e = makeEvent(acme.id, Now + i, QStringLiteral("api_key.request"), keyA);
                break;
            case 1:
                e = makeEvent(acme.id, Now + i, QStringLiteral("api_key.disable"), keyB, keyA);
                break;
            case 2:
                e = makeEvent(acme.id, Now + i, QStringLiteral("api_key.request"), keyB);
                break;
            default:
                e = makeEvent(acme.id, Now + i, QStringLiteral("api_key.rotate"), keyA, keyA);
                break;
            }
            if (i % 5 == 0) e.outcome = QStringLiteral("refused");
            if (i % 2 == 0) e.workspaceId = ws;
            QVERIFY2(storage->appendAudit(e, &AuditChain::hashOf), qPrintable(storage->lastError()));
            all.append(e);
        }
        QVERIFY(storage->commit());
        QVERIFY(takeIds(*storage, acme.id, all));
        QVERIFY(all.last().id > all.first().id);

        auto expect = [&](auto &&predicate) {
            QList<qint64> out;
            for (auto it = all.crbegin(); it != all.crend(); ++it)
                if (predicate(*it)) out.append(it->id);
            return out;
        };
        auto query = [&](auto &&tweak) {
            AuditQuery q;
            q.tenantId = acme.id;
            q.limit = 500;
            tweak(q);
            return ids(storage->auditEvents(q));
        };

        QCOMPARE(query([](AuditQuery &) {}), expect([](const AuditRecord &) { return true; }));
        const auto touchesA = [&](const AuditRecord &e) { return e.actorId == keyA || e.targetId == keyA; };
        QCOMPARE(query([&](AuditQuery &q) { q.apiKeyId = keyA; }), expect(touchesA));
        QCOMPARE(query([&](AuditQuery &q) { q.actorId = keyB; }),
                 expect([&](const AuditRecord &e) { return e.actorId == keyB; }));
        QCOMPARE(
            query([&](AuditQuery &q) { q.action = QStringLiteral("api_key.disable"); }),
            expect([&](const AuditRecord &e) { return e.action == QLatin1StringView("api_key.disable"); }));
        QCOMPARE(query([&](AuditQuery &q) { q.outcome = QStringLiteral("refused"); }),
                 expect([&](const AuditRecord &e) { return e.outcome == QLatin1StringView("refused"); }));
        QCOMPARE(query([&](AuditQuery &q) {
                     q.since = Now + 10;
                     q.until = Now + 20;
                 }),
                 expect([&](const AuditRecord &e) {
                     return e.occurredAt >= Now + 10 && e.occurredAt < Now + 20;
                 }));
        QCOMPARE(query([&](AuditQuery &q) { q.afterId = all.at(50).id; }),
                 expect([&](const AuditRecord &e) { return e.id > all.at(50).id; }));
        QCOMPARE(query([&](AuditQuery &q) { q.workspaceScope = {ws}; }),
                 expect([&](const AuditRecord &e) { return e.workspaceId == ws; }));
        QCOMPARE(query([&](AuditQuery &q) {
                     q.apiKeyId = keyA;
                     q.outcome = QStringLiteral("refused");
                     q.workspaceScope = {ws};
                 }),
                 expect([&](const AuditRecord &e) {
                     return touchesA(e) && e.outcome == QLatin1StringView("refused") && e.workspaceId == ws;
                 }));

        // Pages by beforeId, with and without the key filter, add up to the whole list.
        for (const QString &apiKeyId : {QString(), keyA}) {
            QList<qint64> walked;
            AuditQuery q;
            q.tenantId = acme.id;
            q.apiKeyId = apiKeyId;
            q.limit = 7;
            for (int guard = 0; guard < 50; ++guard) {
                const QList<AuditRecord> page = storage->auditEvents(q);
                walked += ids(page);
                if (page.size() < q.limit) break;
                q.beforeId = page.last().id;
            }
            QCOMPARE(walked, apiKeyId.isEmpty() ? expect([](const AuditRecord &) { return true; })
                                                : expect(touchesA));
        }

        const AuditRecord first = storage
                                      ->auditEvents([&] {
                                          AuditQuery q;
                                          q.tenantId = acme.id;
                                          q.limit = 1;
                                          return q;
                                      }())
                                      .value(0);
        QCOMPARE(first.id, all.last().id);
        QCOMPARE(first.hash, all.last().hash);
        QCOMPARE(first.prevHash, all.at(all.size() - 2).hash);
        QCOMPARE(first.httpStatus, 200);
        QCOMPARE(first.path, QStringLiteral("/v1/me"));
    }

    void auditHash_isUnambiguous()
    {
        AuditRecord a = makeEvent(QStringLiteral("ten_1"), Now, QStringLiteral("auth.login"));
        a.actorId = QStringLiteral("ab");
        a.actorName = QStringLiteral("c");
        AuditRecord b = a;
        b.actorId = QStringLiteral("a");
        b.actorName = QStringLiteral("bc");
        QVERIFY(AuditChain::hashOf(a) != AuditChain::hashOf(b));
        QCOMPARE(AuditChain::hashOf(a).size(), 64);
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(AuditChain::hashOf(a)).hasMatch());
        AuditRecord c = a;
        c.id = 99;
        c.hash = QStringLiteral("x");
        QCOMPARE(AuditChain::hashOf(c), AuditChain::hashOf(a)); // id and hash are not hashed
        c.prevHash = QString(64, QLatin1Char('1'));
        QVERIFY(AuditChain::hashOf(c) != AuditChain::hashOf(a));
    }

    void auditChain_verifies_andPinpointsTampering()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        const TenantRecord globex = makeTenant(*storage, QStringLiteral("Globex"));
        QList<AuditRecord> acmeEvents;
        QVERIFY(storage->begin());
        for (int i = 0; i < 40; ++i) {
            const QString tenant = i % 3 == 0 ? acme.id : (i % 3 == 1 ? globex.id : QString());
            AuditRecord e =
                makeEvent(tenant, Now + i, QStringLiteral("api_key.request"), QStringLiteral("key_x"));
            QVERIFY(storage->appendAudit(e, &AuditChain::hashOf));
            if (tenant == acme.id) acmeEvents.append(e);
        }
        QVERIFY(storage->commit());
        QVERIFY(takeIds(*storage, acme.id, acmeEvents));
        QCOMPARE(acmeEvents.first().prevHash, QString(64, QLatin1Char('0')));
        QCOMPARE(acmeEvents.at(1).prevHash, acmeEvents.at(0).hash); // chains are per tenant
        QCOMPARE(sorted(storage->auditTenants()), sorted({acme.id, globex.id, QString()}));

        const AuditChain::VerifyResult okAll = AuditChain::verifyAll(*storage);
        QVERIFY(okAll.ok);
        QCOMPARE(okAll.checked, 40);
        QCOMPARE(AuditChain::verify(*storage, acme.id).checked, 14);
        QCOMPARE(AuditChain::verify(*storage, QString()).checked, 13);

        // Rewrite one field of one row behind the server's back.
        const qint64 victim = acmeEvents.at(6).id;
        QVERIFY(execSql(*storage, QStringLiteral("UPDATE audit_events SET source_ip = ? WHERE id = ?"),
                        {QStringLiteral("203.0.113.9"), victim}));
        AuditChain::VerifyResult broken = AuditChain::verify(*storage, acme.id);
        QVERIFY(!broken.ok);
        QCOMPARE(broken.brokenId, victim);
        QCOMPARE(broken.reason, QStringLiteral("hash mismatch"));
        QCOMPARE(broken.checked, 7);
        QVERIFY(AuditChain::verify(*storage, globex.id).ok); // other chains unaffected
        broken = AuditChain::verifyAll(*storage);
        QVERIFY(!broken.ok);
        QCOMPARE(broken.brokenId, victim);
        QCOMPARE(broken.tenantId, acme.id);

        // Recomputing the row's own hash does not help: the next link no longer matches.
        AuditRecord forged = storage->auditChain(acme.id, victim - 1, 1).value(0);
        QCOMPARE(forged.id, victim);
        QVERIFY(execSql(*storage, QStringLiteral("UPDATE audit_events SET hash = ? WHERE id = ?"),
                        {AuditChain::hashOf(forged), victim}));
        broken = AuditChain::verify(*storage, acme.id);
        QCOMPARE(broken.brokenId, acmeEvents.at(7).id);
        QCOMPARE(broken.reason, QStringLiteral("prev_hash mismatch"));

        // Removing an event breaks the link of the one after it.
        QVERIFY(execSql(*storage, QStringLiteral("DELETE FROM audit_events WHERE id = ?"),
                        {acmeEvents.at(2).id}));
        broken = AuditChain::verify(*storage, acme.id);
        QCOMPARE(broken.brokenId, acmeEvents.at(3).id);
    }

    void auditChain_verifyWalksPastOneBatch()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        QVERIFY(storage->begin());
        for (int i = 0; i < 5200; ++i) {
            AuditRecord e =
                makeEvent(acme.id, Now + i, QStringLiteral("api_key.request"), QStringLiteral("key_x"));
            QVERIFY(storage->appendAudit(e, &AuditChain::hashOf));
        }
        QVERIFY(storage->commit());
        const qint64 tamper = storage->auditChain(acme.id, 0, 5200).value(5100).id;
        QCOMPARE(AuditChain::verify(*storage, acme.id).checked, 5200);
        QVERIFY(execSql(*storage, QStringLiteral("UPDATE audit_events SET outcome = 'refused' WHERE id = ?"),
                        {tamper}));
        const auto result = AuditChain::verify(*storage, acme.id);
        QVERIFY(!result.ok);
        QCOMPARE(result.brokenId, tamper);
        QCOMPARE(result.checked, 5101);
    }

    // A transaction's audit records are written in one pass before its COMMIT, with ids in append order
    // and an intact chain; one appended alone gets its id at once.
    void auditAppends_ofOneTransaction_landWithIdsInOrder()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        const TenantRecord globex = makeTenant(*storage, QStringLiteral("Globex"));
        AuditRecord first = makeEvent(acme.id, Now, QStringLiteral("api_key.request"), QStringLiteral("key_x"));
        QVERIFY2(storage->appendAudit(first, &AuditChain::hashOf), qPrintable(storage->lastError()));
        QVERIFY(first.id > 0);
        QCOMPARE(storage->auditChain(acme.id, 0, 10).value(0).id, first.id);

        QList<AuditRecord> acmeEvents{first}, globexEvents;
        QVERIFY(storage->begin());
        for (int i = 1; i <= 130; ++i) { // more than one multi-row statement
            const bool toAcme = i % 2 != 0;
            AuditRecord e = makeEvent(toAcme ? acme.id : globex.id, Now + i, QStringLiteral("api_key.request"),
                                      QStringLiteral("key_x"));
            e.detail = QStringLiteral("naïve ✓ %1").arg(i); // not only ASCII
            if (i % 3 == 0) e.userAgent = QStringLiteral("curl/8");
            if (i % 5 == 0) e.actorName = QStringLiteral("q\"uo\\te {a,b} NULL"); // array and SQL syntax
            QVERIFY2(storage->appendAudit(e, &AuditChain::hashOf), qPrintable(storage->lastError()));
            (toAcme ? acmeEvents : globexEvents).append(e);
        }
        QVERIFY2(storage->commit(), qPrintable(storage->lastError()));

        QVERIFY(takeIds(*storage, acme.id, acmeEvents));
        QVERIFY(takeIds(*storage, globex.id, globexEvents));
        QCOMPARE(acmeEvents.size(), 66);
        QCOMPARE(globexEvents.size(), 65);
        for (qsizetype i = 1; i < acmeEvents.size(); ++i)
            QVERIFY(acmeEvents.at(i).id > acmeEvents.at(i - 1).id);
        const QList<AuditRecord> stored = storage->auditChain(globex.id, 0, 100);
        QCOMPARE(stored.at(2).detail, QStringLiteral("naïve ✓ 6"));
        QCOMPARE(stored.at(2).userAgent, QStringLiteral("curl/8"));
        QVERIFY(stored.at(0).userAgent.isEmpty());
        QCOMPARE(stored.at(4).actorName, QStringLiteral("q\"uo\\te {a,b} NULL"));
        // Empty optional fields are stored as NULL, as before.
        QCOMPARE(sqlRow(*storage, QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE user_agent IS NULL "
                                                 "AND target_name IS NULL AND workspace_id IS NULL"))
                     .value(0)
                     .toInt(),
                 1 + 130 - 130 / 3);
        const AuditChain::VerifyResult verified = AuditChain::verifyAll(*storage);
        QVERIFY2(verified.ok, qPrintable(verified.reason));
        QCOMPARE(verified.checked, 131);
    }

    // Reads of audit events inside the transaction that appended them see them.
    void auditReads_inTheAppendingTransaction_seeItsRecords()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        QVERIFY(storage->begin());
        for (int i = 0; i < 3; ++i) {
            AuditRecord e = makeEvent(acme.id, Now + i, QStringLiteral("api_key.request"), QStringLiteral("key_x"));
            QVERIFY(storage->appendAudit(e, &AuditChain::hashOf));
        }
        AuditQuery query;
        query.tenantId = acme.id;
        const QList<AuditRecord> page = storage->auditEvents(query);
        QCOMPARE(page.size(), 3);
        QVERIFY(page.first().id > page.last().id);
        AuditRecord fourth = makeEvent(acme.id, Now + 3, QStringLiteral("api_key.request"), QStringLiteral("key_x"));
        QVERIFY(storage->appendAudit(fourth, &AuditChain::hashOf));
        QCOMPARE(fourth.prevHash, page.first().hash);
        QCOMPARE(storage->auditChain(acme.id, 0, 10).size(), 4);
        QCOMPARE(storage->auditTenants(), QStringList{acme.id});
        const AuditChain::VerifyResult inside = AuditChain::verify(*storage, acme.id);
        QVERIFY2(inside.ok, qPrintable(inside.reason));
        QVERIFY(storage->commit());
        QCOMPARE(AuditChain::verify(*storage, acme.id).checked, 4);
    }

    // A record the database refuses when the transaction writes its records fails the flush, and nothing
    // of the transaction is committed.
    void auditFlush_failure_commitsNothing()
    {
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        QVERIFY(refuseAuditDetail(*storage, QStringLiteral("refuse me")));
        QVERIFY(storage->begin());
        makeTenant(*storage, QStringLiteral("would be lost"));
        AuditRecord good = makeEvent(acme.id, Now, QStringLiteral("api_key.request"));
        AuditRecord bad = makeEvent(acme.id, Now + 1, QStringLiteral("api_key.request"));
        bad.detail = QStringLiteral("refuse me");
        QVERIFY(storage->appendAudit(good, &AuditChain::hashOf));
        QVERIFY(storage->appendAudit(bad, &AuditChain::hashOf)); // held back: nothing written yet
        QVERIFY(!storage->flush());
        QVERIFY(storage->rollbackOnly());
        QVERIFY(!storage->commit());
        QVERIFY(!storage->tenantByName(QStringLiteral("would be lost")));
        QCOMPARE(storage->auditChain(acme.id, 0, 10).size(), 0);

        // The same without an explicit flush: commit() writes the records and reports their failure.
        QVERIFY(storage->begin());
        QVERIFY(storage->appendAudit(good, &AuditChain::hashOf));
        QVERIFY(storage->appendAudit(bad, &AuditChain::hashOf));
        QVERIFY(!storage->commit());
        QCOMPARE(storage->auditChain(acme.id, 0, 10).size(), 0);

        // Alone, the good one goes in and the chain holds.
        QVERIFY(storage->appendAudit(good, &AuditChain::hashOf));
        QVERIFY(!storage->appendAudit(bad, &AuditChain::hashOf));
        QVERIFY(storage->appendAudit(good, &AuditChain::hashOf));
        QCOMPARE(AuditChain::verify(*storage, acme.id).checked, 2);
        QVERIFY(AuditChain::verify(*storage, acme.id).ok);
    }

    void concurrentAppenders_extendOneChain()
    {
        // Several connections (separate server instances, as far as the database can tell) append to
        // one tenant's chain at once: none may read a tail another is about to replace.
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        constexpr int Writers = 4, PerWriter = 150;
        std::atomic<int> appended{0};
        std::vector<std::thread> writers;
        for (int w = 0; w < Writers; ++w) {
            writers.emplace_back([&db, &acme, &appended, w] {
                auto own = db.open(); // a Qt SQL connection belongs to the thread that opened it
                for (int i = 0; own && i < PerWriter; ++i) {
                    AuditRecord e = makeEvent(acme.id, Now + i, QStringLiteral("api_key.request"),
                                              QStringLiteral("key_writer%1").arg(w));
                    if (own->appendAudit(e, &AuditChain::hashOf))
                        ++appended;
                    else
                        qWarning("append failed: %s", qPrintable(own->lastError()));
                }
            });
        }
        for (std::thread &t : writers)
            t.join();
        QCOMPARE(appended.load(), Writers * PerWriter);
        const AuditChain::VerifyResult result = AuditChain::verify(*storage, acme.id);
        QVERIFY2(result.ok, qPrintable(result.reason));
        QCOMPARE(result.checked, Writers * PerWriter);
    }

    void lockTenant_makesQuotaCheckAndInsertOneStep()
    {
        // The key-creation route's pattern (count, compare with the quota, insert) from several
        // connections at once: the quota is never exceeded.
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        constexpr int Quota = 7, Workers = 4, Attempts = 6;
        std::atomic<int> created{0}, failures{0};
        std::vector<std::thread> workers;
        for (int w = 0; w < Workers; ++w) {
            workers.emplace_back([&] {
                auto own = db.open();
                for (int i = 0; own && i < Attempts; ++i) {
                    if (!own->begin() || !own->lockTenant(acme.id)) {
                        ++failures;
                        own->rollback();
                        continue;
                    }
                    const int used = own->countApiKeys(acme.id);
                    // A moment between check and insert widens the window a missing lock would leave open.
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                    bool inserted = false;
                    if (used >= 0 && used < Quota)
                        inserted = own->insertApiKey(keyTemplate(acme.id, QStringLiteral("k"), Now));
                    if (own->commit()) {
                        if (inserted)
                            ++created;
                    } else {
                        ++failures;
                    }
                }
            });
        }
        for (std::thread &t : workers)
            t.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(created.load(), Quota);
        QCOMPARE(storage->countApiKeys(acme.id), Quota);
    }

    void apiKeyForUpdate_aConcurrentChangeWaits_andBuildsOnTheFirst()
    {
        // The change routes' pattern (read the key, change one field, write the record back) on two
        // connections at once: the second reads only once the first has committed, and keeps its change.
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        const ApiKeyRecord key = keyTemplate(acme.id, QStringLiteral("before"), Now - Day);
        QVERIFY(storage->insertApiKey(key));
        QVERIFY(storage->begin());
        std::optional<ApiKeyRecord> renamed = storage->apiKeyForUpdate(acme.id, key.id);
        QVERIFY(renamed);
        renamed->name = QStringLiteral("after");
        QVERIFY(storage->updateApiKey(*renamed));
        std::atomic<bool> otherRead{false}, otherCommitted{false};
        std::thread other([&] {
            auto own = db.open();
            if (!own || !own->begin())
                return;
            std::optional<ApiKeyRecord> disabled = own->apiKeyForUpdate(acme.id, key.id);
            otherRead = true;
            if (!disabled) {
                own->rollback();
                return;
            }
            disabled->enabled = false;
            otherCommitted = own->updateApiKey(*disabled) && own->commit();
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // time to read, had nothing stopped it
        const bool readBeforeCommit = otherRead;
        QVERIFY(storage->commit());
        other.join();
        QVERIFY2(!readBeforeCommit, "the second connection read the key while the first was changing it");
        QVERIFY(otherCommitted);
        const auto after = storage->apiKeyById(acme.id, key.id);
        QVERIFY(after);
        QCOMPARE(after->name, QStringLiteral("after"));
        QCOMPARE(after->enabled, false);
    }

    void postgres_failedStatement_doomsTheTransaction()
    {
        if (!onPostgres()) QSKIP("PostgreSQL only: SQLite keeps a transaction usable after a failed statement");
        OPEN_STORAGE(db, storage);
        const TenantRecord acme = makeTenant(*storage, QStringLiteral("Acme"));
        QVERIFY(storage->begin());
        makeTenant(*storage, QStringLiteral("would be lost"));
        QVERIFY(!storage->insertTenant(acme)); // duplicate id: PostgreSQL aborts the transaction
        QVERIFY(!storage->commit());           // and commit() says so rather than reporting success
        QVERIFY(!storage->tenantByName(QStringLiteral("would be lost")));
        QVERIFY(storage->tenantByName(QStringLiteral("Acme"))); // the connection is usable again
    }

    void postgres_droppedConnection_reconnectsOnNextTransaction()
    {
        if (!onPostgres()) QSKIP("PostgreSQL only");
        OPEN_STORAGE(db, storage);
        auto admin = db.open();
        const QVariant pid = sqlRow(*storage, QStringLiteral("SELECT pg_backend_pid()")).value(0);
        QVERIFY(pid.isValid());
        // What a database restart or failover does to every open connection.
        QVERIFY(execSql(*admin, QStringLiteral("SELECT pg_terminate_backend(?)"), {pid}));
        QVERIFY2(storage->begin(), qPrintable(storage->lastError()));
        makeTenant(*storage, QStringLiteral("after reconnect"));
        AuditRecord e = makeEvent(QString(), Now, QStringLiteral("api_key.request"));
        QVERIFY2(storage->appendAudit(e, &AuditChain::hashOf), qPrintable(storage->lastError()));
        QVERIFY(storage->commit());
        QVERIFY(admin->tenantByName(QStringLiteral("after reconnect")));
    }

    void postgres_databaseUrl_parsing()
    {
        QString error;
        auto location = PostgresStorage::parseUrl(QStringLiteral("postgresql://app@db.internal:6432/datarecs"), &error);
        QVERIFY(location);
        QCOMPARE(location->user, QStringLiteral("app"));
        QCOMPARE(location->host, QStringLiteral("db.internal"));
        QCOMPARE(location->port, 6432);
        QCOMPARE(location->database, QStringLiteral("datarecs"));
        location = PostgresStorage::parseUrl(QStringLiteral("postgres://app@db/datarecs?sslmode=require"), &error);
        QVERIFY(location);
        QCOMPARE(location->port, 5432);
        QCOMPARE(location->options, QStringList{QStringLiteral("sslmode=require")});
        QCOMPARE(location->display(), QStringLiteral("postgresql://app@db:5432/datarecs"));
        // A password on the command line is refused, and the message does not repeat it.
        QVERIFY(!PostgresStorage::parseUrl(QStringLiteral("postgresql://app:hunter2@db/datarecs"), &error));
        QVERIFY(error.contains(QStringLiteral("DATARECS_DATABASE_PASSWORD")));
        QVERIFY(!error.contains(QStringLiteral("hunter2")));
        QVERIFY(!PostgresStorage::parseUrl(QStringLiteral("postgresql://app@db/d?password=hunter2"), &error));
        QVERIFY(!PostgresStorage::parseUrl(QStringLiteral("postgresql://db/datarecs"), &error)); // no user
        QVERIFY(!PostgresStorage::parseUrl(QStringLiteral("postgresql://app@db"), &error));     // no database
        QVERIFY(!PostgresStorage::parseUrl(QStringLiteral("mysql://app@db/x"), &error));
    }

    void demoSeed_fillsAnEmptyStore_withoutKeepingSecrets()
    {
        OPEN_STORAGE(db, storage);
        ServerKeyring keyring;
        QString error;
        QVERIFY2(keyring.load(db.dataDir(), &error), qPrintable(error));

        QJsonObject credentials;
        QElapsedTimer timer;
        timer.start();
        QVERIFY2(DemoSeeder::seed(*storage, keyring, db.dataDir(), &credentials, &error), qPrintable(error));
        qInfo("demo seeding took %lld ms", qlonglong(timer.elapsed()));

        // A second run refuses: demo data never lands on top of real data.
        QJsonObject again;
        QVERIFY(!DemoSeeder::seed(*storage, keyring, db.dataDir(), &again, &error));
        QVERIFY(!error.isEmpty());

        const QList<TenantRecord> tenants = storage->tenants();
        QCOMPARE(tenants.size(), 2);
        QCOMPARE(tenants.at(0).name, QStringLiteral("Acme"));
        QCOMPARE(tenants.at(1).name, QStringLiteral("Globex"));

        // Credentials: the shape the README and the e2e tests rely on, and they name real users.
        const QString credentialsPath = QDir(db.dataDir()).filePath(QStringLiteral("demo-credentials.json"));
        QCOMPARE(QFile::permissions(credentialsPath) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QFile file(credentialsPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject onDisk = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(onDisk, credentials);
        const QJsonArray credTenants = credentials.value(QStringLiteral("tenants")).toArray();
        QCOMPARE(credTenants.size(), 2);
        QStringList passwords;
        for (const QJsonValue &t : credTenants) {
            const QJsonArray users = t.toObject().value(QStringLiteral("users")).toArray();
            QCOMPARE(users.size(), 3);
            QStringList roles;
            for (const QJsonValue &u : users) {
                const QJsonObject user = u.toObject();
                roles.append(user.value(QStringLiteral("role")).toString());
                const QString email = user.value(QStringLiteral("email")).toString();
                const auto record = storage->userByEmail(email);
                QVERIFY2(record, qPrintable(email));
                QVERIFY(record->passwordHash.startsWith(QLatin1StringView("$argon2id$")));
                passwords.append(user.value(QStringLiteral("password")).toString());
                QCOMPARE(passwords.last().size(), 20);
            }
            QCOMPARE(roles, QStringList({QStringLiteral("owner"), QStringLiteral("admin"),
                                         QStringLiteral("member")}));
        }
        QVERIFY(storage->userByEmail(QStringLiteral("owner@acme.test")));
        const auto member = storage->userByEmail(QStringLiteral("member@globex.test"));
        QVERIFY(member && member->platformRole.isEmpty());
        const auto memberRoles = storage->workspaceRolesOf(member->id);
        QCOMPARE(memberRoles.size(), 2);

        // Keys in every state the console shows.
        int totalKeys = 0;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const TenantRecord &t : tenants) {
            QVERIFY(storage->workspaces(t.id).size() >= 3);
            auto count = [&](const char *status) {
                ApiKeyQuery q;
                q.tenantId = t.id;
                q.status = QLatin1StringView(status);
                q.now = now;
                q.staleBefore = now - 90 * Day;
                q.rotationBefore = now - 90 * Day;
                q.limit = 200;
                return storage->apiKeys(q);
            };
            const auto keys = count("all");
            totalKeys += keys.size();
            QVERIFY(!count("disabled").isEmpty());
            QVERIFY(!count("stale").isEmpty());
            QVERIFY(!count("rotation_due").isEmpty());
            QSet<QString> roles;
            bool neverUsed = false, recentlyUsed = false, restricted = false;
            for (const ApiKeyRecord &k : keys) {
                roles.insert(k.role);
                neverUsed |= !k.lastUsedAt;
                recentlyUsed |= k.lastUsedAt && *k.lastUsedAt > now - 3600 * 1000;
                restricted |= !k.workspaceId.isEmpty() && !k.workspaceName.isEmpty();
                QVERIFY(k.hint.startsWith(QStringLiteral("drk_…")));
                QCOMPARE(k.createdByType, QStringLiteral("user"));
            }
            QVERIFY(neverUsed && recentlyUsed && restricted);
            QCOMPARE(roles.size(), 5);
            if (t.name == QLatin1StringView("Acme")) {
                QVERIFY(keys.size() >= 30);
                QVERIFY(!count("expired").isEmpty());
                bool expiringSoon = false;
                for (const ApiKeyRecord &k : keys)
                    expiringSoon |= k.expiresAt && *k.expiresAt > now && *k.expiresAt < now + 7 * Day;
                QVERIFY(expiringSoon);
            }
        }
        QVERIFY(totalKeys >= 25);

        // Months of history, in order, with an intact chain.
        const QVariantList stats =
            sqlRow(*storage,
                   QStringLiteral("SELECT COUNT(*), MIN(occurred_at), MAX(occurred_at) FROM audit_events"));
        const qint64 events = stats.value(0).toLongLong();
        qInfo("demo events: %lld over %.1f days", qlonglong(events),
              double(stats.value(2).toLongLong() - stats.value(1).toLongLong()) / Day);
        QVERIFY(events >= 10000);
        QVERIFY(stats.value(2).toLongLong() - stats.value(1).toLongLong() >= 115 * Day);
        QCOMPARE(sqlRow(*storage, QStringLiteral("SELECT COUNT(*) FROM audit_events a JOIN audit_events b "
                                                 "ON b.id = a.id + 1 WHERE b.occurred_at < a.occurred_at"))
                     .value(0)
                     .toLongLong(),
                 0);
        for (const char *action :
             {"auth.login", "api_key.create", "api_key.disable", "api_key.rotate", "api_key.request"}) {
            AuditQuery q;
            q.tenantId = tenants.at(0).id;
            q.action = QLatin1StringView(action);
            q.limit = 1;
            QVERIFY2(!storage->auditEvents(q).isEmpty(), action);
        }
        AuditQuery refused;
        refused.tenantId = tenants.at(0).id;
        refused.outcome = QStringLiteral("refused");
        QVERIFY(storage->auditEvents(refused).size() > 20);
        const AuditChain::VerifyResult verified = AuditChain::verifyAll(*storage);
        QVERIFY2(verified.ok, qPrintable(verified.reason));
        QCOMPARE(verified.checked, events);

        // No key value and no password anywhere in what is stored: SQLite's files (WAL included), or
        // every row of every PostgreSQL table as text.
        QList<QByteArray> stored;
        if (onPostgres()) {
            QSqlQuery tables(storage->connection());
            QVERIFY(tables.exec(QStringLiteral(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")));
            while (tables.next()) {
                QSqlQuery rows(storage->connection());
                QVERIFY(rows.exec(QStringLiteral("SELECT CAST(t AS TEXT) FROM %1 AS t").arg(tables.value(0).toString())));
                QByteArray bytes;
                while (rows.next())
                    bytes += rows.value(0).toString().toUtf8() + '\n';
                stored.append(bytes);
            }
        }
        storage.reset();
        QDir dir(db.dataDir());
        for (const QString &name : dir.entryList({QStringLiteral("datarecs.db*")}, QDir::Files)) {
            QFile dbFile(dir.filePath(name));
            QVERIFY(dbFile.open(QIODevice::ReadOnly));
            stored.append(dbFile.readAll());
        }
        const QRegularExpression keyShape(QStringLiteral("drk_[0-9A-Za-z]{36}"));
        int scanned = 0;
        for (const QByteArray &bytes : std::as_const(stored)) {
            const QString latin = QString::fromLatin1(bytes);
            auto it = keyShape.globalMatch(latin);
            while (it.hasNext()) {
                const QString candidate = it.next().captured();
                QVERIFY2(!KeyFormat::isValid(candidate), "a key value is stored in the database");
            }
            for (const QString &password : std::as_const(passwords))
                QVERIFY2(!bytes.contains(password.toLatin1()), "a password is stored in the database");
            ++scanned;
        }
        QVERIFY(scanned >= 1);
    }
};

QTEST_GUILESS_MAIN(tst_Storage)
#include "tst_storage.moc"
