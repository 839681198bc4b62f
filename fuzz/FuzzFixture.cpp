#include "FuzzFixture.h"

#include "KeyFormat.h"
#include "crypto/ServerKeyring.h"
#include "storage/SqliteStorage.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace datarecs::fuzz {

using namespace server;

namespace {

constexpr qint64 Day = 24LL * 3600 * 1000;

// Key values carry a real checksum, so they pass KeyFormat::check (asserted at start-up).
constexpr char AcmeAdminKey[] = "drk_FuzzAcmeAdminKey000000000000004frokC";
constexpr char AcmeOwnerKey[] = "drk_FuzzAcmeOwnerKey000000000000002Df8C0";
constexpr char AcmeViewerKey[] = "drk_FuzzAcmeViewerKey00000000000004dGWOa";
constexpr char AcmeWsAdminKey[] = "drk_FuzzAcmeWsAdminKey0000000000001SoKpX";
constexpr char AcmeDisabledKey[] = "drk_FuzzAcmeDisabledKey000000000001eI5V1";
constexpr char AcmeExpiredKey[] = "drk_FuzzAcmeExpiredKey0000000000002U479B";
constexpr char AcmeDeletedKey[] = "drk_FuzzAcmeDeletedKey0000000000003Cb94o";
constexpr char GlobexAdminKey[] = "drk_FuzzGlobexAdminKey0000000000001ynmIF";
constexpr char AcmeOwnerSession[] = "drs_FuzzAcmeOwnerSession00000000000000000000000";
constexpr char AcmeAdminSession[] = "drs_FuzzAcmeAdminSession00000000000000000000000";
constexpr char AcmeMemberSession[] = "drs_FuzzAcmeMemberSession0000000000000000000000";
constexpr char GlobexOwnerSession[] = "drs_FuzzGlobexOwnerSession000000000000000000000";
constexpr char ExpiredSession[] = "drs_FuzzAcmeExpiredSession000000000000000000000";

QCoreApplication &application()
{
    static int argc = 1;
    static char name[] = "datarecs-fuzz";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    return app;
}

void require(bool ok, const char *what, const QString &error = {})
{
    if (!ok)
        fail(what, error.toUtf8());
}

} // namespace

const QList<Credential> &credentials()
{
    static const QList<Credential> all = {
        {AcmeAdminKey, "Acme admin key", true},
        {AcmeOwnerKey, "Acme owner key", true},
        {AcmeViewerKey, "Acme workspace viewer key", true},
        {AcmeWsAdminKey, "Acme workspace admin key", true},
        {AcmeDisabledKey, "Acme disabled key", false},
        {AcmeExpiredKey, "Acme expired key", false},
        {AcmeDeletedKey, "Acme deleted key", false},
        {GlobexAdminKey, "Globex admin key", true},
        {AcmeOwnerSession, "Acme owner session", true},
        {AcmeAdminSession, "Acme admin session", true},
        {AcmeMemberSession, "Acme member session", true},
        {GlobexOwnerSession, "Globex owner session", true},
        {ExpiredSession, "expired session", false},
        {Password, "password", false},
    };
    return all;
}

void fail(const char *invariant, const QByteArray &detail)
{
    std::fprintf(stderr, "\n==datarecs-fuzz== invariant broken: %s\n", invariant);
    if (!detail.isEmpty())
        std::fprintf(stderr, "==datarecs-fuzz== %.*s\n", int(qMin<qsizetype>(detail.size(), 4000)), detail.constData());
    std::fflush(stderr);
    __builtin_trap();
}

Fixture &Fixture::instance()
{
    application();
    static Fixture fixture;
    return fixture;
}

Fixture::Fixture()
{
    require(sodium_init() >= 0, "sodium_init failed");
    static QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/datarecs-fuzz-XXXXXX"));
    require(dir.isValid(), "cannot create a temporary directory");
    m_dir = dir.path();

    m_keyring = std::make_unique<ServerKeyring>();
    QString error;
    require(m_keyring->load(m_dir, &error), "cannot load the keyring", error);
    auto storage = std::make_unique<SqliteStorage>(m_dir);
    require(storage->open(), "cannot open the SQLite store", storage->lastError());
    m_storage = std::move(storage);
    m_context = std::make_unique<ServiceContext>(ServiceContext{*m_storage, *m_keyring, {}, [] { return FixedNow; }});
    m_service = std::make_unique<ApiService>(*m_context);
    seed();
}

