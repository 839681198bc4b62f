// ApiClient against a scripted local HTTP server: plain-http refusal, retry policy, timeout,
// cancellation, typed results and the atomic export download.
#include "ApiClient.h"
#include "AuditExportToFile.h"
#include "FakeHttpServer.h"
#include "KeyFormat.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace datarecs;
using namespace Qt::StringLiterals;

/// Problem bodies are written with "@P/" for the type URL prefix: moc's preprocessor would read the
/// "//" of the URL inside a raw string literal as the start of a comment.
inline QByteArray problem(QByteArray body)
{
    return body.replace("@P/", "https://datarecs.dev/problems/");
}

namespace {

const QByteArray kKeyJson = R"({"id":"key_AbCdEfGhIjKlMnOp","name":"ci","description":"","role":"admin",
    "workspace":null,"enabled":false,"status":"disabled","hint":"drk_…AbCd",
    "created_by":{"type":"user","id":"usr_1","name":"Olga"},"created_at":"2026-11-27T12:34:56.789Z",
    "updated_at":"2026-11-27T12:34:56.789Z","last_used_at":null,"last_used_ip":null,"expires_at":null,
    "replaces":null,"replaced_by":null})";

const QByteArray kQuotaJson = R"({"limit":50,"used":12,"remaining":38})";

/// Waits for a call to finish and returns its result.
template <typename T> Result<T> await(ApiCall<T> *call)
{
    std::optional<Result<T>> out;
    call->onFinished(call->parent(), [&out](const Result<T> &r) { out = r; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 20000))
        return ApiError(ApiError::Kind::Timeout, u"test waited too long"_s);
    return *out;
}

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT
private:
    FakeHttpServer *m_server = nullptr;
    ApiClient *m_client = nullptr;

