// Who may do what: every endpoint of the contract against every kind of caller, as one data-driven
// table whose cells are named "<operation> | <caller>". Expected values follow the notes' permission
// table (read_api_keys, create_api_key, manage_api_keys, read_audit), the rank rule (a key's role never
// above the caller's; disable is exempt), workspace restriction (restricted callers see only their
// workspace's keys) and tenant isolation (another tenant's objects answer exactly like missing ones).
#include "E2eSupport.h"

#include <KeyFormat.h>

#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>

using namespace e2e;

namespace {

// Callers (columns).
enum Caller {
    OwnerSession,
    AdminSession,
    MemberSession,
    OwnerKey,
    AdminKey,
    WsAdminKey,
    WsEditorKey,
    WsViewerKey,
    OwnerKeyW,
    AdminKeyW,
    WsAdminKeyW,
    WsEditorKeyW,
    WsViewerKeyW,
    GlobexOwner,
    Anonymous,
    CallerCount
};

const char *const CallerNames[CallerCount] = {
    "owner session", "admin session", "member session",
    "owner key", "admin key", "workspace_admin key", "workspace_editor key", "workspace_viewer key",
    "owner key@W", "admin key@W", "workspace_admin key@W", "workspace_editor key@W", "workspace_viewer key@W",
    "Globex owner", "no credentials",
};

const char *const KeyRoles[5] = {"owner", "admin", "workspace_admin", "workspace_editor", "workspace_viewer"};

// Targets: W = a workspace_viewer key restricted to W, U = a workspace_viewer key not restricted,
// O = an owner key (not restricted). Fresh* are made for the cell and removed after it.
enum class Target { None, W, U, O, FreshW, FreshO };
enum class Body { None, Create, Patch, EmptyObject, Lookup };

struct Operation
{
    const char *name;
    const char *method;
    const char *path; // {id} is the target's id
    Target target;
    Body body;
    bool disableFirst; // the target is disabled before the cell (enable rows)
    // Expected per caller, in Caller order. "200": that status; "401u" unauthenticated; "403f" forbidden;
    // "403r" role-too-high; "404" not-found; "404g" not-found and identical to a missing object;
    // "=m": identical to the answer for a missing object (status not fixed by the notes).
    const char *expected[CallerCount];
};

// clang-format off
//                                                                       OS      AS      MS      KO      KA      KWA     KWE     KWV     KO@W    KA@W    KWA@W   KWE@W   KWV@W   Globex  anon
const Operation Operations[] = {
    {"GET /v1/health",             "GET",    "/v1/health",                 Target::None,   Body::None, false, {"200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200"}},
    {"GET /v1/me",                 "GET",    "/v1/me",                     Target::None,   Body::None, false, {"200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "401u"}},
    {"GET /v1/roles",              "GET",    "/v1/roles",                  Target::None,   Body::None, false, {"200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "401u"}},
    {"GET /v1/workspaces",         "GET",    "/v1/workspaces",             Target::None,   Body::None, false, {"200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "401u"}},
    {"GET /v1/quota",              "GET",    "/v1/quota",                  Target::None,   Body::None, false, {"200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "401u"}},
    {"GET /v1/api-keys",           "GET",    "/v1/api-keys",               Target::None,   Body::None, false, {"200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "401u"}},
    {"POST /v1/api-keys (viewer@W)","POST",  "/v1/api-keys",               Target::None,   Body::Create, false,{"201",  "201",  "403f", "201",  "201",  "403f", "403f", "403f", "201",  "201",  "403f", "403f", "403f", "=m",   "401u"}},
    {"GET key@W",                  "GET",    "/v1/api-keys/{id}",          Target::W,      Body::None, false, {"200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "404g", "401u"}},
    {"GET key (unrestricted)",     "GET",    "/v1/api-keys/{id}",          Target::U,      Body::None, false, {"200",  "200",  "404",  "200",  "200",  "200",  "200",  "200",  "404",  "404",  "404",  "404",  "404",  "404g", "401u"}},
    {"PATCH key@W",                "PATCH",  "/v1/api-keys/{id}",          Target::W,      Body::Patch, false,{"200",  "200",  "403f", "200",  "200",  "403f", "403f", "403f", "200",  "200",  "403f", "403f", "403f", "404g", "401u"}},
    {"PATCH owner key",            "PATCH",  "/v1/api-keys/{id}",          Target::O,      Body::Patch, false,{"200",  "403r", "403f", "200",  "403r", "403f", "403f", "403f", "404",  "404",  "403f", "403f", "403f", "404g", "401u"}},
    {"DELETE key@W",               "DELETE", "/v1/api-keys/{id}",          Target::FreshW, Body::None, false, {"204",  "204",  "403f", "204",  "204",  "403f", "403f", "403f", "204",  "204",  "403f", "403f", "403f", "404g", "401u"}},
    {"DELETE owner key",           "DELETE", "/v1/api-keys/{id}",          Target::FreshO, Body::None, false, {"204",  "403r", "403f", "204",  "403r", "403f", "403f", "403f", "404",  "404",  "403f", "403f", "403f", "404g", "401u"}},
    {"disable key@W",              "POST",   "/v1/api-keys/{id}/disable",  Target::W,      Body::None, false, {"200",  "200",  "403f", "200",  "200",  "403f", "403f", "403f", "200",  "200",  "403f", "403f", "403f", "404g", "401u"}},
    {"disable owner key",          "POST",   "/v1/api-keys/{id}/disable",  Target::O,      Body::None, false, {"200",  "200",  "403f", "200",  "200",  "403f", "403f", "403f", "404",  "404",  "403f", "403f", "403f", "404g", "401u"}},
    {"enable key@W",               "POST",   "/v1/api-keys/{id}/enable",   Target::W,      Body::None, true,  {"200",  "200",  "403f", "200",  "200",  "403f", "403f", "403f", "200",  "200",  "403f", "403f", "403f", "404g", "401u"}},
    {"enable owner key",           "POST",   "/v1/api-keys/{id}/enable",   Target::O,      Body::None, true,  {"200",  "403r", "403f", "200",  "403r", "403f", "403f", "403f", "404",  "404",  "403f", "403f", "403f", "404g", "401u"}},
    {"rotate key@W",               "POST",   "/v1/api-keys/{id}/rotate",   Target::FreshW, Body::EmptyObject, false, {"201", "201", "403f", "201", "201", "403f", "403f", "403f", "201", "201", "403f", "403f", "403f", "404g", "401u"}},
    {"rotate owner key",           "POST",   "/v1/api-keys/{id}/rotate",   Target::FreshO, Body::EmptyObject, false, {"201", "403r", "403f", "201", "403r", "403f", "403f", "403f", "404", "404", "403f", "403f", "403f", "404g", "401u"}},
    {"lookup key@W",               "POST",   "/v1/api-keys/lookup",        Target::W,      Body::Lookup, false,{"200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "200",  "404g", "401u"}},
    {"lookup key (unrestricted)",  "POST",   "/v1/api-keys/lookup",        Target::U,      Body::Lookup, false,{"200",  "200",  "404",  "200",  "200",  "200",  "200",  "200",  "404",  "404",  "404",  "404",  "404",  "404g", "401u"}},
    {"GET /v1/audit-events",       "GET",    "/v1/audit-events?limit=5",   Target::None,   Body::None, false, {"200",  "200",  "403f", "200",  "200",  "403f", "403f", "403f", "200",  "200",  "403f", "403f", "403f", "200",  "401u"}},
    {"GET /v1/audit-events/export","GET",    "/v1/audit-events/export?format=ndjson", Target::None, Body::None, false, {"200", "200", "403f", "200", "200", "403f", "403f", "403f", "200", "200", "403f", "403f", "403f", "200", "401u"}},
    {"GET /v1/audit-events/verify","GET",    "/v1/audit-events/verify",    Target::None,   Body::None, false, {"200",  "200",  "403f", "200",  "200",  "403f", "403f", "403f", "200",  "200",  "403f", "403f", "403f", "200",  "401u"}},
    {"POST /v1/auth/logout",       "POST",   "/v1/auth/logout",            Target::None,   Body::None, false, {"204",  "204",  "204",  "403f", "403f", "403f", "403f", "403f", "403f", "403f", "403f", "403f", "403f", "204",  "401u"}},
};
// clang-format on
constexpr int OperationCount = int(sizeof(Operations) / sizeof(Operations[0]));

const QString MissingKeyId = QStringLiteral("key_0000000000000000");
const QString MissingWorkspaceId = QStringLiteral("ws_0000000000000000");

QString randomKeyValue()
{
    QString random;
    for (int i = 0; i < datarecs::KeyFormat::RandomLength; ++i)
        random += datarecs::KeyFormat::base62Alphabet().at(QRandomGenerator::global()->bounded(62));
    return datarecs::KeyFormat::compose(random);
}

/// What a client can tell apart in a problem, with the object's own id blanked out.
QJsonObject problemShape(const Response &r, const QString &id)
{
    QJsonObject out;
    out.insert(QStringLiteral("http_status"), r.status);
    out.insert(QStringLiteral("content_type"), QString::fromLatin1(r.header("content-type")));
    const QJsonObject body = r.json();
    QStringList keys = body.keys();
    out.insert(QStringLiteral("members"), QJsonArray::fromStringList(keys));
    for (const char *member : {"type", "title", "status", "detail", "instance"}) {
        QString text = body.value(QLatin1StringView(member)).toVariant().toString();
        if (!id.isEmpty())
            text.replace(id, QStringLiteral("{id}"));
        out.insert(QLatin1StringView(member), text);
    }
    const QJsonArray errors = body.value(QStringLiteral("errors")).toArray();
    QStringList fields;
    for (const QJsonValue &e : errors)
        fields << e.toObject().value(QStringLiteral("field")).toString();
    out.insert(QStringLiteral("error_fields"), QJsonArray::fromStringList(fields));
    return out;
}

} // namespace

class AuthzMatrix : public QObject
{
    Q_OBJECT

private:
    HttpClient &http() { return *m_env.client; }
    Api &api() { return *m_env.api; }

    struct Prepared
    {
        QString id; // the target's id ("" for none)
        QString value; // the target's key value (lookup rows)
        QString path;
        QByteArray body;
        bool hasBody = false;
    };

    Prepared prepare(const Operation &op, const QString &id, const QString &value, const QString &workspaceId)
    {
        Prepared p;
        p.id = id;
        p.value = value;
        p.path = QString::fromLatin1(op.path).replace(QStringLiteral("{id}"), id);
        switch (op.body) {
        case Body::None:
            break;
        case Body::Create:
            p.hasBody = true;
            p.body = QJsonDocument(QJsonObject{{QStringLiteral("name"), Api::uniqueName(QStringLiteral("matrix"))},
                                               {QStringLiteral("role"), QStringLiteral("workspace_viewer")},
                                               {QStringLiteral("workspace_id"), workspaceId}})
                         .toJson(QJsonDocument::Compact);
            break;
        case Body::Patch:
            p.hasBody = true;
            p.body = QJsonDocument(QJsonObject{{QStringLiteral("description"), Api::uniqueName(QStringLiteral("patched"))}})
                         .toJson(QJsonDocument::Compact);
            break;
        case Body::EmptyObject:
            p.hasBody = true;
            p.body = "{}";
            break;
        case Body::Lookup:
            p.hasBody = true;
            p.body = QJsonDocument(QJsonObject{{QStringLiteral("value"), value}}).toJson(QJsonDocument::Compact);
            break;
        }
        return p;
    }

    Response perform(const Operation &op, const QString &token, const Prepared &p, bool anonymous)
    {
        Request r;
        r.method = op.method;
        r.path = p.path;
        r.token = token;
        r.hasBody = p.hasBody;
        r.body = p.body;
        r.allow = anonymous ? Allow::RequestViolations : Allow::Nothing; // Prism flags the missing credential
        return http().send(r);
    }

    Environment m_env;
    QString m_tokens[CallerCount];
    QString m_keyIds[CallerCount];
    QString m_ownerPassword;
    QString m_workspaceId;
    QString m_workspaceName;
    CreatedKey m_targetW;
    CreatedKey m_targetU;
    CreatedKey m_targetO;
    QStringList m_leftovers; // keys a cell made, removed in cleanup()
    QStringList m_reenable; // shared targets a cell disabled

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start({}, &error), qPrintable(error));
        m_tokens[OwnerSession] = api().login(m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner")));
        m_tokens[AdminSession] = api().login(m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("admin")));
        m_tokens[MemberSession] = api().login(m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("member")));
        m_tokens[GlobexOwner] = api().login(m_env.server.demoUser(QStringLiteral("Globex"), QStringLiteral("owner")));
        E2E_RETURN_IF_FAILED();
        // W is a workspace where the demo member holds a role, so "restricted to W" and "the member's
        // workspace" are the same scope.
        const QJsonArray memberRoles = api().me(m_tokens[MemberSession]).value(QStringLiteral("workspace_roles")).toArray();
        E2E_RETURN_IF_FAILED();
        QVERIFY2(!memberRoles.isEmpty(), "the demo member holds no workspace role");
        const QJsonObject workspace = memberRoles.first().toObject().value(QStringLiteral("workspace")).toObject();
        m_workspaceId = workspace.value(QStringLiteral("id")).toString();
        m_workspaceName = workspace.value(QStringLiteral("name")).toString();
        QVERIFY(m_workspaceId.startsWith(QStringLiteral("ws_")));

        const QString &owner = m_tokens[OwnerSession];
        for (int i = 0; i < 5; ++i) {
            const QString role = QString::fromLatin1(KeyRoles[i]);
            const CreatedKey open = api().createKey(owner, role, {}, QStringLiteral("caller-") + role);
            const CreatedKey restricted = api().createKey(owner, role, m_workspaceId, QStringLiteral("caller-") + role + QStringLiteral("@W"));
            E2E_RETURN_IF_FAILED();
            m_tokens[OwnerKey + i] = open.secret;
            m_keyIds[OwnerKey + i] = open.id;
            m_tokens[OwnerKeyW + i] = restricted.secret;
            m_keyIds[OwnerKeyW + i] = restricted.id;
        }
        m_targetW = api().createKey(owner, QStringLiteral("workspace_viewer"), m_workspaceId, QStringLiteral("target-W"));
        m_targetU = api().createKey(owner, QStringLiteral("workspace_viewer"), {}, QStringLiteral("target-U"));
        m_targetO = api().createKey(owner, QStringLiteral("owner"), {}, QStringLiteral("target-O"));
        E2E_RETURN_IF_FAILED();
        // Every caller key is what it claims to be.
        for (int c = OwnerKey; c <= WsViewerKeyW; ++c) {
            const QJsonObject me = api().me(m_tokens[c]);
            E2E_RETURN_IF_FAILED();
            QCOMPARE(me.value(QStringLiteral("role")).toString(), QString::fromLatin1(KeyRoles[(c - OwnerKey) % 5]));
            QCOMPARE(me.value(QStringLiteral("workspace")).toObject().value(QStringLiteral("id")).toString(),
                     c >= OwnerKeyW ? m_workspaceId : QString());
        }
        m_env.deferSetupTraffic();
    }

    void setupTraffic_matchesContract() { m_env.verifySetupTraffic(__FILE__, __LINE__); }

    void cleanup()
    {
        // Runs even when a cell failed half-way: the Acme quota (50, of which the demo uses 33) is tight.
        if (m_env.client) {
            const QString &owner = m_tokens[OwnerSession];
            for (const QString &id : std::as_const(m_reenable))
                http().postEmpty(QStringLiteral("/v1/api-keys/%1/enable").arg(id), owner);
            m_reenable.clear();
            const QStringList leftovers = m_leftovers;
            for (const QString &id : leftovers) {
                const Response d = http().del(QStringLiteral("/v1/api-keys/") + id, owner);
                if (d.status == 204 || d.status == 404)
                    m_leftovers.removeAll(id);
            }
        }
        E2E_CHECK_TRAFFIC(m_env);
    }

    void cleanupTestCase()
    {
        if (m_env.client) {
            for (const QString &id : std::as_const(m_leftovers))
                http().del(QStringLiteral("/v1/api-keys/") + id, m_tokens[OwnerSession]);
            m_env.client->takeUnexpected();
            qInfo("e2e: %d requests", m_env.client->requestCount());
        }
        m_env.server.stop();
    }

    void matrix_data()
    {
        QTest::addColumn<int>("operation");
        QTest::addColumn<int>("caller");
        for (int o = 0; o < OperationCount; ++o) {
            for (int c = 0; c < CallerCount; ++c)
                QTest::addRow("%s | %s", Operations[o].name, CallerNames[c]) << o << c;
        }
    }

    void matrix()
    {
        QFETCH(int, operation);
        QFETCH(int, caller);
        const Operation &op = Operations[operation];
        const QString expected = QString::fromLatin1(op.expected[caller]);
        const QString &owner = m_tokens[OwnerSession];

        // The target of this cell.
        CreatedKey target;
        switch (op.target) {
        case Target::None:
            break;
        case Target::W:
            target = m_targetW;
            break;
        case Target::U:
            target = m_targetU;
            break;
        case Target::O:
            target = m_targetO;
            break;
        case Target::FreshW:
            target = api().createKey(owner, QStringLiteral("workspace_viewer"), m_workspaceId, QStringLiteral("cell-W"));
            m_leftovers << target.id;
            break;
        case Target::FreshO:
            target = api().createKey(owner, QStringLiteral("owner"), {}, QStringLiteral("cell-O"));
            m_leftovers << target.id;
            break;
        }
        E2E_RETURN_IF_FAILED();
        if (op.disableFirst) {
            m_reenable << target.id;
            api().setEnabled(owner, target.id, false);
        }
        E2E_RETURN_IF_FAILED();

        // Sessions that log out are made for the cell, so the shared ones survive.
        QString token = m_tokens[caller];
        if (QByteArrayView(op.path) == "/v1/auth/logout" && caller != Anonymous && token.startsWith(QStringLiteral("drs_"))) {
            const DemoUser who = caller == OwnerSession  ? m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner"))
                : caller == AdminSession                 ? m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("admin"))
                : caller == MemberSession                ? m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("member"))
                                                         : m_env.server.demoUser(QStringLiteral("Globex"), QStringLiteral("owner"));
            token = api().login(who);
            E2E_RETURN_IF_FAILED();
        }

        const Prepared prepared = prepare(op, target.id, target.secret, m_workspaceId);
        const Response r = perform(op, token, prepared, caller == Anonymous);
        const QString createdId = r.status == 201 ? r.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString() : QString();
        if (!createdId.isEmpty())
            m_leftovers << createdId;

        // Shared targets are put back as they were in cleanup().
        if ((op.target == Target::W || op.target == Target::O) && (op.disableFirst || QByteArrayView(op.path).endsWith("/disable")))
            m_reenable << target.id;

        if (expected == QStringLiteral("=m") || expected == QStringLiteral("404g")) {
            // Another tenant's object must be indistinguishable from one that does not exist.
            Prepared missing = prepared;
            QString blank = target.id;
            if (op.body == Body::Create) {
                missing.body.replace(m_workspaceId.toUtf8(), MissingWorkspaceId.toUtf8());
                blank = m_workspaceId;
            } else if (op.body == Body::Lookup) {
                const QString unknown = randomKeyValue();
                missing.body.replace(target.secret.toUtf8(), unknown.toUtf8());
            }
            if (!target.id.isEmpty())
                missing.path.replace(target.id, MissingKeyId);
            const Response m = perform(op, token, missing, false);
            if (expected == QStringLiteral("404g"))
                E2E_EXPECT_PROBLEM(r, 404, "not-found");
            QVERIFY2(r.status >= 400 && r.status < 500, qPrintable(QStringLiteral("another tenant's object was acted on:\n") + r.describe()));
            const QJsonObject shape = problemShape(r, blank);
            const QJsonObject missingShape = problemShape(m, op.body == Body::Create ? MissingWorkspaceId : MissingKeyId);
            QVERIFY2(shape == missingShape,
                     qPrintable(QStringLiteral("another tenant's object answers differently from a missing one:\n  other tenant: %1\n  missing:      %2\n%3\n%4")
                                    .arg(QString::fromUtf8(QJsonDocument(shape).toJson(QJsonDocument::Compact)),
                                         QString::fromUtf8(QJsonDocument(missingShape).toJson(QJsonDocument::Compact)), r.describe(), m.describe())));
        } else if (expected == QStringLiteral("401u")) {
            E2E_EXPECT_PROBLEM(r, 401, "unauthenticated");
        } else if (expected == QStringLiteral("403f")) {
            E2E_EXPECT_PROBLEM(r, 403, "forbidden");
            const QString detail = r.json().value(QStringLiteral("detail")).toString();
            const QString permission = QByteArrayView(op.path).startsWith("/v1/audit-events") ? QStringLiteral("read_audit")
                : (op.body == Body::Create || QByteArrayView(op.path).endsWith("/rotate"))     ? QStringLiteral("create_api_key")
                                                                                              : QStringLiteral("manage_api_keys");
            if (QByteArrayView(op.path) != "/v1/auth/logout")
                QVERIFY2(detail.contains(QStringLiteral("requires permission ") + permission, Qt::CaseInsensitive),
                         qPrintable(QStringLiteral("the detail should name the missing permission %1:\n").arg(permission) + r.describe()));
        } else if (expected == QStringLiteral("403r")) {
            E2E_EXPECT_PROBLEM(r, 403, "role-too-high");
        } else if (expected == QStringLiteral("404")) {
            E2E_EXPECT_PROBLEM(r, 404, "not-found");
        } else {
            const int status = expected.toInt();
            E2E_EXPECT(r, status);
            if (status == 200 && (op.target == Target::W || op.target == Target::U || op.target == Target::O))
                QCOMPARE(r.json().value(QStringLiteral("id")).toString(), target.id);
            if (status == 201 && op.target == Target::FreshW)
                QCOMPARE(r.json().value(QStringLiteral("replaces")).toObject().value(QStringLiteral("id")).toString(), target.id);
        }

        // What the cell made (fresh target, created or rotated key) is removed in cleanup().
    }

    // --- scope details beyond status codes ----------------------------------------------------------

    void restrictedKey_seesOnlyItsWorkspace_data()
    {
        QTest::addColumn<int>("caller");
        for (int c : {MemberSession, OwnerKeyW, WsAdminKeyW, WsViewerKeyW})
            QTest::newRow(CallerNames[c]) << c;
    }

    void restrictedKey_seesOnlyItsWorkspace()
    {
        QFETCH(int, caller);
        const QString &token = m_tokens[caller];
        if (caller != MemberSession) {
            const QList<QJsonObject> workspaces = api().workspaces(token);
            E2E_RETURN_IF_FAILED();
            QCOMPARE(workspaces.size(), 1);
            QCOMPARE(workspaces.first().value(QStringLiteral("id")).toString(), m_workspaceId);
        }
        // A key restricted to W sees W only; the member sees every workspace where they hold a role.
        QSet<QString> allowed{m_workspaceId};
        if (caller == MemberSession) {
            for (const QJsonValue &v : api().me(token).value(QStringLiteral("workspace_roles")).toArray())
                allowed.insert(v.toObject().value(QStringLiteral("workspace")).toObject().value(QStringLiteral("id")).toString());
            QCOMPARE(QSet<QString>{m_workspaceId} + allowed, allowed);
            QSet<QString> visible;
            for (const QJsonObject &w : api().workspaces(token))
                visible.insert(w.value(QStringLiteral("id")).toString());
            QCOMPARE(visible, allowed);
        }
        const QList<QJsonObject> keys = api().listAll(token, QStringLiteral("/v1/api-keys"), 200);
        E2E_RETURN_IF_FAILED();
        QSet<QString> seen;
        for (const QJsonObject &k : keys) {
            seen.insert(k.value(QStringLiteral("id")).toString());
            QVERIFY2(allowed.contains(k.value(QStringLiteral("workspace")).toObject().value(QStringLiteral("id")).toString()),
                     qPrintable(QStringLiteral("a restricted caller sees %1").arg(QString::fromUtf8(QJsonDocument(k).toJson(QJsonDocument::Compact)))));
        }
        QVERIFY(seen.contains(m_targetW.id));
        QVERIFY(!seen.contains(m_targetU.id));
        QVERIFY(!seen.contains(m_targetO.id));
        const QList<QJsonObject> filtered = api().listAll(token, QStringLiteral("/v1/api-keys?q=target-U"), 200);
        QVERIFY(filtered.isEmpty());
    }

    void restrictedKey_auditShowsOnlyItsWorkspace()
    {
        const Response r = http().get(QStringLiteral("/v1/audit-events?limit=500"), m_tokens[AdminKeyW]);
        E2E_EXPECT(r, 200);
        const QJsonArray events = r.json().value(QStringLiteral("items")).toArray();
        QVERIFY(!events.isEmpty()); // at least the creation of target-W and the key's own requests
        for (const QJsonValue &v : events)
            QCOMPARE(v.toObject().value(QStringLiteral("workspace_id")).toString(), m_workspaceId);
    }

    void globex_listsNothingOfAcme()
    {
        const QList<QJsonObject> keys = api().listAll(m_tokens[GlobexOwner], QStringLiteral("/v1/api-keys"), 200);
        E2E_RETURN_IF_FAILED();
        for (const QJsonObject &k : keys) {
            QVERIFY(k.value(QStringLiteral("id")).toString() != m_targetW.id);
            QVERIFY(k.value(QStringLiteral("id")).toString() != m_targetU.id);
        }
        // Globex's log holds only Globex's own doings (its refused attempts on Acme's ids included),
        // never Acme's events about that key.
        const QString globexUser = api().me(m_tokens[GlobexOwner]).value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
        const Response audit = http().get(QStringLiteral("/v1/audit-events?limit=500&api_key_id=") + m_targetW.id, m_tokens[GlobexOwner]);
        E2E_EXPECT(audit, 200);
        for (const QJsonValue &v : audit.json().value(QStringLiteral("items")).toArray()) {
            const QJsonObject e = v.toObject();
            QVERIFY2(e.value(QStringLiteral("actor")).toObject().value(QStringLiteral("id")).toString() == globexUser,
                     qPrintable(QStringLiteral("Globex reads an Acme audit event: ") + QString::fromUtf8(QJsonDocument(e).toJson(QJsonDocument::Compact))));
            QCOMPARE(e.value(QStringLiteral("outcome")).toString(), QStringLiteral("refused"));
        }
    }

    void keyCreatedByKey_recordsTheKeyAsCreator()
    {
        const CreatedKey made = api().createKey(m_tokens[AdminKey], QStringLiteral("workspace_viewer"));
        E2E_RETURN_IF_FAILED();
        const QJsonObject createdBy = made.apiKey.value(QStringLiteral("created_by")).toObject();
        QCOMPARE(createdBy.value(QStringLiteral("type")).toString(), QStringLiteral("api_key"));
        QCOMPARE(createdBy.value(QStringLiteral("id")).toString(), m_keyIds[AdminKey]);
        api().deleteKey(m_tokens[OwnerSession], made.id);
    }
};

QTEST_GUILESS_MAIN(AuthzMatrix)
#include "tst_authz_matrix.moc"