void Fixture::seed()
{
    for (const Credential &c : credentials()) {
        const QString value = QString::fromLatin1(c.value);
        if (value.startsWith(KeyFormat::prefix()))
            require(KeyFormat::isValid(value), "a fixture key value has a bad checksum", value);
    }
    // The cheapest Argon2id parameters, so that logins with a known email do not dominate the run.
    char hashed[crypto_pwhash_STRBYTES];
    require(crypto_pwhash_str(hashed, Password, sizeof Password - 1, crypto_pwhash_OPSLIMIT_MIN,
                              crypto_pwhash_MEMLIMIT_MIN)
                == 0,
            "cannot hash the fixture password");
    const QString passwordHash = QString::fromLatin1(hashed);

    Storage &s = *m_storage;
    const qint64 t0 = FixedNow - 30 * Day;
    require(s.begin(), "begin", s.lastError());
    require(s.insertTenant({QStringLiteral("ten_acme"), QStringLiteral("Acme"), 12, t0}), "tenant", s.lastError());
    // Globex sits at its key quota, so creating a key there answers quota-exceeded.
    require(s.insertTenant({QStringLiteral("ten_globex"), QStringLiteral("Globex"), 1, t0}), "tenant", s.lastError());
    const auto user = [&](const char *id, const char *tenant, const char *email, const char *role) {
        require(s.insertUser({QString::fromLatin1(id), QString::fromLatin1(tenant), QString::fromLatin1(email),
                              QString::fromLatin1(email).section(u'@', 0, 0), passwordHash, QString::fromLatin1(role), t0}),
                "user", s.lastError());
    };
    user("usr_acmeowner", "ten_acme", "owner@acme.test", "owner");
    user("usr_acmeadmin", "ten_acme", "admin@acme.test", "admin");
    user("usr_acmemember", "ten_acme", "member@acme.test", "");
    user("usr_globexowner", "ten_globex", "owner@globex.test", "owner");
    const auto workspace = [&](const char *id, const char *tenant, const char *name) {
        require(s.insertWorkspace({QString::fromLatin1(id), QString::fromLatin1(tenant), QString::fromLatin1(name),
                                   QStringLiteral("Fuzz fixture workspace"), t0}),
                "workspace", s.lastError());
    };
    workspace("wsp_analytics", "ten_acme", "Analytics");
    workspace("wsp_platform", "ten_acme", "Platform");
    workspace("wsp_globex", "ten_globex", "Globex main");
    require(s.insertWorkspaceMember(QStringLiteral("wsp_analytics"), QStringLiteral("usr_acmemember"),
                                    QStringLiteral("workspace_viewer")),
            "member", s.lastError());
    require(s.insertWorkspaceMember(QStringLiteral("wsp_platform"), QStringLiteral("usr_acmemember"),
                                    QStringLiteral("workspace_admin")),
            "member", s.lastError());

    const auto session = [&](const char *token, const char *userId, const char *tenant, qint64 expiresAt) {
        require(s.insertSession({m_keyring->hmac(token), QString::fromLatin1(userId), QString::fromLatin1(tenant),
                                 t0, expiresAt}),
                "session", s.lastError());
    };
    session(AcmeOwnerSession, "usr_acmeowner", "ten_acme", FixedNow + Day);
    session(AcmeAdminSession, "usr_acmeadmin", "ten_acme", FixedNow + Day);
    session(AcmeMemberSession, "usr_acmemember", "ten_acme", FixedNow + Day);
    session(GlobexOwnerSession, "usr_globexowner", "ten_globex", FixedNow + Day);
    session(ExpiredSession, "usr_acmemember", "ten_acme", FixedNow - Day);

    const auto key = [&](const char *id, const char *tenant, const char *value, const char *role, const char *ws,
                         bool enabled, std::optional<qint64> expiresAt, std::optional<qint64> deletedAt, int ageDays) {
        ApiKeyRecord k;
        k.id = QString::fromLatin1(id);
        k.tenantId = QString::fromLatin1(tenant);
        k.name = QStringLiteral("Fuzz %1").arg(k.id);
        k.description = QStringLiteral("Fixture key\nsecond line");
        k.role = QString::fromLatin1(role);
        k.workspaceId = QString::fromLatin1(ws);
        k.enabled = enabled;
        k.secretHmac = m_keyring->hmac(value);
        k.hint = KeyFormat::hint(QString::fromLatin1(value));
        k.createdByType = QStringLiteral("user");
        k.createdById = QStringLiteral("usr_acmeowner");
        k.createdByName = QStringLiteral("owner");
        k.createdAt = FixedNow - ageDays * Day;
        k.updatedAt = k.createdAt;
        k.expiresAt = expiresAt;
        k.deletedAt = deletedAt;
        require(s.insertApiKey(k), "key", s.lastError());
        if (deletedAt)
            require(s.updateApiKey(k), "key delete", s.lastError());
    };
    key("key_acmeadmin", "ten_acme", AcmeAdminKey, "admin", "", true, {}, {}, 200);
    key("key_acmeowner", "ten_acme", AcmeOwnerKey, "owner", "", true, FixedNow + 30 * Day, {}, 100);
    key("key_acmeviewer", "ten_acme", AcmeViewerKey, "workspace_viewer", "wsp_analytics", true, {}, {}, 50);
    key("key_acmewsadmin", "ten_acme", AcmeWsAdminKey, "workspace_admin", "wsp_platform", true, {}, {}, 20);
    key("key_acmedisabled", "ten_acme", AcmeDisabledKey, "workspace_editor", "wsp_platform", false, {}, {}, 10);
    key("key_acmeexpired", "ten_acme", AcmeExpiredKey, "workspace_editor", "wsp_analytics", true, FixedNow - Day, {}, 5);
    key("key_acmedeleted", "ten_acme", AcmeDeletedKey, "admin", "", false, {}, FixedNow - 2 * Day, 3);
    key("key_globexadmin", "ten_globex", GlobexAdminKey, "admin", "", true, {}, {}, 1);
    require(s.commit(), "commit", s.lastError());

    // A few requests through the API itself: audit history for the audit routes, and an idempotency
    // record that the corpus's replayed create request finds.
    const auto call = [&](const char *method, const char *path, const char *auth, const QByteArray &body,
                          const QByteArray &idempotencyKey = {}) {
        ApiRequest r;
        r.method = method;
        r.path = QString::fromLatin1(path);
        r.headers.insert("authorization", QByteArray("Bearer ") + auth);
        r.headers.insert("content-type", "application/json");
        r.headers.insert("user-agent", "datarecs-fuzz-fixture/1");
        if (!idempotencyKey.isEmpty())
            r.headers.insert("idempotency-key", idempotencyKey);
        r.body = body;
        r.sourceIp = QStringLiteral("127.0.0.1");
        return m_service->handle(r).response;
    };
    const ApiResponse created = call("POST", "/v1/api-keys", AcmeOwnerSession,
                                     R"({"name":"Replayed key","role":"workspace_viewer","workspace_id":"wsp_analytics"})",
                                     "fuzz-idempotency-1");
    require(created.status == 201, "fixture create", QString::fromUtf8(created.body));
    require(call("GET", "/v1/me", AcmeAdminKey, {}).status == 200, "fixture me");
    require(call("GET", "/v1/me", AcmeDisabledKey, {}).status == 401, "fixture refused key");
    require(call("PATCH", "/v1/api-keys/key_acmeviewer", AcmeAdminSession, R"({"description":"Dashboards"})").status == 200,
            "fixture update");
    require(call("POST", "/v1/api-keys/key_acmewsadmin/disable", AcmeOwnerKey, {}).status == 200, "fixture disable");
    require(call("POST", "/v1/api-keys/key_acmewsadmin/enable", AcmeOwnerKey, {}).status == 200, "fixture enable");
}

} // namespace datarecs::fuzz
