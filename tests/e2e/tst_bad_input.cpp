// Invalid requests, sent straight to datarecs-server (they are meant to break the contract, so they
// do not go through Prism): every answer must still be a well-shaped problem, and the server must keep
// serving afterwards.
#include "E2eSupport.h"

#include <KeyFormat.h>

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>
#include <QTcpSocket>

using namespace e2e;

namespace {

QString randomPart()
{
    QString out;
    for (int i = 0; i < datarecs::KeyFormat::RandomLength; ++i)
        out += datarecs::KeyFormat::base62Alphabet().at(QRandomGenerator::global()->bounded(62));
    return out;
}

QSet<QByteArray> methodSet(const QByteArray &allow)
{
    QSet<QByteArray> out;
    for (const QByteArray &part : allow.split(','))
        if (!part.trimmed().isEmpty())
            out.insert(part.trimmed().toUpper());
    return out;
}

/// Empty when a validation-failed problem names field in errors[] with a message.
QString errorsMismatch(const Response &r, const QString &field)
{
    if (field.isEmpty())
        return {};
    for (const QJsonValue &v : r.json().value(QStringLiteral("errors")).toArray()) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("field")).toString() == field && !e.value(QStringLiteral("message")).toString().isEmpty())
            return {};
    }
    return QStringLiteral("errors[] does not name field '%1':\n%2").arg(field, r.describe());
}

} // namespace

class BadInput : public QObject
{
    Q_OBJECT

private:
    HttpClient &http() { return *m_env.client; }
    Api &api() { return *m_env.api; }

    Response direct(const QByteArray &method, const QString &path, const QString &token, const QByteArray *body = nullptr,
                    const QByteArray &contentType = "application/json", const HeaderList &headers = {})
    {
        Request r;
        r.method = method;
        r.path = path;
        r.token = token;
        r.route = Route::Direct;
        r.hasBody = body != nullptr;
        if (body)
            r.body = *body;
        r.contentType = contentType;
        r.headers = headers;
        return http().send(r);
    }

    QString resolve(QString path) const
    {
        path.replace(QStringLiteral("{key}"), m_keyId);
        return path;
    }

    /// POSTs a key straight to the server (as the owner unless \a token); a created key is deleted at the end.
    Response postKey(const QJsonObject &fields, const QString &token = {})
    {
        const QByteArray body = QJsonDocument(fields).toJson(QJsonDocument::Compact);
        Response r = direct("POST", QStringLiteral("/v1/api-keys"), token.isEmpty() ? m_owner : token, &body);
        if (r.status == 201)
            m_made << r.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        return r;
    }

    QString tokenFor(const QString &who) const { return who == QStringLiteral("none") ? QString() : m_owner; }

