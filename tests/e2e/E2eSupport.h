#pragma once

#include "HttpClient.h"
#include "TestServer.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QTest>

#include <memory>

namespace e2e {

/// Records a test failure from a helper that cannot return through QVERIFY; callers follow the helper
/// with E2E_RETURN_IF_FAILED().
void fail(const QString &message, const char *file, int line);
#define E2E_FAIL_AT(message) ::e2e::fail((message), __FILE__, __LINE__)
#define E2E_RETURN_IF_FAILED()                                                                                         \
    do {                                                                                                               \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

/// Empty when the response has the status and nothing unexpected (Prism violation, header miss).
QString statusMismatch(const Response &response, int status);
/// Empty when the response is an RFC 9457 problem of that status and slug, shaped as the contract says:
/// application/problem+json, type/title/status/request_id (== X-Request-Id), 401s with WWW-Authenticate.
QString problemMismatch(const Response &response, int status, const QString &slug);
/// Empty when value is an RFC 3339 UTC timestamp with milliseconds.
QString timestampMismatch(const QJsonValue &value, bool nullable = false);
/// Empty when object has every ApiKey field with the right type and no secret-looking value.
QString apiKeyMismatch(const QJsonObject &object);

#define E2E_EXPECT(response, code)                                                                                     \
    do {                                                                                                               \
        const QString e2eMismatch_ = ::e2e::statusMismatch((response), (code));                                        \
        QVERIFY2(e2eMismatch_.isEmpty(), qPrintable(e2eMismatch_));                                                     \
    } while (false)
#define E2E_EXPECT_PROBLEM(response, code, slug)                                                                       \
    do {                                                                                                               \
        const QString e2eMismatch_ = ::e2e::problemMismatch((response), (code), QStringLiteral(slug));                 \
        QVERIFY2(e2eMismatch_.isEmpty(), qPrintable(e2eMismatch_));                                                     \
    } while (false)
#define E2E_VERIFY_EMPTY(expression)                                                                                   \
    do {                                                                                                               \
        const QString e2eMismatch_ = (expression);                                                                     \
        QVERIFY2(e2eMismatch_.isEmpty(), qPrintable(e2eMismatch_));                                                     \
    } while (false)

QString enc(const QString &value); // percent-encoded for a query string
QString problemSlug(const Response &response); // "not-found" from the problem type, or ""
QString problemType(const QString &slug); // https://datarecs.dev/problems/<slug>

struct CreatedKey
{
    QString id;
    QString secret;
    QJsonObject apiKey;
    Response response;
    bool ok() const { return !id.isEmpty(); }
};

/// Typed helpers over the REST contract. Each records a test failure (with the whole exchange) when
/// the server does not answer with the expected status and returns an empty value; follow with
/// E2E_RETURN_IF_FAILED(). Contract violations in their traffic fail the test in cleanup().
class Api
{
public:
    explicit Api(HttpClient &client)
        : m_client(client)
    {
    }

    QString login(const QString &email, const QString &password);
    QString login(const DemoUser &user) { return login(user.email, user.password); }
    CreatedKey createKey(const QString &token, const QString &role, const QString &workspaceId = {},
                         const QString &name = {}, const QString &description = {});
    QJsonObject getKey(const QString &token, const QString &id);
    QJsonObject me(const QString &token);
    QJsonObject quota(const QString &token);
    bool deleteKey(const QString &token, const QString &id);
    bool setEnabled(const QString &token, const QString &id, bool enabled);
    QList<QJsonObject> workspaces(const QString &token);
    /// Walks every page of a list ("/v1/api-keys?status=enabled"), following next_cursor.
    /// *pages receives the number of pages; fails on a repeated cursor or more than maxPages pages.
    QList<QJsonObject> listAll(const QString &token, const QString &pathWithQuery, int limit, int *pages = nullptr,
                               int maxPages = 400);
    /// A name unique to this run, so lists can be filtered to the keys a test made.
    static QString uniqueName(const QString &stem);

    HttpClient &client() { return m_client; }

private:
    HttpClient &m_client;
};

/// One started server + proxy + client + helpers, for a test class's initTestCase().
struct Environment
{
    TestServer server;
    std::unique_ptr<HttpClient> client;
    std::unique_ptr<Api> api;

    bool start(const TestServer::Options &options, QString *error);
    /// Fails the current test when any exchange since the last call had an unexpected violation.
    void verifyNoUnexpected(const char *file, int line);
    /// Keeps initTestCase()'s violations for a test of their own, so a drift in the setup traffic
    /// fails one named test instead of aborting the suite.
    void deferSetupTraffic();
    /// The body of each suite's first test, setupTraffic_matchesContract().
    void verifySetupTraffic(const char *file, int line);
    QStringList setupIssues;

private:
    bool m_reportedDeath = false;
};

#define E2E_CHECK_TRAFFIC(environment) (environment).verifyNoUnexpected(__FILE__, __LINE__)

} // namespace e2e
