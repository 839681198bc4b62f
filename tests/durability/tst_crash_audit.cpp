// The audit log never loses an acknowledged request: key-authenticated load, SIGKILL mid-load, restart
// on the same data, and every request that got a 2xx is on record (matched by X-Request-Id) in a chain
// that still verifies. Runs on SQLite, or on PostgreSQL with DATARECS_TEST_DATABASE=postgres. And an
// export the database stops answering half-way is cut off, never ended as if it were complete.

#include "PostgresTestDatabase.h"
#include "ServerProcess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
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

    void databaseLostMidExport_cutsTheExportOff()
    {
        if (qEnvironmentVariable("DATARECS_TEST_DATABASE") != QLatin1StringView("postgres"))
            QSKIP("PostgreSQL only: the test cuts the server's database connection");
        if (!PostgresTestDatabase::configured())
            QSKIP(PostgresTestDatabase::skipMessage());
        PostgresTestDatabase database;
        QVERIFY2(database.isValid(), qPrintable(database.error()));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QStringList storageOptions{QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--database"),
                                         database.url()};
        const CommandRun init = runServerCommand(QStringList{QStringLiteral("init")} + storageOptions
                                                 + QStringList{QStringLiteral("--tenant"), QStringLiteral("Acme"),
                                                               QStringLiteral("--owner-email"), QStringLiteral("owner@acme.test")});
        QVERIFY2(init.exitCode == 0, qPrintable(init.err));
        ServerProcess server;
        QVERIFY2(server.start(storageOptions), qPrintable(server.error()));
        Client client;
        const Exchange login = client.call("POST", server.url(QStringLiteral("/v1/auth/login")), {},
                                           QJsonDocument(QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@acme.test")},
                                                                     {QStringLiteral("password"), ownerPasswordFrom(init.out)}})
                                               .toJson(QJsonDocument::Compact));
        QCOMPARE(login.status, 200);
        const QByteArray session = login.json().value(QStringLiteral("token")).toString().toLatin1();
        const QString tenantId = client.call("GET", server.url(QStringLiteral("/v1/me")), session)
                                     .json().value(QStringLiteral("tenant")).toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!tenantId.isEmpty());

        // An export of some 25 MB, written straight into the table (the export does not check hashes):
        // far more than the connection's buffers hold, so the server is still streaming when the test
        // stops reading.
        QSqlDatabase admin = database.connection(QStringLiteral("export-admin"));
        QVERIFY2(admin.open(), "cannot connect to the test database");
        const auto closeAdmin = qScopeGuard([&admin] { admin.close(); });
        QSqlQuery fill(admin);
        QVERIFY(fill.prepare(QStringLiteral(
            "INSERT INTO audit_events (tenant_id, occurred_at, actor_type, actor_id, action, outcome, user_agent, "
            "prev_hash, hash) SELECT ?, CAST(? AS BIGINT) + i, 'user', 'usr_filler0000000000', 'api_key.request', "
            "'success', repeat('u', 300), repeat('0', 64), repeat('0', 64) FROM generate_series(1, 30000) AS i")));
        fill.addBindValue(tenantId);
        fill.addBindValue(QDateTime::currentMSecsSinceEpoch());
        QVERIFY2(fill.exec(), "cannot fill audit_events");

        const QUrl base(server.url(QString()));
        QTcpSocket socket;
        socket.connectToHost(base.host(), quint16(base.port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /v1/audit-events/export?format=ndjson HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                     + session + "\r\nConnection: close\r\n\r\n");
        QByteArray received;
        while (received.size() < 100000 && socket.waitForReadyRead(10000))
            received += socket.readAll();
        QVERIFY2(received.startsWith("HTTP/1.1 200"), received.left(300).constData());
        QVERIFY(received.contains("Transfer-Encoding: chunked"));

        // What a database restart or failover does to the server's connection, while it waits for the
        // client to take more.
        QTest::qSleep(300);
        QSqlQuery cut(admin);
        QVERIFY(cut.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = current_database() AND pid <> pg_backend_pid()")));
        const QByteArray lastChunk = "\r\n0\r\n\r\n";
        QElapsedTimer reading;
        reading.start();
        while (socket.state() == QAbstractSocket::ConnectedState && !received.endsWith(lastChunk)
               && reading.elapsed() < 30000) {
            socket.waitForReadyRead(1000);
            received += socket.readAll();
        }
        // No last chunk, and the connection closed: an HTTP client reports the transfer as failed, and
        // does not keep a partial file.
        QVERIFY2(!received.endsWith(lastChunk),
                 qPrintable(QStringLiteral("the export ended as if complete after %1 bytes").arg(received.size())));
        QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);
        QVERIFY(received.size() < 25'000'000);

        // The next request reconnects, and the export works again.
        QCOMPARE(client.call("GET", server.url(QStringLiteral("/v1/audit-events?limit=1")), session).status, 200);
    }
};

QTEST_GUILESS_MAIN(tst_CrashAudit)
#include "tst_crash_audit.moc"
