#include "E2eSupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QUuid>

namespace e2e {

namespace {

const QString ProblemBase = QStringLiteral("https://datarecs.dev/problems/");

} // namespace

void fail(const QString &message, const char *file, int line)
{
    QTest::qFail(qPrintable(message), file, line);
}

QString enc(const QString &value) { return QString::fromLatin1(QUrl::toPercentEncoding(value)); }

QString problemType(const QString &slug) { return ProblemBase + slug; }

QString problemSlug(const Response &response)
{
    const QString type = response.json().value(QStringLiteral("type")).toString();
    return type.startsWith(ProblemBase) ? type.mid(ProblemBase.size()) : QString();
}

QString statusMismatch(const Response &response, int status)
{
    if (response.status == status && response.unexpected.isEmpty())
        return {};
    return QStringLiteral("expected HTTP %1:\n%2").arg(status).arg(response.describe());
}

QString problemMismatch(const Response &response, int status, const QString &slug)
{
    QStringList issues;
    if (response.status != status)
        issues << QStringLiteral("status %1, expected %2").arg(response.status).arg(status);
    issues << response.unexpected;
    const QByteArray contentType = response.header("content-type").toLower();
    if (!contentType.startsWith("application/problem+json"))
        issues << QStringLiteral("Content-Type '%1', expected application/problem+json").arg(QString::fromLatin1(contentType));
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(response.body, &parseError);
    if (!doc.isObject()) {
        issues << QStringLiteral("body is not a JSON object");
    } else {
        const QJsonObject problem = doc.object();
        const QString type = problem.value(QStringLiteral("type")).toString();
        if (type != problemType(slug))
            issues << QStringLiteral("type '%1', expected '%2'").arg(type, problemType(slug));
        if (problem.value(QStringLiteral("title")).toString().isEmpty())
            issues << QStringLiteral("title missing or empty");
        if (problem.value(QStringLiteral("status")).toInt(-1) != status || !problem.value(QStringLiteral("status")).isDouble())
            issues << QStringLiteral("problem status member is not %1").arg(status);
        const QString requestId = problem.value(QStringLiteral("request_id")).toString();
        static const QRegularExpression idPattern(QStringLiteral("^req_[0-9A-Za-z]{22}$"));
        if (!idPattern.match(requestId).hasMatch())
            issues << QStringLiteral("contract: request_id '%1' malformed").arg(requestId);
        else if (requestId != QString::fromLatin1(response.header("x-request-id")))
            issues << QStringLiteral("request_id differs from X-Request-Id");
        if (problem.contains(QStringLiteral("errors")) && slug != QStringLiteral("validation-failed"))
            issues << QStringLiteral("'errors' present on a %1 problem").arg(slug);
        if (slug == QStringLiteral("validation-failed") && !problem.value(QStringLiteral("errors")).isArray())
            issues << QStringLiteral("validation-failed without an errors array");
        if (slug == QStringLiteral("quota-exceeded")
            && (!problem.value(QStringLiteral("limit")).isDouble() || !problem.value(QStringLiteral("used")).isDouble()))
            issues << QStringLiteral("quota-exceeded without numeric limit/used");
    }
    if (status == 401) {
        const QList<QByteArray> challenges = response.headerValues("www-authenticate");
        const QByteArray joined = challenges.join(", ");
        if (!joined.startsWith("Bearer realm=\"datarecs\""))
            issues << QStringLiteral("WWW-Authenticate '%1', expected Bearer realm=\"datarecs\"...").arg(QString::fromLatin1(joined));
        if (slug == QStringLiteral("invalid-token") && !joined.contains("error=\"invalid_token\""))
            issues << QStringLiteral("WWW-Authenticate lacks error=\"invalid_token\"");
        if (slug != QStringLiteral("invalid-token") && joined.contains("error="))
            issues << QStringLiteral("WWW-Authenticate carries an error for a %1 problem").arg(slug);
    }
    if (status == 405 && response.header("allow").isEmpty())
        issues << QStringLiteral("405 without Allow header");
    issues.removeIf([](const QString &issue) { return isTolerated(issue); });
    if (issues.isEmpty())
        return {};
    return QStringLiteral("expected problem %1 %2: %3\n%4").arg(status).arg(slug, issues.join(QStringLiteral("; ")), response.describe());
}

QString timestampMismatch(const QJsonValue &value, bool nullable)
{
    if (value.isNull() && nullable)
        return {};
    static const QRegularExpression pattern(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"));
    const QString text = value.toString();
    if (!value.isString() || !pattern.match(text).hasMatch() || !QDateTime::fromString(text, Qt::ISODateWithMs).isValid())
        return QStringLiteral("not an RFC 3339 UTC timestamp with milliseconds: %1")
            .arg(QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)));
    return {};
}

