// Two datarecs-server instances on one PostgreSQL database, driven at once: nothing that decides
// correctness may live in one process's memory. The key quota holds, an Idempotency-Key sent to both
// instances creates one key, the audit chain both instances extend still verifies, and two changes to
// one key made on both instances at once do not undo each other.

#include "PostgresTestDatabase.h"
#include "ServerProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QScopeGuard>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace datarecs::test;

namespace {

/// `init` of tenant Acme in root/a on the database at url, then a copy of its keyring in root/b: that is
/// how a second machine joins (the keyring seals key HMACs and idempotency replies, so both need the
/// same one). Returns the Owner's password, or an empty string after a failed QVERIFY.
QString initTwoDataDirs(const QString &url, const QTemporaryDir &root)
{
    const QString dirA = root.filePath(QStringLiteral("a")), dirB = root.filePath(QStringLiteral("b"));
    const CommandRun init = runServerCommand({QStringLiteral("init"), QStringLiteral("--data-dir"), dirA,
                                              QStringLiteral("--database"), url, QStringLiteral("--tenant"),
                                              QStringLiteral("Acme"), QStringLiteral("--owner-email"),
                                              QStringLiteral("owner@acme.test")});
    [&] {
        QVERIFY2(init.exitCode == 0, qPrintable(init.err));
        QVERIFY(QDir().mkpath(dirB));
        for (const char *file : {"master.key", "server-secret.sealed"})
            QVERIFY(QFile::copy(QDir(dirA).filePath(QLatin1StringView(file)), QDir(dirB).filePath(QLatin1StringView(file))));
    }();
    return QTest::currentTestFailed() ? QString() : ownerPasswordFrom(init.out);
}

QByteArray loginAsOwner(Client &client, const ServerProcess &server, const QString &password)
{
    const Exchange login = client.call("POST", server.url(QStringLiteral("/v1/auth/login")), {},
                                       QJsonDocument(QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@acme.test")},
                                                                 {QStringLiteral("password"), password}})
                                           .toJson(QJsonDocument::Compact));
    return login.status == 200 ? login.json().value(QStringLiteral("token")).toString().toLatin1() : QByteArray();
}

} // namespace

