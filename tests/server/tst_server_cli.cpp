// The datarecs-server command line as an operator meets it: help, clear refusals of bad arguments,
// unusable directories and taken ports, init printing the Owner's password once, TLS, tampering
// caught by audit-verify, and quotas set from the command line.
#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSslError>
#include <QTcpServer>
#include <QTcpSocket>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

class ServerCli : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Run run(const QStringList &arguments, int timeoutMs = 60000)
    {
        QProcess p;
        p.start(QStringLiteral(DATARECS_SERVER_BINARY), arguments);
        p.waitForFinished(timeoutMs);
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }

    /// Starts `serve` and waits for its "listening" line; the process is returned running.
    static std::unique_ptr<QProcess> serve(const QStringList &extra, QString *url)
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessChannelMode(QProcess::SeparateChannels);
        p->start(QStringLiteral(DATARECS_SERVER_BINARY), QStringList{QStringLiteral("serve")} + extra);
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60000 && p->state() != QProcess::NotRunning) {
            p->waitForReadyRead(200);
            out += p->readAllStandardOutput();
            const qsizetype at = out.indexOf("listening on ");
            if (at >= 0 && out.indexOf('\n', at) > 0) {
                *url = QString::fromUtf8(out.mid(at + 13, out.indexOf('\n', at) - at - 13));
                return p;
            }
        }
        return p;
    }

    static QByteArray get(const QString &url, int *status, bool ignoreSslErrors = false)
    {
        QNetworkAccessManager nam;
        QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(url)));
        if (ignoreSslErrors)
            QObject::connect(reply, &QNetworkReply::sslErrors, reply, [reply] { reply->ignoreSslErrors(); });
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(20000);
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        delete reply;
        return body;
    }


    struct Reply
    {
        int status = 0;
        QByteArray body;
        QByteArray retryAfter;
    };

    static Reply send(const QByteArray &method, const QString &url, const QByteArray &body = {},
                      const QByteArray &bearer = {})
    {
        QNetworkAccessManager nam;
        QNetworkRequest request{QUrl(url)};
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer);
        QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(20000);
        Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
                reply->rawHeader("Retry-After")};
        if (r.status == 0)
            r.body = reply->errorString().toUtf8();
        delete reply;
        return r;
    }

    static QByteArray loginBody(const QString &email, const QString &password)
    {
        return QJsonDocument(QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}})
            .toJson(QJsonDocument::Compact);
    }

    /// Sends raw bytes on a fresh connection and returns whatever the server answers before closing.
    static QByteArray raw(quint16 port, const QByteArray &bytes, int waitMs)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(5000))
            return {};
        socket.write(bytes);
        socket.flush();
        QByteArray answer;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < waitMs && socket.state() == QAbstractSocket::ConnectedState) {
            socket.waitForReadyRead(100);
            answer += socket.readAll();
        }
        return answer + socket.readAll();
    }

    static QJsonObject demoAccounts(const QString &dir)
    {
        QFile f(QDir(dir).filePath(QStringLiteral("demo-credentials.json")));
        f.open(QIODevice::ReadOnly);
        return QJsonDocument::fromJson(f.readAll()).object();
    }
    static QString demoPassword(const QJsonObject &accounts, const QString &email)
    {
        for (const QJsonValue &t : accounts.value(QStringLiteral("tenants")).toArray()) {
            for (const QJsonValue &u : t.toObject().value(QStringLiteral("users")).toArray()) {
                if (u.toObject().value(QStringLiteral("email")).toString() == email)
                    return u.toObject().value(QStringLiteral("password")).toString();
            }
        }
        return {};
    }

    static void stop(QProcess &p)
    {
        p.terminate();
        if (!p.waitForFinished(10000))
            p.kill();
    }