QString apiKeyMismatch(const QJsonObject &key)
{
    QStringList issues;
    static const QRegularExpression idPattern(QStringLiteral("^key_[0-9A-Za-z]{16}$"));
    if (!idPattern.match(key.value(QStringLiteral("id")).toString()).hasMatch())
        issues << QStringLiteral("id malformed");
    for (const char *field : {"name", "description", "role", "hint"}) {
        if (!key.value(QLatin1StringView(field)).isString())
            issues << QStringLiteral("%1 not a string").arg(QLatin1StringView(field));
    }
    if (!key.value(QStringLiteral("enabled")).isBool())
        issues << QStringLiteral("enabled not a bool");
    const QString status = key.value(QStringLiteral("status")).toString();
    if (status != QStringLiteral("enabled") && status != QStringLiteral("disabled") && status != QStringLiteral("expired"))
        issues << QStringLiteral("status '%1'").arg(status);
    if (!key.value(QStringLiteral("hint")).toString().startsWith(QStringLiteral("drk_")))
        issues << QStringLiteral("hint does not start with drk_");
    if (key.value(QStringLiteral("hint")).toString().size() > 12)
        issues << QStringLiteral("hint too long to be a hint");
    for (const char *field : {"created_at", "updated_at"}) {
        const QString m = timestampMismatch(key.value(QLatin1StringView(field)));
        if (!m.isEmpty())
            issues << QLatin1StringView(field) + QStringLiteral(": ") + m;
    }
    for (const char *field : {"last_used_at", "expires_at"}) {
        const QString m = timestampMismatch(key.value(QLatin1StringView(field)), true);
        if (!m.isEmpty() || !key.contains(QLatin1StringView(field)))
            issues << QLatin1StringView(field) + QStringLiteral(": missing or ") + m;
    }
    for (const char *field : {"last_used_ip", "replaces", "replaced_by"}) {
        const QJsonValue v = key.value(QLatin1StringView(field));
        if (!key.contains(QLatin1StringView(field)) || !(v.isNull() || v.isString()))
            issues << QStringLiteral("%1 missing or not string|null").arg(QLatin1StringView(field));
    }
    const QJsonValue workspace = key.value(QStringLiteral("workspace"));
    if (!key.contains(QStringLiteral("workspace")) || !(workspace.isNull() || workspace.isObject()))
        issues << QStringLiteral("workspace missing or not object|null");
    const QJsonObject createdBy = key.value(QStringLiteral("created_by")).toObject();
    if (createdBy.value(QStringLiteral("id")).toString().isEmpty() || createdBy.value(QStringLiteral("type")).toString().isEmpty())
        issues << QStringLiteral("created_by incomplete");
    if (key.contains(QStringLiteral("secret")))
        issues << QStringLiteral("a key object carries 'secret'");
    static const QRegularExpression secretLike(QStringLiteral("drk_[0-9A-Za-z]{36}"));
    if (secretLike.match(QString::fromUtf8(QJsonDocument(key).toJson(QJsonDocument::Compact))).hasMatch())
        issues << QStringLiteral("a key object carries a full key value");
    if (issues.isEmpty())
        return {};
    return QStringLiteral("ApiKey shape: %1 in %2")
        .arg(issues.join(QStringLiteral("; ")), QString::fromUtf8(QJsonDocument(key).toJson(QJsonDocument::Compact)));
}