class tst_MultiInstance : public QObject
{
    Q_OBJECT

private slots:
    void twoInstances_shareQuotaIdempotencyAndAuditChain()
    {
        if (!PostgresTestDatabase::configured())
            QSKIP(PostgresTestDatabase::skipMessage());
        PostgresTestDatabase database;
        QVERIFY2(database.isValid(), qPrintable(database.error()));
        const QString url = database.url();

        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString dirA = root.filePath(QStringLiteral("a")), dirB = root.filePath(QStringLiteral("b"));
        const QString password = initTwoDataDirs(url, root);
        QVERIFY(!password.isEmpty());

        constexpr int Quota = 6;
        auto setQuota = [&](int limit) {
            const CommandRun r = runServerCommand({QStringLiteral("set-quota"), QStringLiteral("--data-dir"), dirA,
                                                   QStringLiteral("--database"), url, QStringLiteral("--tenant"),
                                                   QStringLiteral("Acme"), QStringLiteral("--limit"),
                                                   QString::number(limit)});
            return r.exitCode == 0;
        };
        QVERIFY(setQuota(Quota));

        ServerProcess a, b;
        QVERIFY2(a.start({QStringLiteral("--data-dir"), dirA, QStringLiteral("--database"), url}), qPrintable(a.error()));
        QVERIFY2(b.start({QStringLiteral("--data-dir"), dirB, QStringLiteral("--database"), url}), qPrintable(b.error()));
        const ServerProcess *instances[] = {&a, &b};

        Client client;
        const QByteArray session = loginAsOwner(client, a, password);
        QVERIFY(!session.isEmpty());
        // The session lives in the database, so the other instance accepts it too.
        QCOMPARE(client.call("GET", b.url(QStringLiteral("/v1/me")), session).status, 200);

        // 1. Quota: far more creates than the quota allows, half to each instance, all in flight at once.
        constexpr int Creates = 30;
        QMap<int, int> statuses;
        for (int i = 0; i < Creates; ++i) {
            const QByteArray body = QStringLiteral(R"({"name":"race %1","role":"workspace_viewer"})").arg(i).toUtf8();
            client.send("POST", instances[i % 2]->url(QStringLiteral("/v1/api-keys")), session, body, {},
                        [&statuses](const Exchange &e) { ++statuses[e.status]; });
        }
        QVERIFY(client.wait());
        qInfo("quota race: %d creates, quota %d -> %d created, %d refused (quota-exceeded), others: %d", Creates,
              Quota, statuses.value(201), statuses.value(409), Creates - statuses.value(201) - statuses.value(409));
        QCOMPARE(statuses.value(201), Quota);
        QCOMPARE(statuses.value(409), Creates - Quota);
        const Exchange quota = client.call("GET", b.url(QStringLiteral("/v1/quota")), session);
        QCOMPARE(quota.json().value(QStringLiteral("used")).toInt(), Quota);

        // 2. Idempotency: each Idempotency-Key sent four times (twice to each instance) at once.
        QVERIFY(setQuota(1000));
        constexpr int IdempotencyKeys = 10, SendsPerKey = 4;
        QMap<QString, QStringList> keyIdsByIdempotencyKey;
        QMap<QString, int> firstAnswers; // responses that were not replays
        int otherStatuses = 0;
        for (int send = 0; send < SendsPerKey; ++send) {
            for (int k = 0; k < IdempotencyKeys; ++k) {
                const QString idem = QStringLiteral("multi-instance-%1").arg(k);
                const QByteArray body = QStringLiteral(R"({"name":"idempotent %1","role":"workspace_viewer"})").arg(k).toUtf8();
                client.send("POST", instances[(send + k) % 2]->url(QStringLiteral("/v1/api-keys")), session, body,
                            {{"Idempotency-Key", idem.toLatin1()}}, [&, idem](const Exchange &e) {
                                if (e.status != 201) {
                                    ++otherStatuses;
                                    qWarning("idempotent create answered %d: %s", e.status, e.body.constData());
                                    return;
                                }
                                keyIdsByIdempotencyKey[idem].append(
                                    e.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString());
                                if (!e.replayed)
                                    ++firstAnswers[idem];
                            });
            }
        }
        QVERIFY(client.wait());
        QCOMPARE(otherStatuses, 0);
        QCOMPARE(keyIdsByIdempotencyKey.size(), IdempotencyKeys);
        for (auto it = keyIdsByIdempotencyKey.cbegin(); it != keyIdsByIdempotencyKey.cend(); ++it) {
            QCOMPARE(it.value().size(), SendsPerKey);
            QCOMPARE(QSet<QString>(it.value().cbegin(), it.value().cend()).size(), 1); // one key, every answer
            QCOMPARE(firstAnswers.value(it.key()), 1);                                 // the rest are replays
        }
        const int usedAfter = client.call("GET", a.url(QStringLiteral("/v1/quota")), session)
                                  .json().value(QStringLiteral("used")).toInt();
        QCOMPARE(usedAfter, Quota + IdempotencyKeys);
        qInfo("idempotency: %d keys x %d sends across both instances -> %d keys created", IdempotencyKeys, SendsPerKey,
              usedAfter - Quota);

        // 3. Key-authenticated traffic on both instances at once extends one audit chain.
        const Exchange created = client.call("POST", a.url(QStringLiteral("/v1/api-keys")), session,
                                             R"({"name":"load","role":"admin"})");
        QCOMPARE(created.status, 201);
        const QByteArray secret = created.json().value(QStringLiteral("secret")).toString().toLatin1();
        constexpr int KeyRequests = 200;
        int keyOk = 0;
        for (int i = 0; i < KeyRequests; ++i)
            client.send("GET", instances[i % 2]->url(QStringLiteral("/v1/me")), secret, {}, {},
                        [&keyOk](const Exchange &e) { keyOk += e.status == 200; });
        QVERIFY(client.wait());
        QCOMPARE(keyOk, KeyRequests);

        const Exchange verified = client.call("GET", b.url(QStringLiteral("/v1/audit-events/verify")), session);
        QCOMPARE(verified.status, 200);
        QVERIFY2(verified.json().value(QStringLiteral("ok")).toBool(), verified.body.constData());
        a.stop();
        b.stop();
        const CommandRun verify = runServerCommand({QStringLiteral("audit-verify"), QStringLiteral("--data-dir"), dirA,
                                                    QStringLiteral("--database"), url});
        qInfo("%s", qPrintable(verify.out.trimmed()));
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
        QVERIFY(verify.out.contains(QStringLiteral("audit log intact")));
    }

    void twoInstances_concurrentChangesToOneKey_doNotUndoEachOther()
    {
        if (!PostgresTestDatabase::configured())
            QSKIP(PostgresTestDatabase::skipMessage());
        PostgresTestDatabase database;
        QVERIFY2(database.isValid(), qPrintable(database.error()));
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString password = initTwoDataDirs(database.url(), root);
        QVERIFY(!password.isEmpty());
        ServerProcess a, b;
        QVERIFY2(a.start({QStringLiteral("--data-dir"), root.filePath(QStringLiteral("a")), QStringLiteral("--database"),
                          database.url()}),
                 qPrintable(a.error()));
        QVERIFY2(b.start({QStringLiteral("--data-dir"), root.filePath(QStringLiteral("b")), QStringLiteral("--database"),
                          database.url()}),
                 qPrintable(b.error()));
        Client client;
        const QByteArray session = loginAsOwner(client, a, password);
        QVERIFY(!session.isEmpty());
        const QString tenantId = client.call("GET", a.url(QStringLiteral("/v1/me")), session)
                                     .json().value(QStringLiteral("tenant")).toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!tenantId.isEmpty());