    Environment m_env;
    QString m_owner;
    QString m_keyId;
    QString m_keySecret;
    QString m_workspaceId;
    QStringList m_made;

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start({}, &error), qPrintable(error));
        m_owner = api().login(m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner")));
        E2E_RETURN_IF_FAILED();
        // A few keys so key lists have more than one page at limit=1.
        for (int i = 0; i < 3; ++i) {
            const CreatedKey key = api().createKey(m_owner, QStringLiteral("workspace_viewer"));
            E2E_RETURN_IF_FAILED();
            m_made << key.id;
            m_keyId = key.id;
            m_keySecret = key.secret;
        }
        m_workspaceId = api().workspaces(m_owner).value(0).value(QStringLiteral("id")).toString();
        m_env.deferSetupTraffic();
    }

    void setupTraffic_matchesContract() { m_env.verifySetupTraffic(__FILE__, __LINE__); }

    void cleanup() { E2E_CHECK_TRAFFIC(m_env); }

    void cleanupTestCase() { m_env.server.stop(); }

    // --- bodies -----------------------------------------------------------------------------------

    void badBody_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("who");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("slug");
        QTest::addColumn<QString>("field");

        const QString keys = QStringLiteral("/v1/api-keys");
        const QString one = QStringLiteral("/v1/api-keys/{key}");
        const QString name101 = QString(101, u'n');
        const QString desc501 = QString(501, u'd');
        auto add = [](const char *tag, const char *method, const QString &path, const QByteArray &body, int status, const char *slug,
                      const char *field = "") {
            QTest::newRow(tag) << QByteArray(method) << path << QStringLiteral("owner") << body << status << QString::fromLatin1(slug)
                               << QString::fromLatin1(field);
        };
        add("create: truncated JSON", "POST", keys, "{\"name\":\"x\",\"role\":", 400, "invalid-json");
        add("create: trailing garbage", "POST", keys, "{\"name\":\"x\",\"role\":\"workspace_viewer\"} x", 400, "invalid-json");
        add("create: single quotes", "POST", keys, "{'name':'x'}", 400, "invalid-json");
        add("create: empty body", "POST", keys, "", 400, "invalid-json");
        add("create: array", "POST", keys, "[1,2]", 400, "invalid-json");
        add("create: string", "POST", keys, "\"hello\"", 400, "invalid-json");
        add("create: number", "POST", keys, "42", 400, "invalid-json");
        add("create: null", "POST", keys, "null", 400, "invalid-json");
        add("create: invalid UTF-8 in a string", "POST", keys, "{\"name\":\"ab\xff\xfe\",\"role\":\"workspace_viewer\"}", 400, "invalid-json");
        add("create: invalid UTF-8 in a key", "POST", keys, "{\"na\xc3\x28me\":\"x\",\"role\":\"workspace_viewer\"}", 400, "invalid-json");
        add("create: overlong UTF-8 encoding", "POST", keys, "{\"name\":\"\xc0\xaf\",\"role\":\"workspace_viewer\"}", 400, "invalid-json");
        add("create: name is a number", "POST", keys, "{\"name\":5,\"role\":\"workspace_viewer\"}", 400, "validation-failed", "name");
        add("create: role is an array", "POST", keys, "{\"name\":\"x\",\"role\":[\"owner\"]}", 400, "validation-failed", "role");
        add("create: workspace_id is a number", "POST", keys, "{\"name\":\"x\",\"role\":\"workspace_viewer\",\"workspace_id\":7}", 400,
            "validation-failed", "workspace_id");
        add("create: expires_at is not a timestamp", "POST", keys, "{\"name\":\"x\",\"role\":\"workspace_viewer\",\"expires_at\":\"tomorrow\"}",
            400, "validation-failed", "expires_at");
        add("create: description is an object", "POST", keys, "{\"name\":\"x\",\"role\":\"workspace_viewer\",\"description\":{}}", 400,
            "validation-failed", "description");
        add("create: unknown field", "POST", keys, "{\"name\":\"x\",\"role\":\"workspace_viewer\",\"colour\":\"red\"}", 400, "validation-failed",
            "colour");
        add("create: secret may not be chosen", "POST", keys, "{\"name\":\"x\",\"role\":\"workspace_viewer\",\"secret\":\"drk_x\"}", 400,
            "validation-failed", "secret");
        add("create: missing name", "POST", keys, "{\"role\":\"workspace_viewer\"}", 400, "validation-failed", "name");
        add("create: missing role", "POST", keys, "{\"name\":\"x\"}", 400, "validation-failed", "role");
        add("create: empty name", "POST", keys, "{\"name\":\"\",\"role\":\"workspace_viewer\"}", 400, "validation-failed", "name");
        add("create: name of 101 characters", "POST", keys,
            QJsonDocument(QJsonObject{{QStringLiteral("name"), name101}, {QStringLiteral("role"), QStringLiteral("workspace_viewer")}}).toJson(),
            400, "validation-failed", "name");
        add("create: description of 501 characters", "POST", keys,
            QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("description"), desc501},
                                      {QStringLiteral("role"), QStringLiteral("workspace_viewer")}})
                .toJson(),
            400, "validation-failed", "description");
        add("create: name that overrides the direction of text", "POST", keys,
            "{\"name\":\"invoice\\u202Egnp.exe\",\"role\":\"workspace_viewer\"}", 400, "validation-failed", "name");
        add("create: description with a direction isolate", "POST", keys,
            "{\"name\":\"x\",\"role\":\"workspace_viewer\",\"description\":\"a\\u2067b\\u2069\"}", 400, "validation-failed",
            "description");
        add("patch: name that overrides the direction of text", "PATCH", one, "{\"name\":\"a\\u202Db\"}", 400,
            "validation-failed", "name");
        // A credential pasted into a name or description would be shown to every reader of keys and
        // kept in the audit log; the value need not be a live one to be refused.
        add("create: name holding a key value", "POST", keys,
            "{\"name\":\"CI drk_4f9XbT2mQe8LrZ1aPq7Wn3Ks5Vd6Yh0Jc2Tu8E\",\"role\":\"workspace_viewer\"}", 400,
            "validation-failed", "name");
        add("patch: description holding a session token", "PATCH", one,
            "{\"description\":\"token: drs_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0\"}", 400, "validation-failed",
            "description");
        add("rotate: name holding most of a key value", "POST", QStringLiteral("/v1/api-keys/{key}/rotate"),
            "{\"name\":\"drk_4f9XbT2mQe8LrZ1aPq7Wn3\"}", 400, "validation-failed", "name");
        add("create: unknown role", "POST", keys, "{\"name\":\"x\",\"role\":\"superuser\"}", 400, "validation-failed", "role");
        add("patch: empty object", "PATCH", one, "{}", 400, "validation-failed");
        add("patch: role cannot change", "PATCH", one, "{\"role\":\"owner\"}", 400, "validation-failed", "role");
        add("patch: name of 101 characters", "PATCH", one, QJsonDocument(QJsonObject{{QStringLiteral("name"), name101}}).toJson(), 400,
            "validation-failed", "name");
        add("patch: name is null", "PATCH", one, "{\"name\":null}", 400, "validation-failed", "name");
        // Null is not a string: only workspace_id and expires_at may be null (no restriction, no expiry).
        add("patch: description is null", "PATCH", one, "{\"description\":null}", 400, "validation-failed", "description");
        add("create: description is null", "POST", keys, "{\"name\":\"x\",\"role\":\"workspace_viewer\",\"description\":null}", 400,
            "validation-failed", "description");
        add("rotate: name is null", "POST", QStringLiteral("/v1/api-keys/{key}/rotate"), "{\"name\":null}", 400, "validation-failed",
            "name");
        add("create: expires_at beyond three years", "POST", keys,
            "{\"name\":\"x\",\"role\":\"workspace_viewer\",\"expires_at\":\""
                + QDateTime::currentDateTimeUtc().addYears(3).addDays(2).toString(Qt::ISODate).toLatin1() + "\"}",
            400, "validation-failed", "expires_at");
        add("patch: truncated JSON", "PATCH", one, "{\"name\":", 400, "invalid-json");
        add("patch: array", "PATCH", one, "[\"name\"]", 400, "invalid-json");
        add("rotate: unknown field", "POST", QStringLiteral("/v1/api-keys/{key}/rotate"), "{\"role\":\"owner\"}", 400, "validation-failed",
            "role");
        add("rotate: not an object", "POST", QStringLiteral("/v1/api-keys/{key}/rotate"), "[]", 400, "invalid-json");
        add("lookup: malformed value", "POST", QStringLiteral("/v1/api-keys/lookup"), "{\"value\":\"drk_short\"}", 400, "validation-failed",
            "value");
        add("lookup: value is a number", "POST", QStringLiteral("/v1/api-keys/lookup"), "{\"value\":5}", 400, "validation-failed", "value");
        add("lookup: missing value", "POST", QStringLiteral("/v1/api-keys/lookup"), "{}", 400, "validation-failed", "value");
        QTest::newRow("login: missing password") << QByteArray("POST") << QStringLiteral("/v1/auth/login") << QStringLiteral("none")
                                                 << QByteArray("{\"email\":\"owner@acme.test\"}") << 400 << QStringLiteral("validation-failed")
                                                 << QStringLiteral("password");
        QTest::newRow("login: email is a number") << QByteArray("POST") << QStringLiteral("/v1/auth/login") << QStringLiteral("none")
                                                  << QByteArray("{\"email\":5,\"password\":\"x\"}") << 400
                                                  << QStringLiteral("validation-failed") << QStringLiteral("email");
        QTest::newRow("login: not an object") << QByteArray("POST") << QStringLiteral("/v1/auth/login") << QStringLiteral("none")
                                              << QByteArray("[]") << 400 << QStringLiteral("invalid-json") << QString();
        QTest::newRow("login: truncated JSON") << QByteArray("POST") << QStringLiteral("/v1/auth/login") << QStringLiteral("none")
                                               << QByteArray("{\"email\":") << 400 << QStringLiteral("invalid-json") << QString();
    }

    void badBody()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QString, who);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, slug);
        QFETCH(QString, field);
        const Response r = direct(method, resolve(path), tokenFor(who), &body);
        E2E_VERIFY_EMPTY(problemMismatch(r, status, slug));
        E2E_VERIFY_EMPTY(errorsMismatch(r, field));
    }

    void lengthLimits_atTheBoundary_areAccepted()
    {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("name"), QString(100, u'n')},
                                                          {QStringLiteral("description"), QString(500, u'd')},
                                                          {QStringLiteral("role"), QStringLiteral("workspace_viewer")}})
                                    .toJson(QJsonDocument::Compact);
        const Response r = direct("POST", QStringLiteral("/v1/api-keys"), m_owner, &body);
        E2E_EXPECT(r, 201);
        m_made << r.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        // Lengths count characters, not bytes: 100 two-byte characters are fine.
        const QByteArray wide = QJsonDocument(QJsonObject{{QStringLiteral("name"), QString(100, QChar(0x00e9))},
                                                          {QStringLiteral("role"), QStringLiteral("workspace_viewer")}})
                                    .toJson(QJsonDocument::Compact);
        const Response w = direct("POST", QStringLiteral("/v1/api-keys"), m_owner, &wide);
        E2E_EXPECT(w, 201);
        m_made << w.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
    }

    void payloadTooLarge_over64KiB_is413()
    {
        auto bodyOf = [](qsizetype total) {
            const QByteArray head = "{\"name\":\"big\",\"role\":\"workspace_viewer\",\"description\":\"";
            const QByteArray tail = "\"}";
            return head + QByteArray(total - head.size() - tail.size(), 'x') + tail;
        };
        const QByteArray over = bodyOf(64 * 1024 + 1);
        QCOMPARE(over.size(), 65537);
        const RawResponse big = rawExchange(m_env.server.serverPort(),
                                            rawRequest("POST", "/v1/api-keys",
                                                       {{"Authorization", "Bearer " + m_owner.toLatin1()}, {"Content-Type", "application/json"}},
                                                       &over));
        QVERIFY2(big.complete, qPrintable(QStringLiteral("no complete answer to a 65537-byte body: ") + big.error));
        E2E_VERIFY_EMPTY(problemMismatch(big.response, 413, QStringLiteral("payload-too-large")));
        // Exactly 64 KiB is not too large: the body is read and fails validation instead.
        const QByteArray limit = bodyOf(64 * 1024);
        const RawResponse atLimit = rawExchange(m_env.server.serverPort(),
                                                rawRequest("POST", "/v1/api-keys",
                                                           {{"Authorization", "Bearer " + m_owner.toLatin1()}, {"Content-Type", "application/json"}},
                                                           &limit));
        QVERIFY2(atLimit.complete, qPrintable(atLimit.error));
        E2E_VERIFY_EMPTY(problemMismatch(atLimit.response, 400, QStringLiteral("validation-failed")));
        // A much larger body (1 MiB) is refused too, without the server falling over.
        const QByteArray huge = bodyOf(1024 * 1024);
        const RawResponse hugeAnswer = rawExchange(m_env.server.serverPort(),
                                                   rawRequest("POST", "/v1/api-keys",
                                                              {{"Authorization", "Bearer " + m_owner.toLatin1()}, {"Content-Type", "application/json"}},
                                                              &huge));
        QVERIFY2(hugeAnswer.complete, qPrintable(QStringLiteral("no complete answer to a 1 MiB body: ") + hugeAnswer.error));
        E2E_VERIFY_EMPTY(problemMismatch(hugeAnswer.response, 413, QStringLiteral("payload-too-large")));
        // A client that sends the whole body before reading (Qt's, as the console and the CLI do) gets
        // the 413 too, not a reset connection.
        const QByteArray large = bodyOf(100 * 1000);
        for (int i = 0; i < 5; ++i)
            E2E_VERIFY_EMPTY(problemMismatch(direct("POST", QStringLiteral("/v1/api-keys"), m_owner, &large), 413,
                                             QStringLiteral("payload-too-large")));
    }

    void slowClient_bodyInPieces_isReadWhole()
    {
        // 60 KiB of valid JSON (whitespace may stand between tokens). The head is cut in the middle of
        // a header, and most of the body comes in a last piece with no head of its own: it must be read
        // as the rest of the body, not refused as an overlong head.
        const QByteArray body = "{\"name\":\"in-pieces\"," + QByteArray(60 * 1024, ' ') + "\"role\":\"workspace_viewer\"}";
        const QByteArray request = rawRequest("POST", "/v1/api-keys",
                                              {{"Authorization", "Bearer " + m_owner.toLatin1()}, {"Content-Type", "application/json"}},
                                              &body);
        const qsizetype bodyStart = request.indexOf("\r\n\r\n") + 4;
        const QList<QByteArray> pieces{request.left(30), request.mid(30, bodyStart + 10 - 30), request.mid(bodyStart + 10)};
        const RawResponse r = rawExchangeInPieces(m_env.server.serverPort(), pieces, 150);
        QVERIFY2(r.complete, qPrintable(r.error));
        E2E_EXPECT(r.response, 201);
        const QJsonObject key = r.response.json().value(QStringLiteral("api_key")).toObject();
        m_made << key.value(QStringLiteral("id")).toString();
        QCOMPARE(key.value(QStringLiteral("name")).toString(), QStringLiteral("in-pieces"));
    }

    void slowClient_overlongHeadInPieces_is431()
    {
        // A head over 16 KiB that trickles in 4 KiB at a time is refused as one sent at once would be.
        const QByteArray request = "GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(20 * 1024, 'a')
            + "\r\nConnection: close\r\n\r\n";
        QList<QByteArray> pieces;
        for (qsizetype at = 0; at < request.size(); at += 4096)
            pieces << request.mid(at, 4096);
        const RawResponse r = rawExchangeInPieces(m_env.server.serverPort(), pieces, 50);
        QVERIFY2(r.complete, qPrintable(r.error));
        E2E_VERIFY_EMPTY(problemMismatch(r.response, 431, QStringLiteral("headers-too-large")));
        QCOMPARE(r.response.json().value(QStringLiteral("instance")).toString(), QStringLiteral("/v1/me"));
    }

    void unsupportedMediaType_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("contentType"); // empty: no Content-Type header at all
        QTest::addColumn<int>("status");
        QTest::newRow("create without Content-Type") << QByteArray("POST") << QStringLiteral("/v1/api-keys") << QByteArray() << 415;
        QTest::newRow("create as text/plain") << QByteArray("POST") << QStringLiteral("/v1/api-keys") << QByteArray("text/plain") << 415;
        QTest::newRow("create as form") << QByteArray("POST") << QStringLiteral("/v1/api-keys")
                                        << QByteArray("application/x-www-form-urlencoded") << 415;
        QTest::newRow("create as application/jsonp") << QByteArray("POST") << QStringLiteral("/v1/api-keys") << QByteArray("application/jsonp") << 415;
        QTest::newRow("patch without Content-Type") << QByteArray("PATCH") << QStringLiteral("/v1/api-keys/{key}") << QByteArray() << 415;
        QTest::newRow("patch as text/plain") << QByteArray("PATCH") << QStringLiteral("/v1/api-keys/{key}") << QByteArray("text/plain") << 415;
        QTest::newRow("login without Content-Type") << QByteArray("POST") << QStringLiteral("/v1/auth/login") << QByteArray() << 415;
        QTest::newRow("lookup as text/plain") << QByteArray("POST") << QStringLiteral("/v1/api-keys/lookup") << QByteArray("text/plain") << 415;
        QTest::newRow("create with charset parameter is fine") << QByteArray("POST") << QStringLiteral("/v1/api-keys")
                                                                << QByteArray("application/json; charset=utf-8") << 201;
        QTest::newRow("create with upper-case media type is fine") << QByteArray("POST") << QStringLiteral("/v1/api-keys")
                                                                    << QByteArray("Application/JSON") << 201;
    }

    void unsupportedMediaType()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, contentType);
        QFETCH(int, status);
        QByteArray body = path.endsWith(QStringLiteral("login"))
            ? QByteArray("{\"email\":\"owner@acme.test\",\"password\":\"whatever\"}")
            : path.endsWith(QStringLiteral("lookup")) ? QByteArray("{\"value\":\"drk_x\"}")
                                                      : QJsonDocument(QJsonObject{{QStringLiteral("name"), Api::uniqueName(QStringLiteral("media"))},
                                                                                  {QStringLiteral("role"), QStringLiteral("workspace_viewer")}})
                                                            .toJson(QJsonDocument::Compact);
        if (method == "PATCH")
            body = "{\"description\":\"patched\"}";
        HeaderList headers{{"Authorization", "Bearer " + m_owner.toLatin1()}};
        if (!contentType.isEmpty())
            headers << qMakePair(QByteArray("Content-Type"), contentType);
        const RawResponse raw = rawExchange(m_env.server.serverPort(), rawRequest(method, resolve(path).toLatin1(), headers, &body));
        QVERIFY2(raw.complete, qPrintable(raw.error));
        if (status == 201) {
            E2E_EXPECT(raw.response, 201);
            m_made << raw.response.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
            return;
        }
        E2E_VERIFY_EMPTY(problemMismatch(raw.response, status, QStringLiteral("unsupported-media-type")));
    }

    // --- routing ------------------------------------------------------------------------------------

    void unknownRoute_is404_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("/v1/nope") << QStringLiteral("/v1/nope");
        QTest::newRow("/v2/health") << QStringLiteral("/v2/health");
        QTest::newRow("/") << QStringLiteral("/");
        QTest::newRow("/v1/api-keys/{id}/frobnicate") << QStringLiteral("/v1/api-keys/{key}/frobnicate");
        QTest::newRow("/v1/audit-events/export/extra") << QStringLiteral("/v1/audit-events/export/extra");
        QTest::newRow("/v1/health/x") << QStringLiteral("/v1/health/x");
    }

    void unknownRoute_is404()
    {
        QFETCH(QString, path);
        E2E_EXPECT_PROBLEM(direct("GET", resolve(path), m_owner), 404, "not-found");
    }

    void wrongMethod_is405WithAllow_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("allow");
        QTest::newRow("DELETE /v1/health") << QByteArray("DELETE") << QStringLiteral("/v1/health") << QByteArray("GET");
        QTest::newRow("POST /v1/me") << QByteArray("POST") << QStringLiteral("/v1/me") << QByteArray("GET");
        QTest::newRow("GET /v1/auth/login") << QByteArray("GET") << QStringLiteral("/v1/auth/login") << QByteArray("POST");
        QTest::newRow("PUT /v1/api-keys") << QByteArray("PUT") << QStringLiteral("/v1/api-keys") << QByteArray("GET, POST");
        QTest::newRow("DELETE /v1/api-keys") << QByteArray("DELETE") << QStringLiteral("/v1/api-keys") << QByteArray("GET, POST");
        QTest::newRow("PUT /v1/api-keys/{id}") << QByteArray("PUT") << QStringLiteral("/v1/api-keys/{key}") << QByteArray("GET, PATCH, DELETE");
        QTest::newRow("GET /v1/api-keys/{id}/disable") << QByteArray("GET") << QStringLiteral("/v1/api-keys/{key}/disable") << QByteArray("POST");
        QTest::newRow("DELETE /v1/api-keys/{id}/rotate") << QByteArray("DELETE") << QStringLiteral("/v1/api-keys/{key}/rotate") << QByteArray("POST");
        QTest::newRow("POST /v1/audit-events") << QByteArray("POST") << QStringLiteral("/v1/audit-events") << QByteArray("GET");
        // A literal path is not also an id: "lookup" has POST only, whatever /v1/api-keys/{id} has.
        QTest::newRow("GET /v1/api-keys/lookup") << QByteArray("GET") << QStringLiteral("/v1/api-keys/lookup") << QByteArray("POST");
        QTest::newRow("DELETE /v1/api-keys/lookup") << QByteArray("DELETE") << QStringLiteral("/v1/api-keys/lookup") << QByteArray("POST");
        QTest::newRow("POST /v1/quota") << QByteArray("POST") << QStringLiteral("/v1/quota") << QByteArray("GET");
    }

    void wrongMethod_is405WithAllow()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, allow);
        const QByteArray empty = "{}";
        const Response r = direct(method, resolve(path), m_owner, method == "GET" || method == "DELETE" ? nullptr : &empty);
        E2E_EXPECT_PROBLEM(r, 405, "method-not-allowed");
        QSet<QByteArray> got = methodSet(r.header("allow"));
        got.remove("HEAD");
        got.remove("OPTIONS");
        QCOMPARE(got, methodSet(allow));
    }

    // --- query parameters ---------------------------------------------------------------------------

    void badQuery_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("slug");
        auto row = [](const char *path, const char *slug) { QTest::newRow(path) << QString::fromLatin1(path) << QString::fromLatin1(slug); };
        row("/v1/api-keys?cursor=garbage!!", "invalid-cursor");
        row("/v1/api-keys?cursor=eyJ4IjoxfQ", "invalid-cursor");
        row("/v1/audit-events?cursor=garbage!!", "invalid-cursor");
        row("/v1/api-keys?cursor={audit_cursor}", "invalid-cursor");
        row("/v1/audit-events?cursor={keys_cursor}", "invalid-cursor");
        row("/v1/api-keys?status=disabled&cursor={keys_enabled_cursor}", "invalid-cursor");
        row("/v1/api-keys?q=other&cursor={keys_cursor}", "invalid-cursor");
        row("/v1/api-keys?limit=0", "invalid-parameter");
        row("/v1/api-keys?limit=1001", "invalid-parameter");
        row("/v1/api-keys?limit=99999", "invalid-parameter");
        row("/v1/api-keys?limit=abc", "invalid-parameter");
        row("/v1/api-keys?limit=-1", "invalid-parameter");
        row("/v1/api-keys?limit=1.5", "invalid-parameter");
        row("/v1/api-keys?status=bogus", "invalid-parameter");
        row("/v1/api-keys?stale_days=abc", "invalid-parameter");
        row("/v1/api-keys?rotation_days=-5", "invalid-parameter");
        row("/v1/audit-events?limit=0", "invalid-parameter");
        row("/v1/audit-events?limit=501", "invalid-parameter");
        row("/v1/audit-events?limit=999", "invalid-parameter");
        row("/v1/audit-events?limit=abc", "invalid-parameter");
        row("/v1/audit-events?since=yesterday", "invalid-parameter");
        row("/v1/audit-events?since=2026-13-45T00:00:00.000Z", "invalid-parameter");
        row("/v1/audit-events?until=not-a-time", "invalid-parameter");
        row("/v1/audit-events?outcome=maybe", "invalid-parameter");
        row("/v1/audit-events?after_id=abc", "invalid-parameter");
        row("/v1/audit-events/export?format=xml", "invalid-parameter");
        row("/v1/audit-events?action=no_such_action", "invalid-parameter");
        row("/v1/audit-events/export?format=csv&action=api_key.nope", "invalid-parameter");
        row("/v1/api-keys?cursor=", "invalid-parameter");
        row("/v1/audit-events?cursor=", "invalid-parameter");
        row("/v1/api-keys?stale_days=3651", "invalid-parameter");
        QTest::newRow("over-long cursor") << QStringLiteral("/v1/api-keys?cursor=") + QString(600, u'A') << QStringLiteral("invalid-cursor");
        row("/v1/audit-events/export?format=csv&since=yesterday", "invalid-parameter");
        // Ids have the documented patterns: one that cannot be an id is a mistake, not a filter matching nothing.
        row("/v1/api-keys?workspace_id=foo", "invalid-parameter");
        row("/v1/api-keys?workspace_id=", "invalid-parameter");
        row("/v1/api-keys?workspace_id=key_AAAAAAAAAAAAAAAA", "invalid-parameter");
        row("/v1/api-keys?workspace_id=ws_AAAAAAAAAAAAAAA%21", "invalid-parameter");
        row("/v1/api-keys?workspace_id=ws_AAAAAAAAAAAAAAAA%0A", "invalid-parameter");
        row("/v1/audit-events?api_key_id=foo", "invalid-parameter");
        row("/v1/audit-events?api_key_id=usr_AAAAAAAAAAAAAAAA", "invalid-parameter");
        row("/v1/audit-events?actor_id=foo", "invalid-parameter");
        row("/v1/audit-events?actor_id=ws_AAAAAAAAAAAAAAAA", "invalid-parameter");
        row("/v1/audit-events/export?format=csv&api_key_id=key_short", "invalid-parameter");
        row("/v1/audit-events/export?format=csv&actor_id=usr_AAAAAAAAAAAAAAAAA", "invalid-parameter");
    }

    void badQuery()
    {
        QFETCH(QString, path);
        QFETCH(QString, slug);
        auto cursorOf = [&](const QString &list) {
            const Response r = direct("GET", list, m_owner);
            const QString cursor = r.json().value(QStringLiteral("next_cursor")).toString();
            if (r.status != 200 || cursor.isEmpty())
                E2E_FAIL_AT(QStringLiteral("need a next_cursor from %1:\n%2").arg(list, r.describe()));
            return enc(cursor);
        };
        if (path.contains(QStringLiteral("{audit_cursor}")))
            path.replace(QStringLiteral("{audit_cursor}"), cursorOf(QStringLiteral("/v1/audit-events?limit=1")));
        if (path.contains(QStringLiteral("{keys_cursor}")))
            path.replace(QStringLiteral("{keys_cursor}"), cursorOf(QStringLiteral("/v1/api-keys?limit=1")));
        if (path.contains(QStringLiteral("{keys_enabled_cursor}")))
            path.replace(QStringLiteral("{keys_enabled_cursor}"), cursorOf(QStringLiteral("/v1/api-keys?limit=1&status=enabled")));
        E2E_RETURN_IF_FAILED();
        E2E_VERIFY_EMPTY(problemMismatch(direct("GET", path, m_owner), 400, slug));
    }

    void goodCursor_onTheSameList_works()
    {
        const Response first = direct("GET", QStringLiteral("/v1/api-keys?limit=1&status=enabled"), m_owner);
        E2E_EXPECT(first, 200);
        const QString cursor = first.json().value(QStringLiteral("next_cursor")).toString();
        QVERIFY(!cursor.isEmpty());
        E2E_EXPECT(direct("GET", QStringLiteral("/v1/api-keys?limit=1&status=enabled&cursor=") + enc(cursor), m_owner), 200);
    }

    // --- credentials --------------------------------------------------------------------------------

    void badCredentials_data()
    {
        QTest::addColumn<QByteArray>("authorization"); // empty: no header
        QTest::addColumn<QString>("slug"); // "" : either unauthenticated or invalid-token
        const QString good = datarecs::KeyFormat::compose(randomPart());
        QString badChecksum = good;
        badChecksum[badChecksum.size() - 1] = badChecksum.at(badChecksum.size() - 1) == u'0' ? u'1' : u'0';
        QString badCharacter = good;
        badCharacter[10] = u'-';
        QTest::newRow("no Authorization") << QByteArray() << QStringLiteral("unauthenticated");
        QTest::newRow("key without prefix") << QByteArray("Bearer ") + good.mid(4).toLatin1() << QStringLiteral("invalid-token");
        QTest::newRow("key with another prefix") << QByteArray("Bearer xyz_") + good.mid(4).toLatin1() << QStringLiteral("invalid-token");
        QTest::newRow("key too short") << QByteArray("Bearer drk_abc123") << QStringLiteral("invalid-token");
        QTest::newRow("key too long") << QByteArray("Bearer ") + good.toLatin1() + "A" << QStringLiteral("invalid-token");
        QTest::newRow("key with bad checksum") << QByteArray("Bearer ") + badChecksum.toLatin1() << QStringLiteral("invalid-token");
        QTest::newRow("key with a non-base62 character") << QByteArray("Bearer ") + badCharacter.toLatin1() << QStringLiteral("invalid-token");
        QTest::newRow("unknown well-formed key") << QByteArray("Bearer ") + good.toLatin1() << QStringLiteral("invalid-token");
        QTest::newRow("unknown session token") << QByteArray("Bearer drs_") + QByteArray(43, 'A') << QStringLiteral("invalid-token");
        QTest::newRow("garbage session token") << QByteArray("Bearer drs_!!") << QStringLiteral("invalid-token");
        QTest::newRow("Bearer without a value") << QByteArray("Bearer") << QString();
        QTest::newRow("Basic scheme") << QByteArray("Basic dXNlcjpwYXNz") << QString();
    }

    void badCredentials()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(QString, slug);
        HeaderList headers;
        if (!authorization.isEmpty())
            headers << qMakePair(QByteArray("Authorization"), authorization);
        for (const QByteArray &target : {QByteArray("/v1/me"), QByteArray("/v1/api-keys")}) {
            const RawResponse raw = rawExchange(m_env.server.serverPort(), rawRequest("GET", target, headers));
            QVERIFY2(raw.complete, qPrintable(raw.error));
            QString expected = slug;
            if (expected.isEmpty())
                expected = problemSlug(raw.response) == QStringLiteral("invalid-token") ? QStringLiteral("invalid-token")
                                                                                        : QStringLiteral("unauthenticated");
            E2E_VERIFY_EMPTY(problemMismatch(raw.response, 401, expected));
            if (expected == QStringLiteral("invalid-token"))
                QVERIFY2(raw.response.header("www-authenticate").contains("error_description="), qPrintable(raw.response.describe()));
            // The refusal never echoes the credential.
            if (authorization.size() > 12)
                QVERIFY(!raw.response.body.contains(authorization.mid(7)));
        }
    }

    void keyWithOneCharacterChanged_isRefused()
    {
        // Case matters: flipping a letter breaks the checksum of a real key.
        QString typo = m_keySecret;
        for (qsizetype i = 4; i < typo.size(); ++i) {
            if (typo.at(i).isLetter()) {
                typo[i] = typo.at(i).isUpper() ? typo.at(i).toLower() : typo.at(i).toUpper();
                break;
            }
        }
        QVERIFY(!datarecs::KeyFormat::isValid(typo));
        E2E_EXPECT(direct("GET", QStringLiteral("/v1/me"), m_keySecret), 200);
        E2E_EXPECT_PROBLEM(direct("GET", QStringLiteral("/v1/me"), typo), 401, "invalid-token");
    }

    void idempotencyKey_malformed_is400_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("256 characters") << QByteArray(256, 'k');
        QTest::newRow("control character") << QByteArray("abc\x01" "def");
        QTest::newRow("non-ASCII byte") << QByteArray("abc\xc3\xa9");
    }

    void idempotencyKey_malformed_is400()
    {
        QFETCH(QByteArray, value);
        const QByteArray body = "{\"name\":\"idem-bad\",\"role\":\"workspace_viewer\"}";
        const RawResponse raw = rawExchange(m_env.server.serverPort(),
                                            rawRequest("POST", "/v1/api-keys",
                                                       {{"Authorization", "Bearer " + m_owner.toLatin1()},
                                                        {"Content-Type", "application/json"},
                                                        {"Idempotency-Key", value}},
                                                       &body));
        QVERIFY2(raw.complete, qPrintable(raw.error));
        if (raw.response.status == 201)
            m_made << raw.response.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        // The notes do not name the problem type for a bad header; invalid-parameter is the closest.
        const QString slug = problemSlug(raw.response);
        QVERIFY2(slug == QStringLiteral("invalid-parameter") || slug == QStringLiteral("validation-failed"), qPrintable(raw.response.describe()));
        E2E_VERIFY_EMPTY(problemMismatch(raw.response, 400, slug));
    }

    // --- what a path, a header or a text holds ------------------------------------------------------

    void keyValuePastedAsAnId_isNotKeptInTheAuditLog()
    {
        const CreatedKey key = api().createKey(m_owner, QStringLiteral("workspace_viewer"));
        E2E_RETURN_IF_FAILED();
        m_made << key.id;
        E2E_EXPECT_PROBLEM(direct("DELETE", QStringLiteral("/v1/api-keys/") + key.secret, m_owner), 404, "not-found");
        E2E_EXPECT_PROBLEM(direct("POST", QStringLiteral("/v1/api-keys/") + key.secret + QStringLiteral("/disable"), m_owner),
                           404, "not-found");
        const Response events = direct("GET", QStringLiteral("/v1/audit-events?limit=20"), m_owner);
        E2E_EXPECT(events, 200);
        QVERIFY2(!events.body.contains(key.secret.toLatin1()), qPrintable(events.describe()));
        QVERIFY2(!events.body.contains(key.secret.left(20).toLatin1()), qPrintable(events.describe()));
        const Response csv = direct("GET", QStringLiteral("/v1/audit-events/export?format=csv&action=api_key.delete"), m_owner);
        E2E_EXPECT(csv, 200);
        QVERIFY(!csv.body.contains(key.secret.left(20).toLatin1()));
        // The key still works: pasting it where an id goes did nothing to it.
        E2E_EXPECT(direct("GET", QStringLiteral("/v1/me"), key.secret), 200);
    }

    void encodedSlash_isPartOfTheId_notAPathSeparator()
    {
        const CreatedKey key = api().createKey(m_owner, QStringLiteral("workspace_viewer"));
        E2E_RETURN_IF_FAILED();
        m_made << key.id;
        // One segment, "key_.../disable": a key id that POST does not apply to, and that no key has.
        E2E_EXPECT_PROBLEM(direct("POST", QStringLiteral("/v1/api-keys/") + key.id + QStringLiteral("%2Fdisable"), m_owner), 405,
                           "method-not-allowed");
        E2E_EXPECT_PROBLEM(direct("DELETE", QStringLiteral("/v1/api-keys/") + key.id + QStringLiteral("%2Fdisable"), m_owner), 404,
                           "not-found");
        E2E_EXPECT_PROBLEM(direct("GET", QStringLiteral("/v1/api-keys%2F") + key.id, m_owner), 404, "not-found");
        const Response after = direct("GET", QStringLiteral("/v1/api-keys/") + key.id, m_owner);
        E2E_EXPECT(after, 200);
        QCOMPARE(after.json().value(QStringLiteral("status")).toString(), QStringLiteral("enabled"));
    }

    void encodedLineBreakInAPath_cannotForgeAnAccessLogLine()
    {
        const QString forged = QStringLiteral("2026-01-01T00:00:00.000Z DELETE /v1/api-keys/key_forged 204");
        E2E_EXPECT_PROBLEM(direct("GET", QStringLiteral("/v1/x%0A") + QString::fromLatin1(QUrl::toPercentEncoding(forged)), m_owner),
                           404, "not-found");
        QTRY_VERIFY(m_env.server.serverLog().contains("/v1/x%0A"));
        QVERIFY2(!m_env.server.serverLog().contains("\n" + forged.toLatin1()),
                 m_env.server.serverLog().right(2000).constData());
    }

    void bearerScheme_inAnyCaseAndSpacing_isAccepted()
    {
        for (const QByteArray &prefix : {QByteArray("bearer "), QByteArray("BEARER "), QByteArray("Bearer   ")}) {
            Request r;
            r.path = QStringLiteral("/v1/me");
            r.route = Route::Direct;
            r.headers = {{"Authorization", prefix + m_keySecret.toLatin1()}};
            E2E_EXPECT(http().send(r), 200);
        }
        Request noSpace;
        noSpace.path = QStringLiteral("/v1/me");
        noSpace.route = Route::Direct;
        noSpace.headers = {{"Authorization", "Bearer" + m_keySecret.toLatin1()}};
        E2E_EXPECT_PROBLEM(http().send(noSpace), 401, "invalid-token");
    }

    void login_withTextThatCannotBeAnEmail_isWrongCredentials()
    {
        for (const QString &email : {QStringLiteral("a"), QString(), QString(300, u'x') + QStringLiteral("@acme.test"),
                                     QStringLiteral("owner@acme.test\u0001")}) {
            const QByteArray body =
                QJsonDocument(QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), QStringLiteral("x")}})
                    .toJson(QJsonDocument::Compact);
            E2E_EXPECT_PROBLEM(direct("POST", QStringLiteral("/v1/auth/login"), {}, &body), 401, "invalid-credentials");
        }
    }

    void keyRequest_toAnUnknownPathOrWithAWrongMethod_isAudited()
    {
        // Every request made with a key is on record, including those refused before any route ran.
        const QList<QPair<QByteArray, QString>> requests{{"GET", QStringLiteral("/v1/no-such-thing")},
                                                         {"PUT", QStringLiteral("/v1/api-keys")}};
        for (const auto &[method, path] : requests) {
            const Response refused = direct(method, path, m_keySecret);
            QVERIFY2(refused.status == 404 || refused.status == 405, qPrintable(refused.describe()));
            const Response events =
                direct("GET", QStringLiteral("/v1/audit-events?action=api_key.request&limit=1&api_key_id=") + m_keyId, m_owner);
            E2E_EXPECT(events, 200);
            const QJsonObject event = events.json().value(QStringLiteral("items")).toArray().at(0).toObject();
            QVERIFY2(event.value(QStringLiteral("request_id")).toString().toLatin1() == refused.header("x-request-id"),
                     qPrintable(QStringLiteral("%1 %2 made with a key is not on record:\n%3")
                                    .arg(QString::fromLatin1(method), path, events.describe())));
            QCOMPARE(event.value(QStringLiteral("actor")).toObject().value(QStringLiteral("id")).toString(), m_keyId);
            QCOMPARE(event.value(QStringLiteral("outcome")).toString(), QStringLiteral("refused"));
            QCOMPARE(event.value(QStringLiteral("http_status")).toInt(), refused.status);
            QCOMPARE(event.value(QStringLiteral("path")).toString(), path);
        }
    }

    void login_malformedBody_isAuditedAsARefusedSignIn()
    {
        // Refused sign-ins are on record whatever made them fail, in the tenant of the account they name
        // (where its admins look), and never with the password.
        const QString email = m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner")).email;
        const QString password = QStringLiteral("Tr0ub4dor&3-not-the-password");
        const QList<QByteArray> bodies{
            QJsonDocument(QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), QString()}}).toJson(),
            QJsonDocument(QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), QJsonArray{password}}}).toJson(),
            QJsonDocument(QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password},
                                      {QStringLiteral("remember"), true}})
                .toJson(),
        };
        for (const QByteArray &body : bodies) {
            const Response refused = direct("POST", QStringLiteral("/v1/auth/login"), {}, &body);
            E2E_VERIFY_EMPTY(problemMismatch(refused, 400, QStringLiteral("validation-failed")));
            const Response events = direct("GET", QStringLiteral("/v1/audit-events?action=auth.login&limit=5"), m_owner);
            E2E_EXPECT(events, 200);
            const QJsonObject event = events.json().value(QStringLiteral("items")).toArray().at(0).toObject();
            QVERIFY2(event.value(QStringLiteral("request_id")).toString().toLatin1() == refused.header("x-request-id"),
                     qPrintable(QStringLiteral("the refused sign-in is not the newest auth.login event:\n") + events.describe()));
            QCOMPARE(event.value(QStringLiteral("outcome")).toString(), QStringLiteral("refused"));
            QCOMPARE(event.value(QStringLiteral("http_status")).toInt(), 400);
            QCOMPARE(event.value(QStringLiteral("target")).toObject().value(QStringLiteral("name")).toString(), email);
            QVERIFY2(!events.body.contains(password.toUtf8()), events.body.constData());
        }
    }

    void anyRfc3339Form_isAccepted()
    {
        const QString when = QDateTime::currentDateTimeUtc().addDays(30).toString(QStringLiteral("yyyy-MM-dd't'HH:mm:ss.zzz123456'z'"));
        const Response created = postKey({{QStringLiteral("name"), QStringLiteral("lower-case expiry")},
                                          {QStringLiteral("role"), QStringLiteral("workspace_viewer")},
                                          {QStringLiteral("expires_at"), when}});
        E2E_EXPECT(created, 201);
        const QJsonObject key = created.json().value(QStringLiteral("api_key")).toObject();
        QCOMPARE(key.value(QStringLiteral("expires_at")).toString().left(23), when.toUpper().left(23));
        E2E_EXPECT(direct("GET", QStringLiteral("/v1/audit-events?limit=1&since=2026-01-01t00:00:00z"), m_owner), 200);
        // Three calendar years ahead, to the day, is still allowed.
        E2E_EXPECT(postKey({{QStringLiteral("name"), QStringLiteral("three years")},
                            {QStringLiteral("role"), QStringLiteral("workspace_viewer")},
                            {QStringLiteral("expires_at"),
                             QDateTime::currentDateTimeUtc().addYears(3).addSecs(-60).toString(Qt::ISODate)}}),
                   201);
    }

    void lengths_countCharacters_notUtf16Units()
    {
        const QString key = QString::fromUcs4(U"\U0001F511");
        QString hundred;
        for (int i = 0; i < 100; ++i)
            hundred += key;
        auto create = [&](const QString &name) {
            return postKey({{QStringLiteral("name"), name}, {QStringLiteral("role"), QStringLiteral("workspace_viewer")}});
        };
        E2E_EXPECT(create(hundred), 201);
        const Response tooLong = create(hundred + key);
        E2E_VERIFY_EMPTY(problemMismatch(tooLong, 400, QStringLiteral("validation-failed")));
        E2E_VERIFY_EMPTY(errorsMismatch(tooLong, QStringLiteral("name")));
    }

    void rotation_ofANameEndingInAnEmoji_keepsTheEmojiWhole()
    {
        const QString name = QString(69, u'a') + QString::fromUcs4(U"\U0001F600");
        const Response created =
            postKey({{QStringLiteral("name"), name}, {QStringLiteral("role"), QStringLiteral("workspace_viewer")}});
        E2E_EXPECT(created, 201);
        const QString id = created.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        const Response rotated = direct("POST", QStringLiteral("/v1/api-keys/") + id + QStringLiteral("/rotate"), m_owner);
        E2E_EXPECT(rotated, 201);
        const QString newName = rotated.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("name")).toString();
        m_made << rotated.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        QVERIFY2(QStringView(newName).isValidUtf16(), qPrintable(newName));
        QVERIFY2(newName.startsWith(QString(69, u'a') + QStringLiteral(" (rotated ")), qPrintable(newName));
    }

    void restrictedKey_namingAWorkspaceItCannotSee_isTheSameAsAnUnknownOne()
    {
        const QList<QJsonObject> workspaces = api().workspaces(m_owner);
        QVERIFY(workspaces.size() >= 2);
        const QString own = workspaces.at(0).value(QStringLiteral("id")).toString();
        const QString other = workspaces.at(1).value(QStringLiteral("id")).toString();
        const Response admin = postKey({{QStringLiteral("name"), QStringLiteral("restricted admin")},
                                        {QStringLiteral("role"), QStringLiteral("admin")},
                                        {QStringLiteral("workspace_id"), own}});
        E2E_EXPECT(admin, 201);
        const QString restricted = admin.json().value(QStringLiteral("secret")).toString();
        auto createIn = [&](const QString &workspace) {
            return postKey({{QStringLiteral("name"), QStringLiteral("x")},
                            {QStringLiteral("role"), QStringLiteral("workspace_viewer")},
                            {QStringLiteral("workspace_id"), workspace}},
                           restricted);
        };
        const Response hidden = createIn(other);
        const Response unknown = createIn(QStringLiteral("ws_0000000000000000"));
        E2E_VERIFY_EMPTY(problemMismatch(hidden, 400, QStringLiteral("validation-failed")));
        E2E_VERIFY_EMPTY(problemMismatch(unknown, 400, QStringLiteral("validation-failed")));
        QCOMPARE(hidden.json().value(QStringLiteral("errors")), unknown.json().value(QStringLiteral("errors")));
    }

    // --- broken HTTP --------------------------------------------------------------------------------

    void malformedHttp_doesNotHurtTheServer_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("garbage request line") << QByteArray("HELLO\r\n\r\n");
        QTest::newRow("binary noise") << QByteArray("\x00\x01\x02\xff\xfe\r\n\r\n", 9);
        QTest::newRow("header without colon") << QByteArray("GET /v1/health HTTP/1.1\r\nHost 127.0.0.1\r\nConnection: close\r\n\r\n");
        QTest::newRow("non-numeric Content-Length")
            << QByteArray("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}");
        QTest::newRow("Content-Length larger than the body")
            << QByteArray("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{}");
        QTest::newRow("HTTP/9.9") << QByteArray("GET /v1/health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n");
        QTest::newRow("64 KiB header") << QByteArray("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ") + QByteArray(64 * 1024, 'a')
                + QByteArray("\r\nConnection: close\r\n\r\n");
        QTest::newRow("path traversal") << QByteArray("GET /v1/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    void malformedHttp_doesNotHurtTheServer()
    {
        QFETCH(QByteArray, bytes);
        const RawResponse raw = rawExchange(m_env.server.serverPort(), bytes, 5000);
        // Whatever the HTTP layer answers (or closing the connection), it must not be a success
        // and the server must stay up.
        if (raw.response.status != 0)
            QVERIFY2(raw.response.status < 500 || raw.response.status == 505, qPrintable(raw.response.describe()));
        if (raw.response.status >= 400 && raw.response.header("content-type").startsWith("application/problem+json"))
            QVERIFY2(raw.response.json().value(QStringLiteral("status")).toInt() == raw.response.status, qPrintable(raw.response.describe()));
        QVERIFY2(m_env.server.serverRunning(), qPrintable(QString::fromUtf8(m_env.server.serverLog().right(3000))));
        E2E_EXPECT(direct("GET", QStringLiteral("/v1/health"), {}), 200);
    }

    void headAnswer_hasNoBody_andTheConnectionServesTheNextRequest()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_env.server.serverPort());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("HEAD /v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QByteArray answer;
        QElapsedTimer clock;
        clock.start();
        while (socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < 10000) {
            socket.waitForReadyRead(100);
            answer += socket.readAll();
        }
        answer += socket.readAll();
        // The first answer's head is followed at once by the second answer.
        const qsizetype firstHeadEnd = answer.indexOf("\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 ") && firstHeadEnd > 0, answer.constData());
        QVERIFY2(answer.mid(firstHeadEnd + 4).startsWith("HTTP/1.1 200"), answer.constData());
        QVERIFY2(answer.endsWith("}") || answer.endsWith("}\n"), answer.constData());
    }

    void conflictingContentLengths_areRefused()
    {
        const QByteArray twoLengths = "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                      "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
        const RawResponse raw = rawExchange(m_env.server.serverPort(), twoLengths, 5000);
        E2E_VERIFY_EMPTY(problemMismatch(raw.response, 400, QStringLiteral("malformed-request")));
        const QByteArray both = "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
        E2E_VERIFY_EMPTY(problemMismatch(rawExchange(m_env.server.serverPort(), both, 5000).response, 400,
                                         QStringLiteral("malformed-request")));
        E2E_EXPECT(direct("GET", QStringLiteral("/v1/health"), {}), 200);
    }

    void server_afterAllOfThat_stillServes()
    {
        QVERIFY2(m_env.server.serverRunning(), qPrintable(QString::fromUtf8(m_env.server.serverLog().right(3000))));
        const Response r = direct("GET", QStringLiteral("/v1/health"), {});
        E2E_EXPECT(r, 200);
        QCOMPARE(r.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        E2E_EXPECT(direct("GET", QStringLiteral("/v1/me"), m_owner), 200);
        for (const QString &id : std::as_const(m_made)) {
            if (!id.isEmpty())
                E2E_EXPECT(direct("DELETE", QStringLiteral("/v1/api-keys/") + id, m_owner), 204);
        }
    }
};

QTEST_GUILESS_MAIN(BadInput)
#include "tst_bad_input.moc"