private Q_SLOTS:
    void init()
    {
        m_server = new FakeHttpServer;
        m_client = new ApiClient;
        m_client->setBaseUrl(m_server->url());
        m_client->setCredential(u"drs_testsession"_s);
        ClientOptions options;
        options.timeoutMs = 2000;
        options.retry = {3, 20, 200};
        m_client->setOptions(options);
    }
    void cleanup()
    {
        delete m_client;
        delete m_server;
    }

    void plainHttp_toRemoteHost_isRefusedBeforeSending()
    {
        m_client->setBaseUrl(QUrl(u"http://datarecs.example.com"_s));
        const Result<Quota> r = await(m_client->quota());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind(), ApiError::Kind::InsecureTransport);
        QVERIFY(r.error().userMessage().contains(u"datarecs.example.com"_s));

        // A password is a credential too.
        ApiClient anonymous;
        anonymous.setBaseUrl(QUrl(u"http://10.0.0.1:8080"_s));
        const Result<LoginResult> login = await(anonymous.login(u"a@b.test"_s, u"pw"_s));
        QCOMPARE(login.error().kind(), ApiError::Kind::InsecureTransport);
    }

    void transportRule_allowsHttpsAndLoopbackOnly()
    {
        QVERIFY(ApiJob::isSecureEnough(QUrl(u"https://datarecs.example.com"_s)));
        QVERIFY(ApiJob::isSecureEnough(QUrl(u"http://127.0.0.1:8080"_s)));
        QVERIFY(ApiJob::isSecureEnough(QUrl(u"http://127.1.2.3"_s)));
        QVERIFY(ApiJob::isSecureEnough(QUrl(u"http://localhost:1"_s)));
        QVERIFY(ApiJob::isSecureEnough(QUrl(u"http://[::1]:8080"_s)));
        QVERIFY(!ApiJob::isSecureEnough(QUrl(u"http://192.168.1.10"_s)));
        QVERIFY(!ApiJob::isSecureEnough(QUrl(u"http://localhost.example.com"_s)));
        QVERIFY(!ApiJob::isSecureEnough(QUrl(u"ftp://127.0.0.1"_s)));
    }

    void get_sendsBearerAndParsesTypedValue()
    {
        m_server->respond(200, kQuotaJson, {{"X-Request-Id", "req_1"}});
        const Result<Quota> r = await(m_client->quota());
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().userMessage()));
        QCOMPARE(r.value().used, 12);
        QCOMPARE(m_server->requests().first().header("Authorization"), QByteArray("Bearer drs_testsession"));
        QCOMPARE(m_server->requests().first().target, QByteArray("/v1/quota"));
    }

    void get_retriedAfter503_thenSucceeds()
    {
        m_server->respond(503, "{}");
        m_server->respond(200, kQuotaJson);
        const Result<Quota> r = await(m_client->quota());
        QVERIFY(r.ok());
        QCOMPARE(m_server->requests().size(), 2);
    }

    void get_retriedAfterDroppedConnections_thenSucceeds()
    {
        // Qt itself resends once on a connection closed before any answer; drop more often than that
        // so that the client's own retry is what succeeds.
        for (int i = 0; i < 3; ++i)
            m_server->drop();
        m_server->respond(200, kQuotaJson);
        ClientOptions options = m_client->options();
        options.retry.maxAttempts = 4;
        m_client->setOptions(options);
        const Result<Quota> r = await(m_client->quota());
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().userMessage()));
        QCOMPARE(m_server->requests().size(), 4);
    }

    void get_givesUpAfterMaxAttempts()
    {
        for (int i = 0; i < 5; ++i)
            m_server->respond(503, problem(R"({"type":"@P/internal-error","title":"Unavailable"})"));
        const Result<Quota> r = await(m_client->quota());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().httpStatus(), 503);
        QCOMPARE(m_server->requests().size(), 3);
    }

    void postWithoutIdempotencyKey_isNotRetried()
    {
        m_server->respond(503, "{}");
        m_server->respond(200, kKeyJson);
        const Result<ApiKey> r = await(m_client->disableApiKey(u"key_AbCdEfGhIjKlMnOp"_s));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().httpStatus(), 503);
        QCOMPARE(m_server->requests().size(), 1);
    }

    void create_isRetriedWithTheSameIdempotencyKey()
    {
        const QString secret = KeyFormat::compose(u"0123456789ABCDEFGHIJabcdefghij"_s);
        m_server->drop();
        m_server->drop();
        m_server->respond(503, "{}");
        m_server->respond(201, "{\"api_key\":" + kKeyJson + ",\"secret\":\"" + secret.toLatin1() + "\"}",
                          {{"Idempotent-Replayed", "true"}});
        ClientOptions options = m_client->options();
        options.retry.maxAttempts = 5;
        m_client->setOptions(options);
        const Result<CreatedApiKey> r = await(m_client->createApiKey({u"ci"_s, {}, u"admin"_s, {}, {}}));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().userMessage()));
        QCOMPARE(r.value().secret, secret);
        QVERIFY(r.value().replayed);
        QVERIFY(m_server->requests().size() >= 2);
        const QByteArray key = m_server->requests().first().header("Idempotency-Key");
        QVERIFY(!key.isEmpty());
        for (const FakeHttpServer::Seen &s : m_server->requests())
            QCOMPARE(s.header("Idempotency-Key"), key);
        QCOMPARE(m_server->requests().last().header("Content-Type"), QByteArray("application/json"));
    }

    void twoCreates_getDifferentIdempotencyKeys()
    {
        QVERIFY(ApiClient::newIdempotencyKey() != ApiClient::newIdempotencyKey());
    }

    void silentServer_failsWithTimeout()
    {
        m_server->hang();
        ClientOptions options = m_client->options();
        options.timeoutMs = 300;
        m_client->setOptions(options);
        QElapsedTimer clock;
        clock.start();
        const Result<Quota> r = await(m_client->quota());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind(), ApiError::Kind::Timeout);
        QVERIFY(clock.elapsed() < 5000);
    }

    void cancel_inFlight_finishesOnceAsCancelled()
    {
        m_server->hang();
        ApiCall<Quota> *call = m_client->quota();
        QSignalSpy finished(call, &ApiJob::finished);
        std::optional<Result<Quota>> result;
        call->onFinished(m_client, [&](const Result<Quota> &r) { result = r; });
        QTRY_COMPARE(m_server->requests().size(), 1);
        call->cancel();
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->error().kind(), ApiError::Kind::Cancelled);
        QCOMPARE(finished.size(), 1);
    }

    void cancel_beforeStart_sendsNothing()
    {
        ApiCall<Quota> *call = m_client->quota();
        call->cancel();
        const Result<Quota> r = await(call);
        QCOMPARE(r.error().kind(), ApiError::Kind::Cancelled);
        QTest::qWait(50);
        QCOMPARE(m_server->requests().size(), 0);
    }

    void problemAnswer_becomesTypedError()
    {
        m_server->respond(
            401,
            problem(
                R"({"type":"@P/invalid-token","title":"Invalid token","status":401,"request_id":"req_77"})"),
            {{"Content-Type", "application/problem+json"}});
        const Result<Quota> r = await(m_client->quota());
        QVERIFY(r.error().is(u"invalid-token"));
        QCOMPARE(r.error().requestId(), u"req_77"_s);
        QCOMPARE(m_server->requests().size(), 1); // a 401 is never retried
    }

    void malformedSuccess_isMalformedResponse()
    {
        m_server->respond(200, R"({"limit":"fifty","used":1,"remaining":2})");
        const Result<Quota> r = await(m_client->quota());
        QCOMPARE(r.error().kind(), ApiError::Kind::MalformedResponse);
        QVERIFY(r.error().detail().contains(u"Quota.limit"_s));
    }

    void webPageForASuccess_saysTheAddressIsNotTheApi()
    {
        // A network's sign-in page or a web site at the wrong address answers 200 with HTML.
        m_server->respond(200, "<html><body>Sign in to the guest Wi-Fi</body></html>",
                          {{"Content-Type", "text/html; charset=utf-8"}});
        const Result<Quota> r = await(m_client->quota());
        QCOMPARE(r.error().kind(), ApiError::Kind::MalformedResponse);
        const QString message = r.error().userMessage();
        QVERIFY2(message.contains(u"answered with text/html"_s) && message.contains(u"sign-in page"_s),
                 qPrintable(message));
        QVERIFY2(!message.contains(u"incompatible version"_s), qPrintable(message));
        // JSON under its other names is the API's.
        m_server->respond(200, R"({"limit":50,"used":1,"remaining":49})",
                          {{"Content-Type", "application/json; charset=utf-8"}});
        QVERIFY(await(m_client->quota()));
    }

    void lookup_malformedValue_isNeverSent()
    {
        const Result<ApiKey> r = await(m_client->lookupApiKey(u"drk_tooshort"_s));
        QCOMPARE(r.error().kind(), ApiError::Kind::InvalidInput);
        QCOMPARE(m_server->requests().size(), 0);
    }

    void lookup_sendsValueInBodyOnly()
    {
        const QString secret = KeyFormat::compose(u"0123456789ABCDEFGHIJabcdefghij"_s);
        m_server->respond(200, kKeyJson);
        QVERIFY(await(m_client->lookupApiKey(secret)).ok());
        QVERIFY(!m_server->requests().first().target.contains(secret.toLatin1()));
        QVERIFY(m_server->requests().first().body.contains(secret.toLatin1()));
    }

    void startNow_sendsBeforeTheEventLoopRuns_andOnlyOnce()
    {
        m_server->respond(200, kQuotaJson, {{"Content-Type", "application/json"}});
        ApiCall<Quota> *call = m_client->quota();
        QSignalSpy finished(call, &ApiJob::finished);
        call->startNow();
        QCOMPARE(call->attempts(), 1); // sent already, not on the next turn of the event loop
        call->startNow();
        const Result<Quota> r = await(call);
        QVERIFY(r.ok());
        QCOMPARE(r.value().used, 12);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(m_server->requests().size(), 1); // the queued start found it started
    }

    void startNow_onARefusedRequest_stillFailsFromTheEventLoop()
    {
        ApiCall<ApiKey> *call = m_client->apiKey(u"../me"_s);
        QSignalSpy finished(call, &ApiJob::finished);
        call->startNow();
        QCOMPARE(finished.size(), 0); // a caller connecting right after still hears of it
        const Result<ApiKey> r = await(call);
        QCOMPARE(r.error().kind(), ApiError::Kind::InvalidInput);
        QCOMPARE(m_server->requests().size(), 0);
    }

    void badKeyId_isRefusedLocally()
    {
        const Result<ApiKey> r = await(m_client->apiKey(u"../me"_s));
        QCOMPARE(r.error().kind(), ApiError::Kind::InvalidInput);
        QCOMPARE(m_server->requests().size(), 0);
    }

    void listQuery_isEncoded()
    {
        m_server->respond(200, R"({"items":[],"next_cursor":null})");
        ApiKeyQuery q;
        q.search = u"a+b c"_s;
        q.status = u"rotation_due"_s;
        q.limit = 10;
        QVERIFY(await(m_client->listApiKeys(q, u"cur/1="_s)).ok());
        const QByteArray target = m_server->requests().first().target;
        QVERIFY2(target.contains("q=a%2Bb%20c"), target.constData());
        QVERIFY(target.contains("status=rotation_due"));
        QVERIFY(target.contains("cursor=cur%2F1%3D"));
    }

    void export_toFile_appearsOnlyWhenComplete()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"audit.csv"_s);
        m_server->stream(
            {"id,occurred_at\r\n", "1,2026-11-27T12:00:00.000Z\r\n", "2,2026-11-27T12:00:01.000Z\r\n"});
        AuditExportToFile download(m_client, path);
        QSignalSpy finished(&download, &AuditExportToFile::finished);
        download.start({}, ExportFormat::Csv);
        QVERIFY(finished.wait(10000));
        QVERIFY2(!download.error(),
                 qPrintable(download.error() ? download.error()->userMessage() : QString()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(
            f.readAll(),
            QByteArray("id,occurred_at\r\n1,2026-11-27T12:00:00.000Z\r\n2,2026-11-27T12:00:01.000Z\r\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"audit.csv"_s});
        QVERIFY(m_server->requests().first().target.startsWith("/v1/audit-events/export?format=csv"));
    }

    void export_brokenMidway_leavesNoFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"audit.csv"_s);
        m_server->stream({"id,occurred_at\r\n", "1,2026"}, /*truncate=*/true);
        AuditExportToFile download(m_client, path);
        QSignalSpy finished(&download, &AuditExportToFile::finished);
        download.start({}, ExportFormat::Csv);
        QVERIFY(finished.wait(10000));
        QVERIFY(download.error());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{});
        QCOMPARE(m_server->requests().size(), 1); // bytes were written: no retry of a partial download
    }

    void export_cancelled_leavesNoFileAndKeepsOldOne()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"audit.csv"_s);
        {
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("previous export\n");
        }
        m_server->hang();
        AuditExportToFile download(m_client, path);
        QSignalSpy finished(&download, &AuditExportToFile::finished);
        download.start({}, ExportFormat::Ndjson);
        QTRY_COMPARE(m_server->requests().size(), 1);
        download.cancel();
        QVERIFY(finished.size() == 1 || finished.wait(5000));
        QCOMPARE(download.error()->kind(), ApiError::Kind::Cancelled);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"audit.csv"_s});
        QFile old(path);
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("previous export\n"));
    }

    void tricklingAnswer_failsAtTheDeadline()
    {
        // A byte every 50 ms never trips the 30 s silence timeout; the deadline ends it.
        m_server->trickle(50);
        ClientOptions options = m_client->options();
        options.deadlineMs = 500;
        m_client->setOptions(options);
        QElapsedTimer clock;
        clock.start();
        const Result<Quota> r = await(m_client->quota());
        QCOMPARE(r.error().kind(), ApiError::Kind::Timeout);
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(r.error().mayHaveArrived());
    }

    void refusedConnection_neverArrived_butALostAnswerMayHave()
    {
        QTcpSocket holder; // a port bound but not listening: connecting is refused
        QVERIFY(holder.bind(QHostAddress::LocalHost, 0, QAbstractSocket::DontShareAddress));
        ApiClient refused;
        refused.setBaseUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(holder.localPort())));
        refused.setCredential(u"drs_testsession"_s);
        const Result<Quota> none = await(refused.quota());
        QCOMPARE(none.error().kind(), ApiError::Kind::Network);
        QVERIFY(!none.error().mayHaveArrived());
        for (int i = 0; i < 5; ++i)
            m_server->drop();
        const Result<Quota> lost = await(m_client->quota());
        QCOMPARE(lost.error().kind(), ApiError::Kind::Network);
        QVERIFY(lost.error().mayHaveArrived());
    }

    void export_ofAWebPage_isRefused_andLeavesNoFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"audit.csv"_s);
        m_server->respond(200, "<html><body>Sign in to the guest Wi-Fi</body></html>",
                          {{"Content-Type", "text/html"}});
        AuditExportToFile download(m_client, path);
        QSignalSpy finished(&download, &AuditExportToFile::finished);
        download.start({}, ExportFormat::Csv);
        QVERIFY(finished.wait(10000));
        QVERIFY(download.error());
        QVERIFY2(download.error()->userMessage().contains(u"text/html"_s), qPrintable(download.error()->userMessage()));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{});
    }

    void export_errorAnswer_isProblemNotFileContent()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"audit.csv"_s);
        m_server->respond(
            403,
            problem(
                R"({"type":"@P/forbidden","title":"Forbidden","detail":"requires permission read_audit"})"));
        AuditExportToFile download(m_client, path);
        QSignalSpy finished(&download, &AuditExportToFile::finished);
        download.start({}, ExportFormat::Csv);
        QVERIFY(finished.wait(10000));
        QVERIFY(download.error()->is(u"forbidden"));
        QVERIFY(!QFile::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