        // A connection of the test's own holds the tenant's audit-chain lock (advisory lock 1 on the
        // tenant id, see PostgresStorage), which every change to a key takes before reading the key: held
        // here, instance A's change stops there, and instance B's change to the same key arrives
        // meanwhile. Released, one goes first and the other reads the key as the first left it.
        QSqlDatabase holder = database.connection(QStringLiteral("lock-holder"));
        QVERIFY2(holder.open(), "cannot connect to the test database");
        // Closed before the servers stop, so a failed check never leaves them waiting for the lock.
        const auto closeHolder = qScopeGuard([&holder] { holder.close(); });
        const auto holdChain = [&holder, &tenantId] { // until holder.commit()
            QVERIFY(holder.transaction());
            QSqlQuery lock(holder);
            QVERIFY(lock.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(1, hashtext(CAST(? AS TEXT)))")));
            lock.addBindValue(tenantId);
            QVERIFY(lock.exec());
        };
        const auto waitingForLocks = [&holder] {
            QSqlQuery q(holder);
            q.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND wait_event_type = 'Lock'"));
            return q.next() ? q.value(0).toInt() : -1;
        };
        struct Change
        {
            QByteArray method;
            QString path;
            QByteArray body;
        };
        const auto race = [&](const Change &first, const Change &second, Exchange *onA, Exchange *onB) {
            holdChain();
            client.send(first.method, a.url(first.path), session, first.body, {}, [onA](const Exchange &e) { *onA = e; });
            QVERIFY2(QTest::qWaitFor([&] { return waitingForLocks() == 1; }, 10000), "instance A never waited");
            client.send(second.method, b.url(second.path), session, second.body, {}, [onB](const Exchange &e) { *onB = e; });
            // B waits too, behind A.
            QVERIFY2(QTest::qWaitFor([&] { return waitingForLocks() >= 2; }, 10000), "instance B never waited");
            QVERIFY(holder.commit());
            QVERIFY(client.wait());
        };
        const auto createKey = [&](const QString &name) {
            const Exchange created = client.call("POST", a.url(QStringLiteral("/v1/api-keys")), session,
                                                 QStringLiteral(R"({"name":"%1","role":"workspace_viewer"})").arg(name).toUtf8());
            return created.json();
        };

        // 1. A renames the key while B disables it: the key ends renamed and disabled.
        const QString renamed = createKey(QStringLiteral("before rename")).value(QStringLiteral("api_key")).toObject()
                                    .value(QStringLiteral("id")).toString();
        QVERIFY(!renamed.isEmpty());
        Exchange rename, disable;
        race({"PATCH", QStringLiteral("/v1/api-keys/") + renamed, R"({"name":"after rename"})"},
             {"POST", QStringLiteral("/v1/api-keys/%1/disable").arg(renamed), {}}, &rename, &disable);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(rename.status, 200);
        QCOMPARE(disable.status, 200);
        const QJsonObject afterBoth = client.call("GET", a.url(QStringLiteral("/v1/api-keys/") + renamed), session).json();
        QCOMPARE(afterBoth.value(QStringLiteral("name")).toString(), QStringLiteral("after rename"));
        QCOMPARE(afterBoth.value(QStringLiteral("status")).toString(), QStringLiteral("disabled"));

        // 2. A deletes the key while B renames it: the key stays deleted, and its value stays refused.
        const QJsonObject doomed = createKey(QStringLiteral("to delete"));
        const QString deletedId = doomed.value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        const QByteArray secret = doomed.value(QStringLiteral("secret")).toString().toLatin1();
        QVERIFY(!deletedId.isEmpty());
        Exchange removal, lateRename;
        race({"DELETE", QStringLiteral("/v1/api-keys/") + deletedId, {}},
             {"PATCH", QStringLiteral("/v1/api-keys/") + deletedId, R"({"name":"renamed after delete"})"}, &removal,
             &lateRename);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(removal.status, 204);
        QCOMPARE(lateRename.status, 404);
        QCOMPARE(client.call("GET", b.url(QStringLiteral("/v1/api-keys/") + deletedId), session).status, 404);
        QCOMPARE(client.call("GET", b.url(QStringLiteral("/v1/me")), secret).status, 401);

        // 3. A disables a key while B serves a request made with it, as when a leaked key is stopped
        // while it is in use. B's request writes the key's last use when it commits, after its audit
        // record; if A held the key's row while waiting for the chain, the two would deadlock and
        // PostgreSQL would break one of them after a second.
        const auto deadlocks = [&holder] {
            QSqlQuery q(holder);
            q.exec(QStringLiteral("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"));
            return q.next() ? q.value(0).toLongLong() : -1;
        };
        const qint64 deadlocksBefore = deadlocks();
        for (int round = 0; round < 3; ++round) {
            const QJsonObject inUse = createKey(QStringLiteral("in use %1").arg(round));
            const QString inUseId = inUse.value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
            const QByteArray inUseSecret = inUse.value(QStringLiteral("secret")).toString().toLatin1();
            QVERIFY(!inUseId.isEmpty());
            holdChain();
            // B first, so that the chain goes to B first when it is released (its waiters are served in
            // turn), while A has read the key meanwhile.
            Exchange stop, use;
            client.send("GET", b.url(QStringLiteral("/v1/me")), inUseSecret, {}, {}, [&use](const Exchange &e) { use = e; });
            QVERIFY2(QTest::qWaitFor([&] { return waitingForLocks() == 1; }, 10000), "instance B never waited");
            client.send("POST", a.url(QStringLiteral("/v1/api-keys/%1/disable").arg(inUseId)), session, {}, {},
                        [&stop](const Exchange &e) { stop = e; });
            QVERIFY2(QTest::qWaitFor([&] { return waitingForLocks() >= 2; }, 10000), "instance A never waited");
            QVERIFY(holder.commit());
            QVERIFY(client.wait());
            QCOMPARE(stop.status, 200);
            QVERIFY2(use.status == 200 || use.status == 401, qPrintable(QString::number(use.status)));
            QCOMPARE(client.call("GET", a.url(QStringLiteral("/v1/me")), inUseSecret).status, 401);
        }
        QCOMPARE(deadlocks(), deadlocksBefore);

        // 4. The same with a key listing keys: the listing writes the caller's last use (the stale filter
        // reads it in SQL) before its audit record, so it too must take the chain before that row.
        for (int round = 0; round < 3; ++round) {
            const Exchange created = client.call("POST", a.url(QStringLiteral("/v1/api-keys")), session,
                                                 QStringLiteral(R"({"name":"lister %1","role":"admin"})").arg(round).toUtf8());
            const QString listerId = created.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
            const QByteArray listerSecret = created.json().value(QStringLiteral("secret")).toString().toLatin1();
            QVERIFY(!listerId.isEmpty());
            holdChain();
            Exchange stop, list;
            client.send("POST", b.url(QStringLiteral("/v1/api-keys/%1/disable").arg(listerId)), session, {}, {},
                        [&stop](const Exchange &e) { stop = e; });
            QVERIFY2(QTest::qWaitFor([&] { return waitingForLocks() == 1; }, 10000), "instance B never waited");
            client.send("GET", a.url(QStringLiteral("/v1/api-keys")), listerSecret, {}, {}, [&list](const Exchange &e) { list = e; });
            QVERIFY2(QTest::qWaitFor([&] { return waitingForLocks() >= 2; }, 10000), "instance A never waited");
            QVERIFY(holder.commit());
            QVERIFY(client.wait());
            QCOMPARE(stop.status, 200);
            QVERIFY2(list.status == 200 || list.status == 401, qPrintable(QString::number(list.status)));
        }
        QCOMPARE(deadlocks(), deadlocksBefore);
    }

    void unreachableDatabase_isOneClearLine()
    {
        QTemporaryDir dir;
        // A loopback port nobody listens on: a refused connection, reported at once.
        const CommandRun r = runServerCommand({QStringLiteral("audit-verify"), QStringLiteral("--data-dir"), dir.path(),
                                               QStringLiteral("--database"),
                                               QStringLiteral("postgresql://datarecs@127.0.0.1:1/datarecs")});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err.count(u'\n'), 1);
        QVERIFY2(r.err.startsWith(QStringLiteral("datarecs-server: cannot connect to postgresql://datarecs@127.0.0.1:1/datarecs")),
                 qPrintable(r.err));
        const CommandRun withPassword = runServerCommand(
            {QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--database"),
             QStringLiteral("postgresql://datarecs:hunter2@127.0.0.1:1/datarecs")});
        QCOMPARE(withPassword.exitCode, 1);
        QVERIFY(withPassword.err.contains(QStringLiteral("DATARECS_DATABASE_PASSWORD")));
        QVERIFY(!withPassword.err.contains(QStringLiteral("hunter2")));
    }
};

QTEST_GUILESS_MAIN(tst_MultiInstance)
#include "tst_multi_instance.moc"
