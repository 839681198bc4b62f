// End-to-end flows over the REST contract: identity, directory, the whole key lifecycle, lists and
// paging, idempotency, quota, audit (list, export, verify) and lookup. Every exchange goes through
// Prism and must match docs/openapi.yaml.
#include "E2eSupport.h"

#include <KeyFormat.h>

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>
#include <QThread>
#include <QUuid>

using namespace e2e;

namespace {

QSet<QString> stringSet(const QJsonArray &array)
{
    QSet<QString> out;
    for (const QJsonValue &v : array)
        out.insert(v.toString());
    return out;
}

QSet<QString> ids(const QList<QJsonObject> &objects)
{
    QSet<QString> out;
    for (const QJsonObject &o : objects)
        out.insert(o.value(QStringLiteral("id")).toVariant().toString());
    return out;
}

QStringList idList(const QList<QJsonObject> &objects)
{
    QStringList out;
    for (const QJsonObject &o : objects)
        out << o.value(QStringLiteral("id")).toVariant().toString();
    return out;
}

QList<QJsonObject> items(const Response &r)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : r.json().value(QStringLiteral("items")).toArray())
        out << v.toObject();
    return out;
}

const QSet<QString> PlatformPermissions{QStringLiteral("read_api_keys"),   QStringLiteral("create_api_key"),
                                        QStringLiteral("manage_api_keys"), QStringLiteral("read_audit"),
                                        QStringLiteral("read_workspaces"), QStringLiteral("workspace.admin"),
                                        QStringLiteral("workspace.write"), QStringLiteral("workspace.read")};
const QSet<QString> EditorPermissions{QStringLiteral("read_api_keys"), QStringLiteral("read_workspaces"),
                                      QStringLiteral("workspace.write"), QStringLiteral("workspace.read")};

/// Splits RFC 4180 CSV into rows of fields (quoted fields may hold commas, quotes and newlines).
QList<QStringList> parseCsv(const QString &text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < text.size() && text.at(i + 1) == u'"') {
                    field += u'"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
            fieldStarted = true;
        } else if (c == u',') {
            row << field;
            field.clear();
            fieldStarted = true;
        } else if (c == u'\r') {
            continue;
        } else if (c == u'\n') {
            row << field;
            rows << row;
            row.clear();
            field.clear();
            fieldStarted = false;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (fieldStarted || !row.isEmpty()) {
        row << field;
        rows << row;
    }
    return rows;
}

} // namespace

class ApiFlows : public QObject
{
    Q_OBJECT

private:
    HttpClient &http() { return *m_env.client; }
    Api &api() { return *m_env.api; }

