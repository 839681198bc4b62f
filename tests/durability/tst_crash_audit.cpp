// The audit log never loses an acknowledged request: key-authenticated load, SIGKILL mid-load, restart
// on the same data, and every request that got a 2xx is on record (matched by X-Request-Id) in a chain
// that still verifies. Runs on SQLite, or on PostgreSQL with DATARECS_TEST_DATABASE=postgres.

#include "PostgresTestDatabase.h"
#include "ServerProcess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace datarecs::test;

class tst_CrashAudit : public QObject
{
    Q_OBJECT

private slots:
    void sigkillMidLoad_loses_noAcknowledgedAuditRecord()
    {
        const bool postgres = qEnvironmentVariable("DATARECS_TEST_DATABASE") == QLatin1StringView("postgres");
        qInfo("backend: %s", postgres ? "postgres" : "sqlite");
        std::unique_ptr<PostgresTestDatabase> database;
        QStringList storageOptions;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        storageOptions << QStringLiteral("--data-dir") << dir.path();
        if (postgres) {
            if (!PostgresTestDatabase::configured())
                QSKIP(PostgresTestDatabase::skipMessage());
            database = std::make_unique<PostgresTestDatabase>();
            QVERIFY2(database->isValid(), qPrintable(database->error()));
            storageOptions << QStringLiteral("--database") << database->url();
        }

        const CommandRun init = runServerCommand(QStringList{QStringLiteral("init")} + storageOptions
                                                 + QStringList{QStringLiteral("--tenant"), QStringLiteral("Acme"),
                                                               QStringLiteral("--owner-email"), QStringLiteral("owner@acme.test")});
        QVERIFY2(init.exitCode == 0, qPrintable(init.err));
        ServerProcess server;
        QVERIFY2(server.start(storageOptions), qPrintable(server.error()));

        Client client;
        const QByteArray loginBody = QJsonDocument(QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@acme.test")},
                                                               {QStringLiteral("password"), ownerPasswordFrom(init.out)}})
                                         .toJson(QJsonDocument::Compact);
        const Exchange login = client.call("POST", server.url(QStringLiteral("/v1/auth/login")), {}, loginBody);
        QCOMPARE(login.status, 200);
        const QByteArray session = login.json().value(QStringLiteral("token")).toString().toLatin1();
        const Exchange created = client.call("POST", server.url(QStringLiteral("/v1/api-keys")), session,
                                             R"({"name":"load","role":"admin"})");
        QCOMPARE(created.status, 201);
        const QByteArray secret = created.json().value(QStringLiteral("secret")).toString().toLatin1();
        const QString keyId = created.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();

        // Load: a steady number of GET /v1/me in flight; the server is killed once KillAfter have been
        // acknowledged, while the rest are still on the wire.
        constexpr int InFlight = 24, KillAfter = 1500, MaxRequests = 20000;
        QSet<QByteArray> acknowledged;
        int sent = 0, unanswered = 0, otherStatus = 0;
        bool killed = false;
        std::function<void()> sendOne = [&] {
            ++sent;
            client.send("GET", server.url(QStringLiteral("/v1/me")), secret, {}, {}, [&](const Exchange &e) {
                if (e.status >= 200 && e.status < 300)
                    acknowledged.insert(e.requestId);
                else if (e.status == 0)
                    ++unanswered;
                else
                    ++otherStatus;
                if (!killed && acknowledged.size() >= KillAfter) {
                    killed = true;
                    server.kill();
                }
                if (!killed && sent < MaxRequests)
                    sendOne();
            });
        };
        for (int i = 0; i < InFlight; ++i)
            sendOne();
        QVERIFY(client.wait(120000));
        QVERIFY(killed);
        QCOMPARE(otherStatus, 0);
        QVERIFY(!acknowledged.contains(QByteArray()));

        // Restart on the same data and read the key's history back through the API.
        QVERIFY2(server.start(storageOptions), qPrintable(server.error()));
        QSet<QByteArray> audited;
        QString cursor;
        for (int page = 0; page < 200; ++page) {
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("api_key_id"), keyId);
            query.addQueryItem(QStringLiteral("action"), QStringLiteral("api_key.request"));
            query.addQueryItem(QStringLiteral("limit"), QStringLiteral("500"));
            if (!cursor.isEmpty())
                query.addQueryItem(QStringLiteral("cursor"), cursor);
            const Exchange events = client.call(
                "GET", server.url(QStringLiteral("/v1/audit-events?") + query.toString(QUrl::FullyEncoded)), session);
            QCOMPARE(events.status, 200);
            for (const QJsonValue &event : events.json().value(QStringLiteral("items")).toArray())
                audited.insert(event.toObject().value(QStringLiteral("request_id")).toString().toLatin1());
            cursor = events.json().value(QStringLiteral("next_cursor")).toString();
            if (cursor.isEmpty())
                break;
        }
        QSet<QByteArray> missing = acknowledged;
        missing.subtract(audited);
        qInfo("SIGKILL after %d acknowledged: %d requests sent, %lld acknowledged (2xx), %d unanswered, "
              "%lld audited, %lld acknowledged but not audited",
              KillAfter, sent, qlonglong(acknowledged.size()), unanswered, qlonglong(audited.size()),
              qlonglong(missing.size()));
        QVERIFY2(missing.isEmpty(), missing.isEmpty() ? "" : missing.cbegin()->constData());
        // Every audited request was either acknowledged or cut off by the kill; nothing else is on record.
        QVERIFY(audited.size() <= acknowledged.size() + unanswered);

        const Exchange verified = client.call("GET", server.url(QStringLiteral("/v1/audit-events/verify")), session);
        QVERIFY2(verified.json().value(QStringLiteral("ok")).toBool(), verified.body.constData());
        server.stop();
        const CommandRun verify = runServerCommand(QStringList{QStringLiteral("audit-verify")} + storageOptions);
        qInfo("%s", qPrintable(verify.out.trimmed().section(u'\n', -1)));
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
    }
};

QTEST_GUILESS_MAIN(tst_CrashAudit)
#include "tst_crash_audit.moc"
