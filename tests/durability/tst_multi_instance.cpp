// Two datarecs-server instances on one PostgreSQL database, driven at once: nothing that decides
// correctness may live in one process's memory. The key quota holds, an Idempotency-Key sent to both
// instances creates one key, and the audit chain both instances extend still verifies.

#include "PostgresTestDatabase.h"
#include "ServerProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace datarecs::test;

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

        // Instance A's data directory, then a copy of its keyring for instance B: that is how a second
        // machine joins (the keyring seals key HMACs and idempotency replies, so both need the same one).
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString dirA = root.filePath(QStringLiteral("a")), dirB = root.filePath(QStringLiteral("b"));
        const CommandRun init = runServerCommand({QStringLiteral("init"), QStringLiteral("--data-dir"), dirA,
                                                  QStringLiteral("--database"), url, QStringLiteral("--tenant"),
                                                  QStringLiteral("Acme"), QStringLiteral("--owner-email"),
                                                  QStringLiteral("owner@acme.test")});
        QVERIFY2(init.exitCode == 0, qPrintable(init.err));
        const QString password = ownerPasswordFrom(init.out);
        QVERIFY(!password.isEmpty());
        QVERIFY(QDir().mkpath(dirB));
        for (const char *file : {"master.key", "server-secret.sealed"})
            QVERIFY(QFile::copy(QDir(dirA).filePath(QLatin1StringView(file)), QDir(dirB).filePath(QLatin1StringView(file))));

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
        const Exchange login = client.call("POST", a.url(QStringLiteral("/v1/auth/login")), {},
                                           QJsonDocument(QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@acme.test")},
                                                                     {QStringLiteral("password"), password}})
                                               .toJson(QJsonDocument::Compact));
        QCOMPARE(login.status, 200);
        const QByteArray session = login.json().value(QStringLiteral("token")).toString().toLatin1();
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