private slots:
    void help_onEveryCommand()
    {
        const Run overview = run({QStringLiteral("--help")});
        QCOMPARE(overview.exitCode, 0);
        for (const char *command : {"serve", "init", "audit-verify", "set-quota"}) {
            QVERIFY2(overview.out.contains(QLatin1StringView(command)), command);
            const Run help = run({QLatin1StringView(command), QStringLiteral("--help")});
            QCOMPARE(help.exitCode, 0);
            QVERIFY2(help.out.contains(QStringLiteral("--data-dir")), command);
            QVERIFY2(help.out.contains(QStringLiteral("Example")), command);
        }
    }

    void badArguments_exitTwoWithAReason()
    {
        const Run noCommand = run({});
        QCOMPARE(noCommand.exitCode, 2);
        const Run unknown = run({QStringLiteral("launch")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains(QStringLiteral("unknown command 'launch'")));
        const Run badOption = run({QStringLiteral("serve"), QStringLiteral("--data-dri"), QStringLiteral("x")});
        QCOMPARE(badOption.exitCode, 2);
        QVERIFY(badOption.err.contains(QStringLiteral("data-dri")));
        QTemporaryDir dir;
        const Run badListen = run({QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(),
                                   QStringLiteral("--listen"), QStringLiteral("nowhere")});
        QCOMPARE(badListen.exitCode, 2);
        QVERIFY(badListen.err.contains(QStringLiteral("HOST:PORT")));
        const Run halfTls = run({QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(),
                                 QStringLiteral("--tls-cert"), QStringLiteral("c.pem")});
        QCOMPARE(halfTls.exitCode, 2);
        const Run badBatch = run({QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(),
                                  QStringLiteral("--batch"), QStringLiteral("0")});
        QCOMPARE(badBatch.exitCode, 2);
        QVERIFY(badBatch.err.contains(QStringLiteral("--batch")));
    }

    void unusableDataDirectory_isRefused()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("a-file"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        const Run r = run({QStringLiteral("serve"), QStringLiteral("--data-dir"), file});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("cannot use data directory")), qPrintable(r.err));
        const Run missing = run({QStringLiteral("audit-verify"), QStringLiteral("--data-dir"),
                                 dir.filePath(QStringLiteral("nothing-here"))});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains(QStringLiteral("does not exist")));
    }

    void takenPort_isReportedClearly()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        QTemporaryDir dir;
        const Run r = run({QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                           QStringLiteral("127.0.0.1:%1").arg(squatter.serverPort())});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("cannot listen on")), qPrintable(r.err));
    }

    void init_printsOwnerPasswordOnce_andTheOwnerCanSignIn()
    {
        QTemporaryDir dir;
        const Run r = run({QStringLiteral("init"), QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--tenant"),
                           QStringLiteral("Initech"), QStringLiteral("--owner-email"), QStringLiteral("Ops@Initech.example"),
                           QStringLiteral("--workspace"), QStringLiteral("Payroll")});
        QCOMPARE(r.exitCode, 0);
        const qsizetype at = r.out.indexOf(QStringLiteral("password"));
        QVERIFY(at > 0);
        const QString password = r.out.mid(r.out.indexOf(QStringLiteral(": "), at) + 2).trimmed();
        QCOMPARE(password.size(), 20);
        const Run again = run({QStringLiteral("init"), QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--tenant"),
                               QStringLiteral("Initech"), QStringLiteral("--owner-email"), QStringLiteral("x@y.example")});
        QCOMPARE(again.exitCode, 1);
        QVERIFY(again.err.contains(QStringLiteral("already exists")));
        QVERIFY(!again.out.contains(password));

        QString url;
        auto server = serve({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:0")},
                            &url);
        QVERIFY(!url.isEmpty());
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(url + QStringLiteral("/v1/auth/login")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = nam.post(request, QJsonDocument(QJsonObject{{QStringLiteral("email"), QStringLiteral("ops@initech.example")},
                                                                           {QStringLiteral("password"), password}})
                                                     .toJson());
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(20000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        delete reply;
        stop(*server);
        QCOMPARE(server->exitCode(), 0);
        QVERIFY2(!server->readAllStandardError().contains(password.toUtf8()), "the password reached the log");
    }

    void tls_servesHttps()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("cert.pem"));
        const QString key = dir.filePath(QStringLiteral("key.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                       QStringLiteral("-nodes"), QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                       QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")});
        QVERIFY(openssl.waitForFinished(60000));
        QCOMPARE(openssl.exitCode(), 0);
        QString url;
        auto server = serve({QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("data")), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:0"), QStringLiteral("--tls-cert"), cert,
                             QStringLiteral("--tls-key"), key},
                            &url);
        QVERIFY2(url.startsWith(QStringLiteral("https://")), qPrintable(url));
        int status = 0;
        const QByteArray body = get(url + QStringLiteral("/v1/health"), &status, true);
        QCOMPARE(status, 200);
        QVERIFY(body.contains("\"ok\""));
        stop(*server);
    }


    void bruteForce_loginAndKeyGuessesGet429_othersUnaffected()
    {
        QTemporaryDir dir;
        QString url;
        auto server = serve({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:0"), QStringLiteral("--demo"),
                             QStringLiteral("--login-failure-limit"), QStringLiteral("3"),
                             QStringLiteral("--invalid-key-limit"), QStringLiteral("3")},
                            &url);
        QVERIFY(!url.isEmpty());
        const QJsonObject accounts = demoAccounts(dir.path());
        const QString loginUrl = url + QStringLiteral("/v1/auth/login");
        for (int i = 0; i < 3; ++i)
            QCOMPARE(send("POST", loginUrl, loginBody(QStringLiteral("owner@acme.test"), QStringLiteral("guess"))).status,
                     401);
        const Reply blocked = send("POST", loginUrl, loginBody(QStringLiteral("owner@acme.test"), QStringLiteral("guess")));
        QCOMPARE(blocked.status, 429);
        QVERIFY(blocked.retryAfter.toInt() > 0);
        QVERIFY(blocked.body.contains("rate-limited"));
        // Even the right password waits out the window from this address...
        const QString ownerPassword = demoPassword(accounts, QStringLiteral("owner@acme.test"));
        QCOMPARE(send("POST", loginUrl, loginBody(QStringLiteral("owner@acme.test"), ownerPassword)).status, 429);
        // ...while another account signs in normally.
        const Reply admin = send("POST", loginUrl,
                                 loginBody(QStringLiteral("admin@acme.test"),
                                       demoPassword(accounts, QStringLiteral("admin@acme.test"))));
        QCOMPARE(admin.status, 200);
        const QByteArray adminToken = QJsonDocument::fromJson(admin.body).object().value(QStringLiteral("token")).toString().toLatin1();

        const QByteArray wrongKey = "drk_000000000000000000000000000000000000";
        for (int i = 0; i < 3; ++i)
            QCOMPARE(send("GET", url + QStringLiteral("/v1/me"), {}, wrongKey).status, 401);
        const Reply keyBlocked = send("GET", url + QStringLiteral("/v1/me"), {}, wrongKey);
        QCOMPARE(keyBlocked.status, 429);
        QVERIFY(keyBlocked.retryAfter.toInt() > 0);
        // However the scheme is spelled, the key is checked and the address is still stopped.
        QCOMPARE(send("GET", url + QStringLiteral("/v1/me"), {}, "  " + wrongKey).status, 429);
        const QByteArray lowerCase = raw(QUrl(url).port(),
                                         "GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: bearer " + wrongKey
                                             + "\r\nConnection: close\r\n\r\n",
                                         5000);
        QVERIFY2(lowerCase.startsWith("HTTP/1.1 429"), lowerCase.constData());
        // Sessions from the same address are not key guesses and still work.
        QCOMPARE(send("GET", url + QStringLiteral("/v1/me"), {}, adminToken).status, 200);

        const Reply audit = send("GET", url + QStringLiteral("/v1/audit-events?action=auth.login&outcome=refused&limit=10"),
                                 {}, adminToken);
        QVERIFY2(audit.status == 200, audit.body.constData());
        QVERIFY2(audit.body.contains("too many failed sign-ins"), audit.body.constData());
        stop(*server);
    }

    void slowOrHugeClients_areCutOffWithoutStarvingOthers()
    {
        QTemporaryDir dir;
        QString url;
        auto server = serve({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:0"), QStringLiteral("--request-timeout"), QStringLiteral("1")},
                            &url);
        QVERIFY(!url.isEmpty());
        const quint16 port = quint16(QUrl(url).port());
        const QByteArray huge = raw(port, "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                          "Content-Length: 900000000\r\n\r\n{",
                                    3000);
        QVERIFY2(huge.startsWith("HTTP/1.1 413"), huge.constData());
        const QByteArray headers = raw(port, "GET /v1/health HTTP/1.1\r\nX-Pad: " + QByteArray(20000, 'a') + "\r\n\r\n", 3000);
        QVERIFY2(headers.startsWith("HTTP/1.1 431"), headers.constData());
        QTcpSocket slow;
        slow.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(slow.waitForConnected(5000));
        slow.write("GET /v1/health HTTP/1.1\r\nHost: x\r\n");
        // While one client dawdles, another is served at once.
        int status = 0;
        get(url + QStringLiteral("/v1/health"), &status);
        QCOMPARE(status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(slow.state() != QAbstractSocket::ConnectedState, 5000);
        QVERIFY(slow.readAll().startsWith("HTTP/1.1 408"));
        stop(*server);
    }

    void streamedExport_endsOnce_andTheConnectionServesTheNextRequest()
    {
        QTemporaryDir dir;
        QString url;
        auto server = serve({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:0"), QStringLiteral("--demo"), QStringLiteral("--no-access-log")},
                            &url);
        QVERIFY(!url.isEmpty());
        const Reply login = send("POST", url + QStringLiteral("/v1/auth/login"),
                                 loginBody(QStringLiteral("owner@acme.test"),
                                           demoPassword(demoAccounts(dir.path()), QStringLiteral("owner@acme.test"))));
        QCOMPARE(login.status, 200);
        const QByteArray token = QJsonDocument::fromJson(login.body).object().value(QStringLiteral("token")).toString().toLatin1();

        // One kept-alive connection, as an HTTP client pool uses it: a short export, then another request.
        // Whatever follows the export's last chunk must be the next answer and nothing else.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(QUrl(url).port()));
        QVERIFY(socket.waitForConnected(5000));
        const auto readUntil = [&socket](QByteArray &buffer, const QByteArray &end) {
            QElapsedTimer t;
            t.start();
            while (!buffer.contains(end) && t.elapsed() < 10000) {
                socket.waitForReadyRead(100);
                buffer += socket.readAll();
            }
            return buffer.contains(end);
        };
        socket.write("GET /v1/audit-events/export?format=csv&action=auth.login HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                     + token + "\r\n\r\n");
        QByteArray exported;
        QVERIFY2(readUntil(exported, "\r\n0\r\n\r\n"), exported.right(200).constData());
        QVERIFY2(exported.startsWith("HTTP/1.1 200"), exported.left(200).constData());
        QVERIFY(exported.contains("auth.login"));
        QByteArray next = exported.mid(exported.indexOf("\r\n0\r\n\r\n") + 7);
        socket.write("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY2(readUntil(next, "\"status\""), next.constData());
        QVERIFY2(next.startsWith("HTTP/1.1 200"), next.left(200).constData());
        stop(*server);
    }

    void auditVerify_findsTheTamperedEvent()
    {
        QTemporaryDir dir;
        QString url;
        auto server = serve({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:0"), QStringLiteral("--demo")},
                            &url);
        QVERIFY(!url.isEmpty());
        stop(*server);
        const Run intact = run({QStringLiteral("audit-verify"), QStringLiteral("--data-dir"), dir.path()});
        QCOMPARE(intact.exitCode, 0);
        QVERIFY(intact.out.contains(QStringLiteral("intact")));

        qint64 victim = 0;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(dir.filePath(QStringLiteral("datarecs.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET 500")) && q.next());
            victim = q.value(0).toLongLong();
            QVERIFY(q.exec(QStringLiteral("UPDATE audit_events SET detail = 'rewritten by an intruder' WHERE id = %1")
                               .arg(victim)));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        const Run broken = run({QStringLiteral("audit-verify"), QStringLiteral("--data-dir"), dir.path()});
        QCOMPARE(broken.exitCode, 1);
        QVERIFY2(broken.out.contains(QStringLiteral("BROKEN at event %1").arg(victim)), qPrintable(broken.out));
    }

    void auditVerify_damagedDatabase_isNeverReportedIntact()
    {
        QTemporaryDir dir;
        QString url;
        auto server = serve({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:0"), QStringLiteral("--demo")},
                            &url);
        QVERIFY(!url.isEmpty());
        stop(*server);

        // A leaf page of the audit table in the middle of the chain, found with SQLite's dbstat table.
        qint64 page = 0, pageSize = 0;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("pages"));
            db.setDatabaseName(dir.filePath(QStringLiteral("datarecs.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA page_size")) && q.next());
            pageSize = q.value(0).toLongLong();
            if (!q.exec(QStringLiteral("SELECT pageno FROM dbstat WHERE name = 'audit_events' AND pagetype = 'leaf' "
                                       "ORDER BY pageno")))
                QSKIP("this SQLite has no dbstat table");
            QList<qint64> leaves;
            while (q.next())
                leaves.append(q.value(0).toLongLong());
            QVERIFY(leaves.size() > 10);
            page = leaves.at(leaves.size() / 2);
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("pages"));
        // A disk error: the page's type byte no longer names a b-tree page.
        QFile file(dir.filePath(QStringLiteral("datarecs.db")));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek((page - 1) * pageSize));
        QCOMPARE(file.write("\xff", 1), qint64(1));
        file.close();

        // The chain's rows stop arriving at that page. Counting what came before as the whole chain
        // reported "audit log intact" over a damaged log.
        const Run damaged = run({QStringLiteral("audit-verify"), QStringLiteral("--data-dir"), dir.path()});
        QCOMPARE(damaged.exitCode, 1);
        QVERIFY2(!damaged.out.contains(QStringLiteral("audit log intact")), qPrintable(damaged.out));
        QVERIFY2(damaged.err.contains(QStringLiteral("cannot verify")), qPrintable(damaged.err));
    }

    void setQuota_changesWhatTheTenantMayHold()
    {
        QTemporaryDir dir;
        QVERIFY(run({QStringLiteral("init"), QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--tenant"),
                     QStringLiteral("Small"), QStringLiteral("--owner-email"), QStringLiteral("o@small.example")})
                    .exitCode
                == 0);
        const Run set = run({QStringLiteral("set-quota"), QStringLiteral("--data-dir"), dir.path(),
                             QStringLiteral("--tenant"), QStringLiteral("Small"), QStringLiteral("--limit"),
                             QStringLiteral("3")});
        QCOMPARE(set.exitCode, 0);
        QVERIFY(set.out.contains(QStringLiteral("3 API keys")));
        const Run bad = run({QStringLiteral("set-quota"), QStringLiteral("--data-dir"), dir.path(),
                             QStringLiteral("--tenant"), QStringLiteral("Small"), QStringLiteral("--limit"),
                             QStringLiteral("zero")});
        QCOMPARE(bad.exitCode, 2);
        const Run unknown = run({QStringLiteral("set-quota"), QStringLiteral("--data-dir"), dir.path(),
                                 QStringLiteral("--tenant"), QStringLiteral("Nobody"), QStringLiteral("--limit"),
                                 QStringLiteral("3")});
        QCOMPARE(unknown.exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(ServerCli)
#include "tst_server_cli.moc"