    Environment m_env;
    QString m_owner;
    QString m_admin;
    QString m_member;
    QString m_globexOwner;
    QString m_ownerUserId;
    QString m_workspaceId;
    QString m_workspaceName;
    // Kept by the lifecycle test for the audit tests.
    QString m_lifecycleId;
    QString m_rotatedId;
    QString m_lifecycleRequestId; // X-Request-Id of a successful request made with the key

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start({}, &error), qPrintable(error));
        const DemoUser owner = m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner"));
        const DemoUser admin = m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("admin"));
        const DemoUser member = m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("member"));
        const DemoUser globex = m_env.server.demoUser(QStringLiteral("Globex"), QStringLiteral("owner"));
        QVERIFY2(!owner.email.isEmpty() && !admin.email.isEmpty() && !member.email.isEmpty() && !globex.email.isEmpty(),
                 "demo-credentials.json lacks an Acme owner/admin/member or a Globex owner");
        m_owner = api().login(owner);
        m_admin = api().login(admin);
        m_member = api().login(member);
        m_globexOwner = api().login(globex);
        E2E_RETURN_IF_FAILED();
        m_ownerUserId = api().me(m_owner).value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
        const QList<QJsonObject> workspaces = api().workspaces(m_owner);
        E2E_RETURN_IF_FAILED();
        QVERIFY2(!workspaces.isEmpty(), "the Acme demo tenant has no workspace");
        m_workspaceId = workspaces.first().value(QStringLiteral("id")).toString();
        m_workspaceName = workspaces.first().value(QStringLiteral("name")).toString();
        m_env.deferSetupTraffic();
    }

    void setupTraffic_matchesContract() { m_env.verifySetupTraffic(__FILE__, __LINE__); }

    void cleanup() { E2E_CHECK_TRAFFIC(m_env); }

    void cleanupTestCase()
    {
        const int code = m_env.server.stop();
        qInfo("e2e: %d requests; server exit code after SIGTERM: %d", m_env.client ? m_env.client->requestCount() : 0, code);
    }

    // --- identity ---------------------------------------------------------------------------

    void health_answersOkWithVersion()
    {
        const Response r = http().get(QStringLiteral("/v1/health"));
        E2E_EXPECT(r, 200);
        QCOMPARE(r.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(r.json().value(QStringLiteral("version")).toString(), QStringLiteral("0.1.0"));
        QVERIFY(r.header("content-type").startsWith("application/json"));
    }

    void login_withRightPassword_returnsSessionToken()
    {
        const DemoUser owner = m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner"));
        const Response r = http().post(QStringLiteral("/v1/auth/login"), {},
                                       {{QStringLiteral("email"), owner.email}, {QStringLiteral("password"), owner.password}});
        E2E_EXPECT(r, 200);
        const QJsonObject body = r.json();
        QVERIFY(body.value(QStringLiteral("token")).toString().startsWith(QStringLiteral("drs_")));
        QCOMPARE(body.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
        E2E_VERIFY_EMPTY(timestampMismatch(body.value(QStringLiteral("expires_at"))));
        QVERIFY(QDateTime::fromString(body.value(QStringLiteral("expires_at")).toString(), Qt::ISODateWithMs) > QDateTime::currentDateTimeUtc());
        const QJsonObject user = body.value(QStringLiteral("user")).toObject();
        QCOMPARE(user.value(QStringLiteral("email")).toString(), owner.email);
        QCOMPARE(user.value(QStringLiteral("role")).toString(), QStringLiteral("owner"));
        QVERIFY(user.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("usr_")));
        QVERIFY(!r.body.contains(owner.password.toUtf8()));
    }

    void login_withWrongPassword_isInvalidCredentials()
    {
        const DemoUser owner = m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner"));
        const Response wrong = http().post(QStringLiteral("/v1/auth/login"), {},
                                           {{QStringLiteral("email"), owner.email}, {QStringLiteral("password"), owner.password + QStringLiteral("x")}});
        E2E_EXPECT_PROBLEM(wrong, 401, "invalid-credentials");
        // An unknown email answers exactly like a wrong password: no account enumeration.
        const Response unknown = http().post(QStringLiteral("/v1/auth/login"), {},
                                             {{QStringLiteral("email"), QStringLiteral("nobody@acme.test")}, {QStringLiteral("password"), owner.password}});
        E2E_EXPECT_PROBLEM(unknown, 401, "invalid-credentials");
        QCOMPARE(unknown.json().value(QStringLiteral("title")), wrong.json().value(QStringLiteral("title")));
        QCOMPARE(unknown.json().value(QStringLiteral("detail")), wrong.json().value(QStringLiteral("detail")));
    }

    void login_wrongPasswordFirstAfterStart_leavesLoginsWorking()
    {
        // A fresh server whose very first login attempt is a typo (a common first contact).
        Environment fresh;
        QString error;
        QVERIFY2(fresh.start({}, &error), qPrintable(error));
        const DemoUser owner = fresh.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner"));
        const Response wrong = fresh.client->post(QStringLiteral("/v1/auth/login"), {},
                                                  {{QStringLiteral("email"), owner.email}, {QStringLiteral("password"), QStringLiteral("not-the-password")}});
        const Response right = fresh.client->post(QStringLiteral("/v1/auth/login"), {},
                                                  {{QStringLiteral("email"), owner.email}, {QStringLiteral("password"), owner.password}});
        fresh.client->takeUnexpected();
        const QByteArray log = fresh.server.serverLog();
        fresh.server.stop();
        E2E_VERIFY_EMPTY(problemMismatch(wrong, 401, QStringLiteral("invalid-credentials"))
                         + (wrong.status == 500 ? QStringLiteral("\nserver log:\n") + QString::fromUtf8(log.right(1500)) : QString()));
        E2E_EXPECT(right, 200);
    }

    void logout_endsTheSession()
    {
        const QString token = api().login(m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("admin")));
        E2E_RETURN_IF_FAILED();
        E2E_EXPECT(http().get(QStringLiteral("/v1/me"), token), 200);
        const Response out = http().postEmpty(QStringLiteral("/v1/auth/logout"), token);
        E2E_EXPECT(out, 204);
        QVERIFY(out.body.isEmpty());
        E2E_EXPECT_PROBLEM(http().get(QStringLiteral("/v1/me"), token), 401, "invalid-token");
    }

    void me_forOwnerSession_describesUser()
    {
        const QJsonObject me = api().me(m_owner);
        E2E_RETURN_IF_FAILED();
        QCOMPARE(me.value(QStringLiteral("kind")).toString(), QStringLiteral("user"));
        QCOMPARE(me.value(QStringLiteral("tenant")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Acme"));
        QVERIFY(me.value(QStringLiteral("tenant")).toObject().value(QStringLiteral("id")).toString().startsWith(QStringLiteral("ten_")));
        QCOMPARE(me.value(QStringLiteral("user")).toObject().value(QStringLiteral("email")).toString(),
                 m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner")).email);
        QVERIFY(me.value(QStringLiteral("api_key")).isNull());
        QCOMPARE(me.value(QStringLiteral("role")).toString(), QStringLiteral("owner"));
        QVERIFY(me.value(QStringLiteral("workspace")).isNull());
        QVERIFY(me.value(QStringLiteral("workspace_roles")).isArray());
        QCOMPARE(stringSet(me.value(QStringLiteral("permissions")).toArray()), PlatformPermissions);
        E2E_VERIFY_EMPTY(timestampMismatch(me.value(QStringLiteral("expires_at")), true));
    }

    void me_forMemberSession_listsWorkspaceRoles()
    {
        const QJsonObject me = api().me(m_member);
        E2E_RETURN_IF_FAILED();
        QCOMPARE(me.value(QStringLiteral("kind")).toString(), QStringLiteral("user"));
        QVERIFY2(me.value(QStringLiteral("role")).isNull(), "a member has no platform role");
        const QJsonArray roles = me.value(QStringLiteral("workspace_roles")).toArray();
        QVERIFY2(!roles.isEmpty(), "the demo member holds no workspace role");
        const QSet<QString> permissions = stringSet(me.value(QStringLiteral("permissions")).toArray());
        QVERIFY(permissions.contains(QStringLiteral("read_api_keys")));
        for (const QString &platformOnly : {QStringLiteral("create_api_key"), QStringLiteral("manage_api_keys"), QStringLiteral("read_audit")})
            QVERIFY2(!permissions.contains(platformOnly), qPrintable(platformOnly));
    }

    void me_forApiKey_describesKey()
    {
        const CreatedKey key = api().createKey(m_owner, QStringLiteral("workspace_editor"), m_workspaceId);
        E2E_RETURN_IF_FAILED();
        const QJsonObject me = api().me(key.secret);
        E2E_RETURN_IF_FAILED();
        QCOMPARE(me.value(QStringLiteral("kind")).toString(), QStringLiteral("api_key"));
        QVERIFY(me.value(QStringLiteral("user")).isNull());
        QCOMPARE(me.value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString(), key.id);
        QCOMPARE(me.value(QStringLiteral("api_key")).toObject().value(QStringLiteral("name")).toString(),
                 key.apiKey.value(QStringLiteral("name")).toString());
        QCOMPARE(me.value(QStringLiteral("role")).toString(), QStringLiteral("workspace_editor"));
        QCOMPARE(me.value(QStringLiteral("workspace")).toObject().value(QStringLiteral("id")).toString(), m_workspaceId);
        QCOMPARE(me.value(QStringLiteral("tenant")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Acme"));
        QCOMPARE(stringSet(me.value(QStringLiteral("permissions")).toArray()), EditorPermissions);
        api().deleteKey(m_owner, key.id);
    }

    // --- directory ----------------------------------------------------------------------------

    void roles_listsFiveRolesWithRanksAndPermissions()
    {
        const Response r = http().get(QStringLiteral("/v1/roles"), m_member);
        E2E_EXPECT(r, 200);
        QHash<QString, QJsonObject> byName;
        for (const QJsonObject &role : items(r))
            byName.insert(role.value(QStringLiteral("name")).toString(), role);
        struct Expected { const char *name; const char *scope; int rank; QSet<QString> permissions; };
        const QList<Expected> expected{
            {"owner", "platform", 100, PlatformPermissions},
            {"admin", "platform", 80, PlatformPermissions},
            {"workspace_admin", "workspace", 60, EditorPermissions + QSet<QString>{QStringLiteral("workspace.admin")}},
            {"workspace_editor", "workspace", 40, EditorPermissions},
            {"workspace_viewer", "workspace", 20, QSet<QString>{QStringLiteral("read_api_keys"), QStringLiteral("read_workspaces"), QStringLiteral("workspace.read")}},
        };
        QCOMPARE(byName.size(), expected.size());
        for (const Expected &e : expected) {
            const QString name = QString::fromLatin1(e.name);
            QVERIFY2(byName.contains(name), qPrintable(name));
            const QJsonObject role = byName.value(name);
            QCOMPARE(role.value(QStringLiteral("scope")).toString(), QString::fromLatin1(e.scope));
            QCOMPARE(role.value(QStringLiteral("rank")).toInt(), e.rank);
            QCOMPARE(stringSet(role.value(QStringLiteral("permissions")).toArray()), e.permissions);
            QVERIFY(!role.value(QStringLiteral("title")).toString().isEmpty());
            QVERIFY(role.value(QStringLiteral("description")).isString());
        }
    }

    void workspaces_ownerSeesAll_memberSeesOwn()
    {
        const QList<QJsonObject> all = api().workspaces(m_owner);
        const QList<QJsonObject> mine = api().workspaces(m_member);
        E2E_RETURN_IF_FAILED();
        for (const QJsonObject &w : all) {
            QVERIFY(w.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("ws_")));
            QVERIFY(!w.value(QStringLiteral("name")).toString().isEmpty());
            QVERIFY(w.value(QStringLiteral("description")).isString());
        }
        QSet<QString> memberWorkspaces;
        for (const QJsonValue &v : api().me(m_member).value(QStringLiteral("workspace_roles")).toArray())
            memberWorkspaces.insert(v.toObject().value(QStringLiteral("workspace")).toObject().value(QStringLiteral("id")).toString());
        QCOMPARE(ids(mine), memberWorkspaces);
        QVERIFY(ids(all).contains(ids(mine)));
        const QList<QJsonObject> globex = api().workspaces(m_globexOwner);
        QVERIFY2(!ids(globex).intersects(ids(all)), "Globex sees an Acme workspace");
    }

    void quota_countsCreatedAndDeletedKeys()
    {
        const QJsonObject before = api().quota(m_owner);
        E2E_RETURN_IF_FAILED();
        const int limit = before.value(QStringLiteral("limit")).toInt();
        const int used = before.value(QStringLiteral("used")).toInt();
        QCOMPARE(before.value(QStringLiteral("remaining")).toInt(), limit - used);
        const CreatedKey key = api().createKey(m_owner, QStringLiteral("workspace_viewer"));
        E2E_RETURN_IF_FAILED();
        QCOMPARE(api().quota(m_owner).value(QStringLiteral("used")).toInt(), used + 1);
        api().deleteKey(m_owner, key.id);
        E2E_RETURN_IF_FAILED();
        const QJsonObject after = api().quota(m_owner);
        QCOMPARE(after.value(QStringLiteral("used")).toInt(), used);
        QCOMPARE(after.value(QStringLiteral("remaining")).toInt(), limit - used);
    }

    // --- the key lifecycle ----------------------------------------------------------------------

    void keyLifecycle_createUseDisableEnableRotateDelete()
    {
        const QString name = Api::uniqueName(QStringLiteral("lifecycle"));
        const QString description = QStringLiteral("Deploys from CI — ünïcode ok");
        const Response created = http().post(QStringLiteral("/v1/api-keys"), m_owner,
                                             {{QStringLiteral("name"), name}, {QStringLiteral("description"), description},
                                              {QStringLiteral("role"), QStringLiteral("workspace_editor")},
                                              {QStringLiteral("workspace_id"), m_workspaceId}});
        E2E_EXPECT(created, 201);
        const QJsonObject key = created.json().value(QStringLiteral("api_key")).toObject();
        const QString secret = created.json().value(QStringLiteral("secret")).toString();
        const QString id = key.value(QStringLiteral("id")).toString();
        m_lifecycleId = id;
        E2E_VERIFY_EMPTY(apiKeyMismatch(key));
        QVERIFY2(datarecs::KeyFormat::isValid(secret), qPrintable(datarecs::KeyFormat::describe(datarecs::KeyFormat::check(secret))));
        QCOMPARE(QString::fromLatin1(created.header("location")).section(u'/', -3), QStringLiteral("v1/api-keys/") + id);
        QVERIFY(QString::fromLatin1(created.header("location")).endsWith(QStringLiteral("/v1/api-keys/") + id));
        QCOMPARE(key.value(QStringLiteral("hint")).toString(), datarecs::KeyFormat::hint(secret));
        QCOMPARE(key.value(QStringLiteral("name")).toString(), name);
        QCOMPARE(key.value(QStringLiteral("description")).toString(), description);
        QCOMPARE(key.value(QStringLiteral("role")).toString(), QStringLiteral("workspace_editor"));
        QCOMPARE(key.value(QStringLiteral("workspace")).toObject().value(QStringLiteral("id")).toString(), m_workspaceId);
        QCOMPARE(key.value(QStringLiteral("workspace")).toObject().value(QStringLiteral("name")).toString(), m_workspaceName);
        QCOMPARE(key.value(QStringLiteral("enabled")).toBool(), true);
        QCOMPARE(key.value(QStringLiteral("status")).toString(), QStringLiteral("enabled"));
        QCOMPARE(key.value(QStringLiteral("created_by")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("user"));
        QCOMPARE(key.value(QStringLiteral("created_by")).toObject().value(QStringLiteral("id")).toString(), m_ownerUserId);
        QVERIFY(key.value(QStringLiteral("last_used_at")).isNull());
        QVERIFY(key.value(QStringLiteral("last_used_ip")).isNull());
        QVERIFY(key.value(QStringLiteral("replaces")).isNull());
        QVERIFY(key.value(QStringLiteral("replaced_by")).isNull());

        // The key authenticates.
        const Response used = http().get(QStringLiteral("/v1/me"), secret);
        E2E_EXPECT(used, 200);
        QCOMPARE(used.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString(), id);
        m_lifecycleRequestId = QString::fromLatin1(used.header("x-request-id"));

        // Reads never carry the secret; last use is recorded.
        const Response fetched = http().get(QStringLiteral("/v1/api-keys/") + id, m_owner);
        E2E_EXPECT(fetched, 200);
        QVERIFY2(!fetched.body.contains(secret.toUtf8()), "GET /v1/api-keys/{id} returned the secret");
        E2E_VERIFY_EMPTY(apiKeyMismatch(fetched.json()));
        E2E_VERIFY_EMPTY(timestampMismatch(fetched.json().value(QStringLiteral("last_used_at"))));
        QVERIFY2(fetched.json().value(QStringLiteral("last_used_ip")).toString().contains(QStringLiteral("127.0.0.1")),
                 qPrintable(fetched.describe()));
        QVERIFY(QDateTime::fromString(fetched.json().value(QStringLiteral("last_used_at")).toString(), Qt::ISODateWithMs)
                >= QDateTime::fromString(key.value(QStringLiteral("created_at")).toString(), Qt::ISODateWithMs));
        const Response listed = http().get(QStringLiteral("/v1/api-keys?q=") + enc(name), m_owner);
        E2E_EXPECT(listed, 200);
        QVERIFY2(!listed.body.contains(secret.toUtf8()), "the key list returned the secret");
        QCOMPARE(idList(items(listed)), QStringList{id});

        // Update name and description.
        const QString renamed = name + QStringLiteral("-renamed");
        const Response patched = http().patch(QStringLiteral("/v1/api-keys/") + id, m_owner,
                                              {{QStringLiteral("name"), renamed}, {QStringLiteral("description"), QString()}});
        E2E_EXPECT(patched, 200);
        QCOMPARE(patched.json().value(QStringLiteral("name")).toString(), renamed);
        QCOMPARE(patched.json().value(QStringLiteral("description")).toString(), QString());
        QVERIFY2(patched.json().value(QStringLiteral("description")).isString(), "description must be \"\" when empty, never null");
        QVERIFY(patched.json().value(QStringLiteral("updated_at")).toString() >= key.value(QStringLiteral("updated_at")).toString());
        QCOMPARE(api().getKey(m_owner, id).value(QStringLiteral("name")).toString(), renamed);

        // Disable: refused on the very next request; disabling again is idempotent.
        const Response disabled = http().postEmpty(QStringLiteral("/v1/api-keys/%1/disable").arg(id), m_owner);
        E2E_EXPECT(disabled, 200);
        QCOMPARE(disabled.json().value(QStringLiteral("enabled")).toBool(), false);
        QCOMPARE(disabled.json().value(QStringLiteral("status")).toString(), QStringLiteral("disabled"));
        const Response refused = http().get(QStringLiteral("/v1/me"), secret);
        E2E_EXPECT_PROBLEM(refused, 401, "invalid-token");
        QVERIFY2(!refused.body.contains(secret.toUtf8()), "the refusal echoes the key");
        E2E_EXPECT(http().postEmpty(QStringLiteral("/v1/api-keys/%1/disable").arg(id), m_owner), 200);

        // Enable: works again.
        const Response enabled = http().postEmpty(QStringLiteral("/v1/api-keys/%1/enable").arg(id), m_owner);
        E2E_EXPECT(enabled, 200);
        QCOMPARE(enabled.json().value(QStringLiteral("enabled")).toBool(), true);
        QCOMPARE(enabled.json().value(QStringLiteral("status")).toString(), QStringLiteral("enabled"));
        E2E_EXPECT(http().get(QStringLiteral("/v1/me"), secret), 200);

        // Rotate: a new secret with the same role and workspace, linked both ways; the old key still works.
        const Response rotated = http().post(QStringLiteral("/v1/api-keys/%1/rotate").arg(id), m_owner, QJsonObject{});
        E2E_EXPECT(rotated, 201);
        const QJsonObject fresh = rotated.json().value(QStringLiteral("api_key")).toObject();
        const QJsonObject old = rotated.json().value(QStringLiteral("replaces")).toObject();
        const QString newSecret = rotated.json().value(QStringLiteral("secret")).toString();
        m_rotatedId = fresh.value(QStringLiteral("id")).toString();
        E2E_VERIFY_EMPTY(apiKeyMismatch(fresh));
        E2E_VERIFY_EMPTY(apiKeyMismatch(old));
        QVERIFY(datarecs::KeyFormat::isValid(newSecret));
        QVERIFY(newSecret != secret);
        QVERIFY(m_rotatedId != id);
        QCOMPARE(fresh.value(QStringLiteral("replaces")).toString(), id);
        QCOMPARE(old.value(QStringLiteral("id")).toString(), id);
        QCOMPARE(old.value(QStringLiteral("replaced_by")).toString(), m_rotatedId);
        QCOMPARE(old.value(QStringLiteral("enabled")).toBool(), true);
        QCOMPARE(fresh.value(QStringLiteral("role")).toString(), QStringLiteral("workspace_editor"));
        QCOMPARE(fresh.value(QStringLiteral("workspace")).toObject().value(QStringLiteral("id")).toString(), m_workspaceId);
        QCOMPARE(api().getKey(m_owner, id).value(QStringLiteral("replaced_by")).toString(), m_rotatedId);
        E2E_EXPECT(http().get(QStringLiteral("/v1/me"), secret), 200);
        const Response withNew = http().get(QStringLiteral("/v1/me"), newSecret);
        E2E_EXPECT(withNew, 200);
        QCOMPARE(withNew.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString(), m_rotatedId);

        // Delete the old key: refused at once, gone from reads; the replacement is unaffected.
        const Response deleted = http().del(QStringLiteral("/v1/api-keys/") + id, m_owner);
        E2E_EXPECT(deleted, 204);
        QVERIFY(deleted.body.isEmpty());
        E2E_EXPECT_PROBLEM(http().get(QStringLiteral("/v1/me"), secret), 401, "invalid-token");
        E2E_EXPECT_PROBLEM(http().get(QStringLiteral("/v1/api-keys/") + id, m_owner), 404, "not-found");
        E2E_EXPECT(http().get(QStringLiteral("/v1/me"), newSecret), 200);
        const Response afterDelete = http().get(QStringLiteral("/v1/api-keys?q=") + enc(name), m_owner);
        E2E_EXPECT(afterDelete, 200);
        QVERIFY2(!ids(items(afterDelete)).contains(id), "a deleted key is still listed");
    }

    void expiredKey_isRefusedAndListedExpired()
    {
        const QString expiry = QDateTime::currentDateTimeUtc().addSecs(2).toString(Qt::ISODateWithMs);
        const Response created = http().post(QStringLiteral("/v1/api-keys"), m_owner,
                                             {{QStringLiteral("name"), Api::uniqueName(QStringLiteral("expiring"))},
                                              {QStringLiteral("role"), QStringLiteral("workspace_viewer")},
                                              {QStringLiteral("expires_at"), expiry}});
        E2E_EXPECT(created, 201);
        const QString id = created.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        const QString secret = created.json().value(QStringLiteral("secret")).toString();
        E2E_VERIFY_EMPTY(timestampMismatch(created.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("expires_at"))));
        E2E_EXPECT(http().get(QStringLiteral("/v1/me"), secret), 200);
        QThread::msleep(2600);
        E2E_EXPECT_PROBLEM(http().get(QStringLiteral("/v1/me"), secret), 401, "invalid-token");
        const QJsonObject key = api().getKey(m_owner, id);
        QCOMPARE(key.value(QStringLiteral("status")).toString(), QStringLiteral("expired"));
        const Response expired = http().get(QStringLiteral("/v1/api-keys?status=expired&limit=200"), m_owner);
        E2E_EXPECT(expired, 200);
        QVERIFY(ids(items(expired)).contains(id));
        for (const QJsonObject &k : items(expired))
            QCOMPARE(k.value(QStringLiteral("status")).toString(), QStringLiteral("expired"));
        api().deleteKey(m_owner, id);
    }

    // --- lists ----------------------------------------------------------------------------------

    void list_filtersByStatusAndQuery()
    {
        const QString tag = QStringLiteral("flt") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        const CreatedKey a = api().createKey(m_owner, QStringLiteral("workspace_viewer"), m_workspaceId, tag + QStringLiteral("-alpha"));
        const CreatedKey b = api().createKey(m_owner, QStringLiteral("workspace_viewer"), {}, tag + QStringLiteral("-beta"));
        const CreatedKey c = api().createKey(m_owner, QStringLiteral("workspace_editor"), m_workspaceId, tag + QStringLiteral("-gamma"));
        const CreatedKey d = api().createKey(m_owner, QStringLiteral("workspace_viewer"), {}, Api::uniqueName(QStringLiteral("plain")),
                                             QStringLiteral("described by ") + tag);
        E2E_RETURN_IF_FAILED();
        api().setEnabled(m_owner, b.id, false);
        E2E_RETURN_IF_FAILED();

        auto list = [&](const QString &query) {
            const Response r = http().get(QStringLiteral("/v1/api-keys?limit=200&") + query, m_owner);
            if (r.status != 200 || !r.unexpected.isEmpty())
                E2E_FAIL_AT(r.describe());
            return items(r);
        };
        // q is a case-insensitive substring over name and description (and id).
        QCOMPARE(ids(list(QStringLiteral("q=") + enc(tag.toUpper()))), (QSet<QString>{a.id, b.id, c.id, d.id}));
        QCOMPARE(ids(list(QStringLiteral("q=") + enc(a.id))), QSet<QString>{a.id});
        // status
        const QList<QJsonObject> disabled = list(QStringLiteral("status=disabled&q=") + enc(tag));
        QCOMPARE(ids(disabled), QSet<QString>{b.id});
        QCOMPARE(disabled.first().value(QStringLiteral("status")).toString(), QStringLiteral("disabled"));
        QCOMPARE(ids(list(QStringLiteral("status=enabled&q=") + enc(tag))), (QSet<QString>{a.id, c.id, d.id}));
        QCOMPARE(ids(list(QStringLiteral("status=all&q=") + enc(tag))), (QSet<QString>{a.id, b.id, c.id, d.id}));
        for (const QJsonObject &k : list(QStringLiteral("status=disabled")))
            QCOMPARE(k.value(QStringLiteral("enabled")).toBool(), false);
        // workspace_id
        QCOMPARE(ids(list(QStringLiteral("workspace_id=%1&q=%2").arg(m_workspaceId, tag))), (QSet<QString>{a.id, c.id}));
        // New keys are not stale unless never used for stale_days; rotation_due needs age.
        QVERIFY(!ids(list(QStringLiteral("status=rotation_due&q=") + enc(tag))).contains(a.id));
        E2E_RETURN_IF_FAILED();
        for (const CreatedKey &k : {a, b, c, d})
            api().deleteKey(m_owner, k.id);
    }

    void list_cursorPagingWalksEveryKeyOnce()
    {
        QList<QString> made;
        const QString tag = QStringLiteral("pg") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        for (int i = 0; i < 12; ++i) {
            made << api().createKey(m_owner, QStringLiteral("workspace_viewer"), {}, QStringLiteral("%1-%2").arg(tag).arg(i)).id;
            E2E_RETURN_IF_FAILED();
        }
        for (const QString &query : {QString(), QStringLiteral("q=") + tag}) {
            const QString path = QStringLiteral("/v1/api-keys") + (query.isEmpty() ? QString() : QStringLiteral("?") + query);
            int pages = 0;
            const QList<QJsonObject> paged = api().listAll(m_owner, path, 5, &pages);
            const QList<QJsonObject> whole = api().listAll(m_owner, path, 200);
            E2E_RETURN_IF_FAILED();
            const QStringList pagedIds = idList(paged);
            QCOMPARE(QSet<QString>(pagedIds.begin(), pagedIds.end()).size(), pagedIds.size()); // no duplicates
            QCOMPARE(pagedIds, idList(whole)); // same keys in the same order
            const int needed = qMax(1, int((whole.size() + 4) / 5));
            QVERIFY2(pages == needed || (pages == needed + 1 && whole.size() % 5 == 0),
                     qPrintable(QStringLiteral("%1 pages for %2 keys at limit=5").arg(pages).arg(whole.size())));
            if (!query.isEmpty())
                QCOMPARE(ids(paged), QSet<QString>(made.begin(), made.end()));
            // Order: created_at desc, id desc.
            for (qsizetype i = 1; i < paged.size(); ++i) {
                const QString prevAt = paged.at(i - 1).value(QStringLiteral("created_at")).toString();
                const QString at = paged.at(i).value(QStringLiteral("created_at")).toString();
                QVERIFY2(prevAt > at || (prevAt == at && pagedIds.at(i - 1) > pagedIds.at(i)),
                         qPrintable(QStringLiteral("order broken at %1: %2 then %3").arg(i).arg(pagedIds.at(i - 1), pagedIds.at(i))));
            }
        }
        for (const QString &id : made)
            api().deleteKey(m_owner, id);
    }

    // --- idempotency, quota, rank -----------------------------------------------------------------

    void idempotency_sameKeySameBody_replaysCreate()
    {
        const int usedBefore = api().quota(m_owner).value(QStringLiteral("used")).toInt();
        const HeaderList headers{{"Idempotency-Key", QUuid::createUuid().toByteArray(QUuid::WithoutBraces)}};
        const QJsonObject body{{QStringLiteral("name"), Api::uniqueName(QStringLiteral("idem"))},
                               {QStringLiteral("role"), QStringLiteral("workspace_viewer")},
                               {QStringLiteral("workspace_id"), m_workspaceId}};
        const Response first = http().post(QStringLiteral("/v1/api-keys"), m_owner, body, headers);
        const Response second = http().post(QStringLiteral("/v1/api-keys"), m_owner, body, headers);
        E2E_EXPECT(first, 201);
        E2E_EXPECT(second, 201);
        QVERIFY2(first.header("idempotent-replayed") != "true", "the first request is not a replay");
        QCOMPARE(second.header("idempotent-replayed"), QByteArray("true"));
        const QString id = first.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(second.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString(), id);
        QCOMPARE(second.json().value(QStringLiteral("secret")).toString(), first.json().value(QStringLiteral("secret")).toString());
        QCOMPARE(api().quota(m_owner).value(QStringLiteral("used")).toInt(), usedBefore + 1);
        const Response byQuery = http().get(QStringLiteral("/v1/api-keys?q=") + enc(body.value(QStringLiteral("name")).toString()), m_owner);
        QCOMPARE(items(byQuery).size(), 1);
        // Each attempt that reached the server is in the log, and the replay says it made nothing.
        const QList<QJsonObject> creates =
            items(http().get(QStringLiteral("/v1/audit-events?action=api_key.create&api_key_id=") + id, m_owner));
        QCOMPARE(creates.size(), 2);
        QCOMPARE(creates.at(0).value(QStringLiteral("detail")).toString(), QStringLiteral("idempotent replay"));
        QVERIFY(creates.at(1).value(QStringLiteral("detail")).isNull());
        // The replay names the same key as the original: id, name and workspace (which is what a
        // workspace-restricted reader of the log is shown).
        const QJsonObject target{{QStringLiteral("type"), QStringLiteral("api_key")}, {QStringLiteral("id"), id},
                                 {QStringLiteral("name"), body.value(QStringLiteral("name"))}};
        for (const QJsonObject &event : creates) {
            QCOMPARE(event.value(QStringLiteral("target")).toObject(), target);
            QCOMPARE(event.value(QStringLiteral("workspace_id")).toString(), m_workspaceId);
        }
        api().deleteKey(m_owner, id);
    }

    void idempotency_replayedRotation_isAuditedAgainstTheRotatedKey()
    {
        const CreatedKey old = api().createKey(m_owner, QStringLiteral("workspace_viewer"), m_workspaceId,
                                               Api::uniqueName(QStringLiteral("idem-rotate")));
        E2E_RETURN_IF_FAILED();
        const HeaderList headers{{"Idempotency-Key", QUuid::createUuid().toByteArray(QUuid::WithoutBraces)}};
        const QString path = QStringLiteral("/v1/api-keys/%1/rotate").arg(old.id);
        const Response first = http().post(path, m_owner, QJsonObject{}, headers);
        const Response second = http().post(path, m_owner, QJsonObject{}, headers);
        E2E_EXPECT(first, 201);
        E2E_EXPECT(second, 201);
        QCOMPARE(second.header("idempotent-replayed"), QByteArray("true"));
        const QString replacement = first.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(second.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString(), replacement);
        // Both are in the rotated key's history, as the same action on the same key.
        const QList<QJsonObject> rotations =
            items(http().get(QStringLiteral("/v1/audit-events?action=api_key.rotate&api_key_id=") + old.id, m_owner));
        QCOMPARE(rotations.size(), 2);
        QCOMPARE(rotations.at(0).value(QStringLiteral("detail")).toString(), QStringLiteral("idempotent replay"));
        const QJsonObject target{{QStringLiteral("type"), QStringLiteral("api_key")}, {QStringLiteral("id"), old.id},
                                 {QStringLiteral("name"), old.apiKey.value(QStringLiteral("name"))}};
        for (const QJsonObject &event : rotations) {
            QCOMPARE(event.value(QStringLiteral("target")).toObject(), target);
            QCOMPARE(event.value(QStringLiteral("workspace_id")).toString(), m_workspaceId);
        }
        api().deleteKey(m_owner, replacement);
        api().deleteKey(m_owner, old.id);
    }

    void idempotency_sameKeyOtherBody_is422()
    {
        const HeaderList headers{{"Idempotency-Key", QUuid::createUuid().toByteArray(QUuid::WithoutBraces)}};
        const Response first = http().post(QStringLiteral("/v1/api-keys"), m_owner,
                                           {{QStringLiteral("name"), Api::uniqueName(QStringLiteral("idem-a"))}, {QStringLiteral("role"), QStringLiteral("workspace_viewer")}},
                                           headers);
        E2E_EXPECT(first, 201);
        const Response other = http().post(QStringLiteral("/v1/api-keys"), m_owner,
                                           {{QStringLiteral("name"), Api::uniqueName(QStringLiteral("idem-b"))}, {QStringLiteral("role"), QStringLiteral("workspace_viewer")}},
                                           headers);
        E2E_EXPECT_PROBLEM(other, 422, "idempotency-key-reused");
        api().deleteKey(m_owner, first.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString());
    }

    void quota_exceeded_is409WithLimitAndUsed()
    {
        const QJsonObject before = api().quota(m_globexOwner);
        E2E_RETURN_IF_FAILED();
        const int limit = before.value(QStringLiteral("limit")).toInt();
        const int usedBefore = before.value(QStringLiteral("used")).toInt();
        QVERIFY2(limit > 0 && limit - usedBefore <= 60, qPrintable(QStringLiteral("Globex quota %1/%2: too many keys to fill").arg(usedBefore).arg(limit)));
        QStringList made;
        Response refused;
        for (int i = 0; i <= limit - usedBefore; ++i) {
            const Response r = http().post(QStringLiteral("/v1/api-keys"), m_globexOwner,
                                           {{QStringLiteral("name"), QStringLiteral("fill-%1").arg(i)}, {QStringLiteral("role"), QStringLiteral("workspace_viewer")}});
            if (r.status == 201) {
                made << r.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
                continue;
            }
            refused = r;
            break;
        }
        QCOMPARE(made.size(), limit - usedBefore);
        E2E_EXPECT_PROBLEM(refused, 409, "quota-exceeded");
        QCOMPARE(refused.json().value(QStringLiteral("limit")).toInt(), limit);
        QCOMPARE(refused.json().value(QStringLiteral("used")).toInt(), limit);
        const QJsonObject full = api().quota(m_globexOwner);
        QCOMPARE(full.value(QStringLiteral("remaining")).toInt(), 0);
        // Acme is not affected by Globex's quota.
        const CreatedKey acme = api().createKey(m_owner, QStringLiteral("workspace_viewer"));
        api().deleteKey(m_owner, acme.id);
        for (const QString &id : made)
            api().deleteKey(m_globexOwner, id);
        E2E_RETURN_IF_FAILED();
        QCOMPARE(api().quota(m_globexOwner).value(QStringLiteral("used")).toInt(), usedBefore);
    }

    void create_roleAboveCaller_isRoleTooHigh()
    {
        const Response r = http().post(QStringLiteral("/v1/api-keys"), m_admin,
                                       {{QStringLiteral("name"), Api::uniqueName(QStringLiteral("too-high"))}, {QStringLiteral("role"), QStringLiteral("owner")}});
        E2E_EXPECT_PROBLEM(r, 403, "role-too-high");
        // Equal rank is allowed.
        const CreatedKey same = api().createKey(m_admin, QStringLiteral("admin"));
        E2E_RETURN_IF_FAILED();
        QCOMPARE(same.apiKey.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
        // A workspace_admin key may not mint an admin key either (it lacks create_api_key first).
        const CreatedKey wsAdmin = api().createKey(m_owner, QStringLiteral("workspace_admin"), m_workspaceId);
        E2E_RETURN_IF_FAILED();
        const Response byKey = http().post(QStringLiteral("/v1/api-keys"), wsAdmin.secret,
                                           {{QStringLiteral("name"), Api::uniqueName(QStringLiteral("by-ws-admin"))},
                                            {QStringLiteral("role"), QStringLiteral("workspace_viewer")},
                                            {QStringLiteral("workspace_id"), m_workspaceId}});
        E2E_EXPECT_PROBLEM(byKey, 403, "forbidden");
        QVERIFY2(byKey.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("create_api_key")),
                 qPrintable(byKey.describe()));
        // A restricted admin key may create keys only inside its own workspace.
        const CreatedKey restrictedAdmin = api().createKey(m_owner, QStringLiteral("admin"), m_workspaceId);
        E2E_RETURN_IF_FAILED();
        const Response outside = http().post(QStringLiteral("/v1/api-keys"), restrictedAdmin.secret,
                                             {{QStringLiteral("name"), Api::uniqueName(QStringLiteral("escape"))},
                                              {QStringLiteral("role"), QStringLiteral("workspace_viewer")}});
        E2E_EXPECT_PROBLEM(outside, 403, "forbidden");
        for (const QString &id : {same.id, wsAdmin.id, restrictedAdmin.id})
            api().deleteKey(m_owner, id);
    }

    // --- audit ----------------------------------------------------------------------------------

    void audit_recordsLifecycleNewestFirstWithPaging()
    {
        QVERIFY2(!m_lifecycleId.isEmpty() && !m_rotatedId.isEmpty(), "needs keyLifecycle_createUseDisableEnableRotateDelete");
        const QString path = QStringLiteral("/v1/audit-events?api_key_id=") + m_lifecycleId;
        const Response r = http().get(path + QStringLiteral("&limit=500"), m_owner);
        E2E_EXPECT(r, 200);
        const QList<QJsonObject> events = items(r);
        QVERIFY2(events.size() >= 8, qPrintable(r.describe()));
        static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
        QHash<QString, qint64> firstIdOf; // action -> smallest id
        qint64 previous = std::numeric_limits<qint64>::max();
        bool sawRefused = false;
        bool sawRequestById = false;
        for (const QJsonObject &e : events) {
            const qint64 eventId = e.value(QStringLiteral("id")).toInteger(-1);
            QVERIFY2(e.value(QStringLiteral("id")).isDouble() && eventId > 0, "audit id must be an integer");
            QVERIFY2(eventId < previous, "audit events are not newest first");
            previous = eventId;
            E2E_VERIFY_EMPTY(timestampMismatch(e.value(QStringLiteral("occurred_at"))));
            QVERIFY(hex64.match(e.value(QStringLiteral("hash")).toString()).hasMatch());
            QVERIFY(hex64.match(e.value(QStringLiteral("prev_hash")).toString()).hasMatch());
            const QString action = e.value(QStringLiteral("action")).toString();
            firstIdOf[action] = firstIdOf.contains(action) ? qMin(firstIdOf.value(action), eventId) : eventId;
            const QJsonObject actor = e.value(QStringLiteral("actor")).toObject();
            const QJsonObject target = e.value(QStringLiteral("target")).toObject();
            QVERIFY2(actor.value(QStringLiteral("id")).toString() == m_lifecycleId || target.value(QStringLiteral("id")).toString() == m_lifecycleId,
                     "api_key_id filter matched an event neither by nor about the key");
            if (action == QStringLiteral("api_key.request")) {
                QCOMPARE(actor.value(QStringLiteral("type")).toString(), QStringLiteral("api_key"));
                QVERIFY(!e.value(QStringLiteral("method")).toString().isEmpty());
                QVERIFY(e.value(QStringLiteral("path")).toString().startsWith(QStringLiteral("/v1/")));
                QVERIFY(e.value(QStringLiteral("source_ip")).toString().contains(QStringLiteral("127.0.0.1")));
                QVERIFY(e.value(QStringLiteral("http_status")).isDouble());
                if (e.value(QStringLiteral("outcome")).toString() == QStringLiteral("refused") && e.value(QStringLiteral("http_status")).toInt() == 401)
                    sawRefused = true;
                if (e.value(QStringLiteral("request_id")).toString() == m_lifecycleRequestId) {
                    sawRequestById = true;
                    QCOMPARE(e.value(QStringLiteral("path")).toString(), QStringLiteral("/v1/me"));
                    QCOMPARE(e.value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
                    QCOMPARE(e.value(QStringLiteral("http_status")).toInt(), 200);
                    QCOMPARE(e.value(QStringLiteral("outcome")).toString(), QStringLiteral("success"));
                    QCOMPARE(e.value(QStringLiteral("user_agent")).toString(), QStringLiteral("datarecs-e2e/1.0"));
                }
            }
        }
        QVERIFY2(sawRefused, "the request with the disabled key is not in the audit log as refused/401");
        QVERIFY2(sawRequestById, "the GET /v1/me made with the key is not in the audit log under its request id");
        // Rotation may be recorded against the old or the new key.
        if (!firstIdOf.contains(QStringLiteral("api_key.rotate"))) {
            const Response byNew = http().get(QStringLiteral("/v1/audit-events?action=api_key.rotate&api_key_id=") + m_rotatedId, m_owner);
            E2E_EXPECT(byNew, 200);
            QVERIFY2(!items(byNew).isEmpty(), "no api_key.rotate event for either key");
            firstIdOf.insert(QStringLiteral("api_key.rotate"), items(byNew).last().value(QStringLiteral("id")).toInteger());
        }
        const QStringList order{QStringLiteral("api_key.create"), QStringLiteral("api_key.update"), QStringLiteral("api_key.disable"),
                                QStringLiteral("api_key.enable"), QStringLiteral("api_key.rotate"), QStringLiteral("api_key.delete")};
        for (qsizetype i = 0; i < order.size(); ++i) {
            QVERIFY2(firstIdOf.contains(order.at(i)), qPrintable(QStringLiteral("no %1 event for the key").arg(order.at(i))));
            if (i > 0)
                QVERIFY2(firstIdOf.value(order.at(i - 1)) < firstIdOf.value(order.at(i)), qPrintable(order.at(i)));
        }
        QVERIFY(firstIdOf.contains(QStringLiteral("api_key.request")));

        // Cursor paging gives the same events in the same order.
        int pages = 0;
        const QList<QJsonObject> paged = api().listAll(m_owner, path, 2, &pages);
        E2E_RETURN_IF_FAILED();
        QCOMPARE(idList(paged), idList(events));
        QVERIFY(pages >= 4);

        // Other filters narrow the same list.
        const Response onlyDisable = http().get(path + QStringLiteral("&action=api_key.disable"), m_owner);
        E2E_EXPECT(onlyDisable, 200);
        QVERIFY(!items(onlyDisable).isEmpty());
        for (const QJsonObject &e : items(onlyDisable))
            QCOMPARE(e.value(QStringLiteral("action")).toString(), QStringLiteral("api_key.disable"));
        const Response refusedOnly = http().get(path + QStringLiteral("&outcome=refused"), m_owner);
        E2E_EXPECT(refusedOnly, 200);
        QVERIFY(!items(refusedOnly).isEmpty());
        for (const QJsonObject &e : items(refusedOnly))
            QCOMPARE(e.value(QStringLiteral("outcome")).toString(), QStringLiteral("refused"));
        const qint64 createId = firstIdOf.value(QStringLiteral("api_key.create"));
        QString createdAt;
        for (const QJsonObject &e : events) {
            if (e.value(QStringLiteral("id")).toInteger() == createId)
                createdAt = e.value(QStringLiteral("occurred_at")).toString();
        }
        const Response since = http().get(path + QStringLiteral("&limit=500&since=") + enc(createdAt), m_owner);
        E2E_EXPECT(since, 200);
        QVERIFY2(ids(items(since)).contains(QString::number(createId)), "since is inclusive");
        const Response until = http().get(path + QStringLiteral("&limit=500&until=") + enc(createdAt), m_owner);
        E2E_EXPECT(until, 200);
        QVERIFY2(!ids(items(until)).contains(QString::number(createId)), "until is exclusive");
        const Response after = http().get(path + QStringLiteral("&limit=500&after_id=%1").arg(createId), m_owner);
        E2E_EXPECT(after, 200);
        QCOMPARE(items(after).size(), events.size() - 1);
        for (const QJsonObject &e : items(after))
            QVERIFY(e.value(QStringLiteral("id")).toInteger() > createId);
    }

    void auditExport_csvAndNdjsonMatchList()
    {
        QVERIFY2(!m_lifecycleId.isEmpty(), "needs keyLifecycle_createUseDisableEnableRotateDelete");
        const QString filter = QStringLiteral("api_key_id=") + m_lifecycleId;
        const Response listed = http().get(QStringLiteral("/v1/audit-events?limit=500&") + filter, m_owner);
        E2E_EXPECT(listed, 200);
        const QStringList expectedIds = idList(items(listed));
        QVERIFY(!expectedIds.isEmpty());

        const Response csv = http().get(QStringLiteral("/v1/audit-events/export?format=csv&") + filter, m_owner);
        E2E_EXPECT(csv, 200);
        QVERIFY2(csv.header("content-type").startsWith("text/csv"), qPrintable(csv.describe()));
        QCOMPARE(csv.header("content-disposition"), QByteArray("attachment; filename=\"audit-events.csv\""));
        const QList<QStringList> rows = parseCsv(QString::fromUtf8(csv.body));
        QVERIFY(!rows.isEmpty());
        const QStringList header{QStringLiteral("id"), QStringLiteral("occurred_at"), QStringLiteral("actor_type"), QStringLiteral("actor_id"),
                                 QStringLiteral("actor_name"), QStringLiteral("action"), QStringLiteral("target_type"), QStringLiteral("target_id"),
                                 QStringLiteral("target_name"), QStringLiteral("workspace_id"), QStringLiteral("outcome"), QStringLiteral("http_status"),
                                 QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("source_ip"), QStringLiteral("user_agent"),
                                 QStringLiteral("request_id"), QStringLiteral("detail"), QStringLiteral("prev_hash"), QStringLiteral("hash")};
        QCOMPARE(rows.first(), header);
        QStringList csvIds;
        QHash<QString, QJsonObject> byId;
        for (const QJsonObject &e : items(listed))
            byId.insert(e.value(QStringLiteral("id")).toVariant().toString(), e);
        for (qsizetype i = 1; i < rows.size(); ++i) {
            QCOMPARE(rows.at(i).size(), header.size());
            csvIds << rows.at(i).first();
            const QJsonObject e = byId.value(rows.at(i).first());
            QCOMPARE(rows.at(i).at(5), e.value(QStringLiteral("action")).toString());
            QCOMPARE(rows.at(i).at(10), e.value(QStringLiteral("outcome")).toString());
            QCOMPARE(rows.at(i).at(19), e.value(QStringLiteral("hash")).toString());
        }
        QCOMPARE(csvIds, expectedIds);

        const Response ndjson = http().get(QStringLiteral("/v1/audit-events/export?format=ndjson&") + filter, m_owner);
        E2E_EXPECT(ndjson, 200);
        QVERIFY2(ndjson.header("content-type").startsWith("application/x-ndjson"), qPrintable(ndjson.describe()));
        QStringList ndjsonIds;
        for (const QByteArray &line : ndjson.body.split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
            QVERIFY2(doc.isObject(), line.constData());
            const QString eventId = doc.object().value(QStringLiteral("id")).toVariant().toString();
            ndjsonIds << eventId;
            QCOMPARE(doc.object(), byId.value(eventId));
        }
        QCOMPARE(ndjsonIds, expectedIds);

        // Streamed: chunked transfer straight from the server (Prism re-frames bodies).
        const RawResponse raw = rawExchange(m_env.server.serverPort(),
                                            rawRequest("GET", "/v1/audit-events/export?format=csv&" + filter.toLatin1(),
                                                       {{"Authorization", "Bearer " + m_owner.toLatin1()}}));
        QVERIFY2(raw.complete, qPrintable(raw.error));
        QCOMPARE(raw.response.status, 200);
        QVERIFY2(raw.response.header("transfer-encoding").toLower().contains("chunked"), "export is not streamed (no chunked transfer)");
        QCOMPARE(raw.response.body, csv.body);
    }

    void auditVerify_chainIsIntact()
    {
        const Response r = http().get(QStringLiteral("/v1/audit-events/verify"), m_owner);
        E2E_EXPECT(r, 200);
        QCOMPARE(r.json().value(QStringLiteral("ok")).toBool(), true);
        QVERIFY(r.json().value(QStringLiteral("checked")).toInt() > 0);
        QVERIFY(r.json().contains(QStringLiteral("first_broken")));
        QVERIFY(r.json().value(QStringLiteral("first_broken")).isNull());
        const Response globex = http().get(QStringLiteral("/v1/audit-events/verify"), m_globexOwner);
        E2E_EXPECT(globex, 200);
        QCOMPARE(globex.json().value(QStringLiteral("ok")).toBool(), true);
    }

    void lookup_findsKeyByValue()
    {
        const CreatedKey key = api().createKey(m_owner, QStringLiteral("workspace_viewer"), m_workspaceId);
        E2E_RETURN_IF_FAILED();
        const Response found = http().post(QStringLiteral("/v1/api-keys/lookup"), m_owner, {{QStringLiteral("value"), key.secret}});
        E2E_EXPECT(found, 200);
        QCOMPARE(found.json().value(QStringLiteral("id")).toString(), key.id);
        E2E_VERIFY_EMPTY(apiKeyMismatch(found.json()));
        QVERIFY(!found.body.contains(key.secret.toUtf8()));
        QString random;
        for (int i = 0; i < datarecs::KeyFormat::RandomLength; ++i)
            random += datarecs::KeyFormat::base62Alphabet().at(QRandomGenerator::global()->bounded(62));
        const Response missing = http().post(QStringLiteral("/v1/api-keys/lookup"), m_owner,
                                             {{QStringLiteral("value"), datarecs::KeyFormat::compose(random)}});
        E2E_EXPECT_PROBLEM(missing, 404, "not-found");
        // Another tenant cannot find Acme's key by value.
        E2E_EXPECT_PROBLEM(http().post(QStringLiteral("/v1/api-keys/lookup"), m_globexOwner, {{QStringLiteral("value"), key.secret}}), 404, "not-found");
        // The lookup did not count as a use of the key.
        QVERIFY(api().getKey(m_owner, key.id).value(QStringLiteral("last_used_at")).isNull());
        api().deleteKey(m_owner, key.id);
    }
};

QTEST_GUILESS_MAIN(ApiFlows)
#include "tst_api_flows.moc"