// ---------------------------------------------------------------------------------------------

QString Api::uniqueName(const QString &stem)
{
    return stem + QLatin1Char('-') + QUuid::createUuid().toString(QUuid::Id128).left(10);
}

QString Api::login(const QString &email, const QString &password)
{
    const Response r = m_client.post(QStringLiteral("/v1/auth/login"), {},
                                     QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    const QString token = r.json().value(QStringLiteral("token")).toString();
    if (r.status != 200 || !token.startsWith(QStringLiteral("drs_"))) {
        E2E_FAIL_AT(QStringLiteral("login as %1 failed:\n%2").arg(email, r.describe()));
        return {};
    }
    return token;
}

CreatedKey Api::createKey(const QString &token, const QString &role, const QString &workspaceId, const QString &name,
                          const QString &description)
{
    QJsonObject body{{QStringLiteral("name"), name.isEmpty() ? uniqueName(QStringLiteral("e2e-") + role) : name},
                     {QStringLiteral("role"), role}};
    if (!workspaceId.isEmpty())
        body.insert(QStringLiteral("workspace_id"), workspaceId);
    if (!description.isEmpty())
        body.insert(QStringLiteral("description"), description);
    CreatedKey out;
    out.response = m_client.post(QStringLiteral("/v1/api-keys"), token, body);
    const QJsonObject json = out.response.json();
    if (out.response.status != 201) {
        E2E_FAIL_AT(QStringLiteral("creating a %1 key failed:\n%2").arg(role, out.response.describe()));
        return out;
    }
    out.apiKey = json.value(QStringLiteral("api_key")).toObject();
    out.secret = json.value(QStringLiteral("secret")).toString();
    out.id = out.apiKey.value(QStringLiteral("id")).toString();
    if (out.id.isEmpty() || out.secret.isEmpty()) {
        E2E_FAIL_AT(QStringLiteral("create answer lacks api_key.id or secret:\n%1").arg(out.response.describe()));
        out.id.clear();
    }
    return out;
}

QJsonObject Api::getKey(const QString &token, const QString &id)
{
    const Response r = m_client.get(QStringLiteral("/v1/api-keys/") + id, token);
    if (r.status != 200) {
        E2E_FAIL_AT(QStringLiteral("GET key %1 failed:\n%2").arg(id, r.describe()));
        return {};
    }
    return r.json();
}

QJsonObject Api::me(const QString &token)
{
    const Response r = m_client.get(QStringLiteral("/v1/me"), token);
    if (r.status != 200) {
        E2E_FAIL_AT(QStringLiteral("GET /v1/me failed:\n%1").arg(r.describe()));
        return {};
    }
    return r.json();
}

QJsonObject Api::quota(const QString &token)
{
    const Response r = m_client.get(QStringLiteral("/v1/quota"), token);
    if (r.status != 200) {
        E2E_FAIL_AT(QStringLiteral("GET /v1/quota failed:\n%1").arg(r.describe()));
        return {};
    }
    return r.json();
}

bool Api::deleteKey(const QString &token, const QString &id)
{
    const Response r = m_client.del(QStringLiteral("/v1/api-keys/") + id, token);
    if (r.status != 204) {
        E2E_FAIL_AT(QStringLiteral("DELETE key %1 failed:\n%2").arg(id, r.describe()));
        return false;
    }
    return true;
}

bool Api::setEnabled(const QString &token, const QString &id, bool enabled)
{
    const Response r = m_client.postEmpty(QStringLiteral("/v1/api-keys/%1/%2").arg(id, enabled ? QStringLiteral("enable") : QStringLiteral("disable")), token);
    if (r.status != 200 || r.json().value(QStringLiteral("enabled")).toBool() != enabled) {
        E2E_FAIL_AT(QStringLiteral("%1 key %2 failed:\n%3").arg(enabled ? QStringLiteral("enable") : QStringLiteral("disable"), id, r.describe()));
        return false;
    }
    return true;
}

QList<QJsonObject> Api::workspaces(const QString &token)
{
    const Response r = m_client.get(QStringLiteral("/v1/workspaces"), token);
    QList<QJsonObject> out;
    if (r.status != 200) {
        E2E_FAIL_AT(QStringLiteral("GET /v1/workspaces failed:\n%1").arg(r.describe()));
        return out;
    }
    for (const QJsonValue &v : r.json().value(QStringLiteral("items")).toArray())
        out << v.toObject();
    return out;
}

QList<QJsonObject> Api::listAll(const QString &token, const QString &pathWithQuery, int limit, int *pages, int maxPages)
{
    QList<QJsonObject> out;
    QSet<QString> cursors;
    QString cursor;
    const QChar separator = pathWithQuery.contains(u'?') ? u'&' : u'?';
    int count = 0;
    while (true) {
        QString path = pathWithQuery + separator + QStringLiteral("limit=%1").arg(limit);
        if (!cursor.isEmpty())
            path += QStringLiteral("&cursor=") + enc(cursor);
        const Response r = m_client.get(path, token);
        ++count;
        if (r.status != 200) {
            E2E_FAIL_AT(QStringLiteral("listing page %1 failed:\n%2").arg(count).arg(r.describe()));
            return {};
        }
        const QJsonObject page = r.json();
        const QJsonArray items = page.value(QStringLiteral("items")).toArray();
        if (items.size() > limit) {
            E2E_FAIL_AT(QStringLiteral("page of %1 items with limit=%2: %3").arg(items.size()).arg(limit).arg(path));
            return {};
        }
        for (const QJsonValue &v : items)
            out << v.toObject();
        const QJsonValue next = page.value(QStringLiteral("next_cursor"));
        if (!page.contains(QStringLiteral("next_cursor"))) {
            E2E_FAIL_AT(QStringLiteral("list page without next_cursor member: %1").arg(path));
            return {};
        }
        if (next.isNull())
            break;
        cursor = next.toString();
        if (cursor.isEmpty() || cursors.contains(cursor) || count >= maxPages) {
            E2E_FAIL_AT(QStringLiteral("cursor empty, repeated or too many pages (%1) at %2").arg(count).arg(path));
            return {};
        }
        cursors.insert(cursor);
    }
    if (pages)
        *pages = count;
    return out;
}

bool Environment::start(const TestServer::Options &options, QString *error)
{
    if (!server.start(options, error))
        return false;
    client = std::make_unique<HttpClient>(server.prismUrl(), server.directUrl());
    api = std::make_unique<Api>(*client);
    return true;
}

void Environment::deferSetupTraffic()
{
    if (client)
        setupIssues = client->takeUnexpected();
}

void Environment::verifySetupTraffic(const char *file, int line)
{
    if (!setupIssues.isEmpty())
        fail(QStringLiteral("contract violations in the setup traffic (initTestCase):\n  ") + setupIssues.join(QStringLiteral("\n  ")), file, line);
}

void Environment::verifyNoUnexpected(const char *file, int line)
{
    if (!client)
        return;
    QStringList issues = client->takeUnexpected();
    if (!server.serverRunning() && !server.stoppedByTest() && !m_reportedDeath) {
        m_reportedDeath = true;
        issues.prepend(QStringLiteral("datarecs-server DIED during this test (%1). Last output:\n%2")
                           .arg(server.exitDescription(), QString::fromUtf8(server.serverLog().right(2000))));
    }
    if (issues.isEmpty())
        return;
    if (QTest::currentTestFailed())
        qWarning("%s", qPrintable(QStringLiteral("also unexpected in this test's traffic:\n  ") + issues.join(QStringLiteral("\n  "))));
    else
        fail(QStringLiteral("unexpected contract violations in this test's traffic:\n  ") + issues.join(QStringLiteral("\n  ")), file, line);
}

} // namespace e2e
