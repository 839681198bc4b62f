// ApiError: problem+json bodies become typed errors, and every kind reads as a sentence a person
// can act on.
#include "ApiError.h"

#include <QTest>

using namespace datarecs;
using namespace Qt::StringLiterals;

/// Problem bodies are written with "@P/" for the type URL prefix: moc's preprocessor would read the
/// "//" of the URL inside a raw string literal as the start of a comment.
inline QByteArray problem(QByteArray body)
{
    return body.replace("@P/", "https://datarecs.dev/problems/");
}

class TestApiError : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fromHttp_problemJson_readsEveryField()
    {
        const QByteArray body = R"({"type":"@P/validation-failed","title":"Invalid request body",
            "status":400,"detail":"name: must be 1 to 100 characters","instance":"/v1/api-keys",
            "request_id":"req_body","errors":[{"field":"name","message":"must be 1 to 100 characters"}]})";
        const ApiError e = ApiError::fromHttp(400, problem(body), "req_header");
        QCOMPARE(e.kind(), ApiError::Kind::Http);
        QCOMPARE(e.httpStatus(), 400);
        QCOMPARE(e.type(), u"validation-failed"_s);
        QCOMPARE(e.title(), u"Invalid request body"_s);
        QCOMPARE(e.detail(), u"name: must be 1 to 100 characters"_s);
        QCOMPARE(e.requestId(), u"req_body"_s);
        QCOMPARE(e.fieldErrors().size(), 1);
        QCOMPARE(e.fieldErrors().first().field, u"name"_s);
        QVERIFY(e.userMessage().contains(u"name: must be 1 to 100 characters"_s));
    }

    void fromHttp_invalidToken_saysWhatToCheck()
    {
        const ApiError e = ApiError::fromHttp(
            401, problem(R"({"type":"@P/invalid-token","title":"Invalid token","status":401})"), "req_1");
        QVERIFY(e.is(u"invalid-token"));
        QCOMPARE(e.requestId(), u"req_1"_s);
        QCOMPARE(e.userMessage(),
                 u"The server refused the key: check it was copied exactly (keys are case-sensitive) "
                 "and that it is not disabled."_s);
    }

    void fromHttp_quotaExceeded_readsLimit()
    {
        const ApiError e = ApiError::fromHttp(
            409, problem(R"({"type":"@P/quota-exceeded","title":"Quota","status":409,"limit":50,"used":50})"),
            {});
        QCOMPARE(e.quotaLimit(), std::optional<qint64>(50));
        QCOMPARE(e.quotaUsed(), std::optional<qint64>(50));
        QVERIFY(e.userMessage().contains(u"50"_s));
        QVERIFY(e.userMessage().contains(u"delete unused keys"_s));
    }

    void fromHttp_notProblemJson_keepsStatus()
    {
        const ApiError e = ApiError::fromHttp(502, "<html>Bad gateway</html>", "");
        QCOMPARE(e.httpStatus(), 502);
        QVERIFY(e.type().isEmpty());
        QVERIFY(e.userMessage().contains(u"try again later"_s));
    }

    void everySlug_hasAnActionableMessage_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("slug");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unauthenticated") << 401 << u"unauthenticated"_s << u"sign in"_s;
        QTest::newRow("invalid-credentials") << 401 << u"invalid-credentials"_s << u"email or password"_s;
        QTest::newRow("forbidden") << 403 << u"forbidden"_s << u"ask a tenant owner or admin"_s;
        QTest::newRow("role-too-high") << 403 << u"role-too-high"_s << u"lower role"_s;
        QTest::newRow("not-found") << 404 << u"not-found"_s << u"deleted"_s;
        QTest::newRow("invalid-parameter") << 400 << u"invalid-parameter"_s << u"correct it"_s;
        QTest::newRow("invalid-cursor") << 400 << u"invalid-cursor"_s << u"start the listing again"_s;
        QTest::newRow("idempotency-key-reused") << 422 << u"idempotency-key-reused"_s << u"new request"_s;
        QTest::newRow("payload-too-large") << 413 << u"payload-too-large"_s << u"shorten"_s;
        QTest::newRow("rate-limited") << 429 << u"rate-limited"_s << u"wait"_s;
        QTest::newRow("internal-error") << 500 << u"internal-error"_s << u"request id req_9"_s;
        QTest::newRow("method-not-allowed") << 405 << u"method-not-allowed"_s << u"HTTP 405"_s;
    }

    void everySlug_hasAnActionableMessage()
    {
        QFETCH(int, status);
        QFETCH(QString, slug);
        QFETCH(QString, expected);
        const QByteArray body =
            problem(QStringLiteral(R"({"type":"@P/%1","title":"T","status":%2,"detail":"d"})")
                        .arg(slug)
                        .arg(status)
                        .toUtf8());
        const ApiError e = ApiError::fromHttp(status, body, "req_9");
        QCOMPARE(e.type(), slug);
        QVERIFY2(e.userMessage().contains(expected), qPrintable(e.userMessage()));
    }

    void localKinds_nameTheServer()
    {
        ApiError network(ApiError::Kind::Network, u"Connection refused"_s);
        network.setUrl(QUrl(u"https://datarecs.example.com:8443/v1/me"_s));
        QVERIFY(network.userMessage().contains(u"datarecs.example.com:8443"_s));
        QVERIFY(network.userMessage().contains(u"Connection refused"_s));
        ApiError insecure(ApiError::Kind::InsecureTransport, {});
        insecure.setUrl(QUrl(u"http://datarecs.example.com/v1/me"_s));
        QVERIFY(insecure.userMessage().contains(u"https://"_s));
        QCOMPARE(ApiError(ApiError::Kind::Timeout, {}).kindName(), u"timeout"_s);
        QVERIFY(ApiError(ApiError::Kind::Cancelled, {}).userMessage().contains(u"cancelled"_s));
    }
};

QTEST_GUILESS_MAIN(TestApiError)
#include "tst_apierror.moc"
