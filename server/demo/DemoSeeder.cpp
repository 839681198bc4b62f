#include "DemoSeeder.h"

#include "KeyFormat.h"
#include "audit/AuditChain.h"
#include "crypto/PasswordHasher.h"
#include "crypto/Random.h"
#include "crypto/ServerKeyring.h"
#include "storage/Storage.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>

#include <algorithm>
#include <iterator>
#include <tuple>

namespace datarecs::server::DemoSeeder {

namespace {

constexpr qint64 Minute = 60 * 1000;
constexpr qint64 Hour = 60 * Minute;
constexpr qint64 Day = 24 * Hour;
constexpr qint64 AuditWindow = 120 * Day;
constexpr int RequestEvents = 12000; // api_key.request events, spread over the keys by activity
constexpr int EventsPerTransaction = 3000;
constexpr int Never = -1;

constexpr int days(int n)
{
    return n * 24 * 60;
} // in minutes, for the lastUsed column below

// One row of the demo's key table. Times are relative to the moment of seeding.
struct KeySpec
{
    const char *name;
    const char *description;
    const char *role;
    int workspace; // index into the tenant's workspaces, -1: unrestricted
    int createdDaysAgo;
    int lastUsedMinutesAgo; // Never: never used
    bool enabled;
    int expiresInDays; // 0: no expiry; negative: already expired
    int creator;       // 0: owner, 1: admin
    const char *userAgent;
    int replacesIndex = -1;   // this key rotated the key at that index of the same table
    int deletedDaysAgo = 0;   // 0: not deleted
    bool compromised = false; // someone else tries the key after it was disabled
};

const KeySpec AcmeKeys[] = {
    {"GitHub Actions deploy", "Deploys the platform services from main", "workspace_editor", 2, 150, 3, true,
     0, 0, "GitHub-Actions/2.317.0"},
    {"Terraform state", "Manages workspace settings from the infra repository", "admin", -1, 195, days(40),
     true, 0, 0, "terraform/1.9.5"},
    {"Terraform state v2", "Replacement for the original Terraform key", "admin", -1, 40, 12, true, 0, 0,
     "terraform/1.9.5", 1},
    {"Nightly export", "Exports yesterday's records to the warehouse", "workspace_viewer", 0, 120, 9 * 60,
     true, 0, 1, "python-requests/2.32.3"},
    {"Looker dashboards", "Read-only access for BI dashboards", "workspace_viewer", 0, 95, 25, true, 0, 1,
     "Go-http-client/2.0"},
    {"dbt Cloud", "Transformations in the analytics workspace", "workspace_editor", 0, 80, 2 * 60, true, 0, 1,
     "dbt/1.8.2"},
    {"Airflow scheduler", "", "workspace_admin", 0, 170, days(1), true, 0, 0, "python-requests/2.31.0"},
    {"Legacy ETL (do not use)", "Old cron box, replaced by Airflow", "workspace_editor", 0, 198, days(150),
     false, 0, 0, "curl/7.68.0"},
    {"HubSpot sync", "Pushes campaign audiences", "workspace_editor", 1, 60, 45, true, 0, 1, "okhttp/4.12.0"},
    {"Campaign reporting", "Weekly campaign numbers", "workspace_viewer", 1, 110, days(3), true, 0, 1,
     "python-requests/2.32.3"},
    {"Agency contractor", "Temporary access for the launch agency", "workspace_viewer", 1, 45, days(6), true,
     5, 1, "PostmanRuntime/7.39.0"},
    {"Summer promo importer", "One-off import for the summer promotion", "workspace_editor", 1, 130,
     days(100), true, -20, 1, "python-requests/2.28.1"},
    {"Marketing site preview", "", "workspace_viewer", 1, 30, Never, true, 0, 1, ""},
    {"Kubernetes operator", "Reconciles platform workspaces", "workspace_admin", 2, 175, 1, true, 0, 0,
     "datarecs-operator/0.7.1"},
    {"Backup job", "Nightly backup of platform metadata", "workspace_viewer", 2, 190, 7 * 60, true, 0, 0,
     "datarecs-cli/0.1.0"},
    {"Incident response", "Break-glass key for on-call; enable only during an incident", "owner", -1, 160,
     Never, false, 0, 0, ""},
    {"Grafana datasource", "Dashboards for platform health", "workspace_viewer", 2, 70, 5, true, 0, 1,
     "Grafana/11.1.0"},
    {"Staging smoke tests", "Runs after every staging deploy", "workspace_editor", 2, 55, 30, true, 0, 1,
     "GitHub-Actions/2.317.0"},
    {"Jenkins (old CI)", "Before the move to GitHub Actions", "workspace_editor", 2, 197, days(110), false, 0,
     0, "Jenkins/2.401.3"},
    {"SIEM audit export", "Streams audit events to the security team's SIEM", "admin", -1, 140, 10, true, 0,
     0, "python-requests/2.32.3"},
    {"Billing reconciliation", "Monthly reconciliation job", "admin", -1, 100, days(20), true, 0, 0,
     "python-requests/2.32.3"},
    {"Support tooling", "Read-only lookups for support staff", "workspace_viewer", 0, 25, 4 * 60, true, 0, 1,
     "node-fetch/3.3.2"},
    {"Data science notebook", "Ad-hoc analysis from JupyterHub", "workspace_viewer", 0, 92, days(95), true, 0,
     1, "python-requests/2.32.3"},
    {"Partner feed (Northwind)", "Shares the partner dataset", "workspace_viewer", 0, 65, Never, true, 60, 1,
     ""},
    {"Load test", "Used for the Q3 load test", "workspace_editor", 2, 115, days(99), false, 0, 1,
     "k6/0.52.0"},
    {"Release bot", "Tags releases and updates the changelog", "workspace_editor", 2, 20, days(2), true, 0, 1,
     "GitHub-Actions/2.317.0"},
    {"Audit log archiver", "Copies audit events to cold storage", "admin", -1, 185, 15, true, 0, 0,
     "datarecs-cli/0.1.0"},
    {"Zapier integration", "Marketing automations", "workspace_editor", 1, 88, days(8), true, 0, 1, "Zapier"},
    {"QA sandbox", "", "workspace_viewer", 2, 12, Never, true, 0, 1, ""},
    {"Terraform plan (read only)", "Plans on pull requests", "workspace_viewer", 2, 75, 50, true, 0, 0,
     "terraform/1.9.5"},
    {"Old onboarding script", "", "workspace_viewer", 0, 175, Never, true, 0, 0, ""},
    {"Finance export", "Quarterly revenue extract", "workspace_viewer", 0, 140, days(35), true, -3, 1,
     "python-requests/2.32.3"},
    {"Compromised laptop key", "Disabled after a laptop was lost (INC-231)", "workspace_editor", 0, 50,
     days(16), false, 0, 1, "curl/8.5.0", -1, 0, true},
    {"Temporary migration key", "Data move between workspaces", "workspace_admin", 2, 110, days(60), false, 0,
     0, "datarecs-cli/0.1.0", -1, 45},
    {"Test key", "", "workspace_viewer", 1, 28, Never, true, 0, 1, "", -1, 27},
};

const KeySpec GlobexKeys[] = {
    {"GitLab CI deploy", "Deploys the operations stack", "workspace_editor", 2, 160, 4, true, 0, 0,
     "gitlab-runner/17.2.0"},
    {"Terraform state", "", "admin", -1, 185, 2 * 60, true, 0, 0, "terraform/1.9.5"},
    {"Nightly export", "Research dataset export", "workspace_viewer", 0, 100, 10 * 60, true, 0, 1,
     "python-requests/2.32.3"},
    {"Salesforce sync", "Syncs accounts every hour", "workspace_editor", 1, 90, 20, true, 0, 1,
     "okhttp/4.12.0"},
    {"Lab instruments", "Uploads from the lab gateway", "workspace_admin", 0, 140, days(97), true, 0, 1,
     "lab-gateway/2.3.1"},
    {"Ops on-call", "Break-glass key for incidents", "owner", -1, 120, Never, false, 0, 0, ""},
    {"Conference demo", "", "workspace_viewer", 1, 35, days(12), true, 30, 1, "PostmanRuntime/7.39.0"},
    {"Metabase", "Sales dashboards", "workspace_viewer", 1, 75, 8, true, 0, 1, "Go-http-client/2.0"},
    {"Legacy importer", "", "workspace_editor", 0, 199, days(130), false, 0, 0, "curl/7.68.0"},
    {"Scratch key", "", "workspace_viewer", 0, 60, Never, true, 0, 1, "", -1, 50},
};

struct UserSpec
{
    const char *local;
    const char *name;
    const char *role; // credentials role: owner, admin, member
};

struct TenantSpec
{
    const char *name;
    const char *domain;
    const char *workspaces[3];
    const char *workspaceDescriptions[3];
    UserSpec users[3];
    const KeySpec *keys;
    int keyCount;
    int memberAdminWorkspace; // the member is workspace_admin here and workspace_viewer in the next one
    const char *officeIp;
};

const TenantSpec Tenants[] = {
    {"Acme",
     "acme.test",
     {"Analytics", "Marketing", "Platform"},
     {"Warehouse, BI and data science", "Campaigns and the public website",
      "Infrastructure and internal services"},
     {{"owner", "Alice Carter", "owner"},
      {"admin", "Ben Ortiz", "admin"},
      {"member", "Chloe Nguyen", "member"}},
     AcmeKeys,
     int(std::size(AcmeKeys)),
     0,
     "192.0.2.44"},
    {"Globex",
     "globex.test",
     {"Research", "Sales", "Operations"},
     {"Lab data and experiments", "CRM and reporting", "Deployments and monitoring"},
     {{"owner", "Dana Whitfield", "owner"},
      {"admin", "Evan Brooks", "admin"},
      {"member", "Fatima Khan", "member"}},
     GlobexKeys,
     int(std::size(GlobexKeys)),
     1,
     "198.51.100.7"},
};

struct Path
{
    const char *method;
    const char *path;
};

// What each kind of key typically asks for. Admin keys here are audit exporters and IaC tools.
const Path ViewerPaths[] = {
    {"GET", "/v1/me"}, {"GET", "/v1/workspaces"}, {"GET", "/v1/api-keys?limit=50"}, {"GET", "/v1/quota"}};
const Path EditorPaths[] = {{"GET", "/v1/api-keys"},
                            {"GET", "/v1/me"},
                            {"GET", "/v1/workspaces"},
                            {"GET", "/v1/api-keys?status=enabled"}};
const Path AdminPaths[] = {{"GET", "/v1/audit-events?limit=500"},
                           {"GET", "/v1/api-keys?status=stale"},
                           {"GET", "/v1/audit-events/verify"},
                           {"GET", "/v1/quota"},
                           {"GET", "/v1/me"}};

struct SeededKey
{
    ApiKeyRecord record;
    const KeySpec *spec = nullptr;
    QString ip;
    std::optional<qint64> disabledAt;
};

struct SeededUser
{
    UserRecord record;
    QString password;
    QString credentialRole;
};

class Seeder
{
public:
    Seeder(Storage &storage, const ServerKeyring &keyring)
        : m_storage(storage)
        , m_keyring(keyring)
        , m_now(QDateTime::currentMSecsSinceEpoch())
    {}

    bool run(const QString &dataDir, QJsonObject *credentials, QString *error);

private:
    QString requestId() { return QStringLiteral("req_") + token(22); }
    QString token(int length)
    {
        const QLatin1StringView alphabet = KeyFormat::base62Alphabet();
        QString out;
        for (int i = 0; i < length; ++i)
            out.append(alphabet.at(m_rng.bounded(62)));
        return out;
    }
    qint64 between(qint64 from, qint64 to)
    {
        return to <= from ? from : from + qint64(m_rng.bounded(double(to - from)));
    }
    bool chance(double p) { return m_rng.generateDouble() < p; }

    bool hashPasswords(QString *error);
    bool seedStructure(const TenantSpec &spec, QString *error);
    void planKeyEvents(const SeededKey &key, const QList<SeededUser> &users, const TenantSpec &spec);
    void planRequests();
    void planLogins(const QList<SeededUser> &users, const TenantSpec &spec);
    void planAnonymous();
    AuditRecord userEvent(const UserRecord &user, const QString &action, qint64 at, const QString &ip);
    AuditRecord keyRequest(const SeededKey &key, qint64 at);
    bool writeEvents(QString *error);

    Storage &m_storage;
    const ServerKeyring &m_keyring;
    const qint64 m_now;
    QRandomGenerator m_rng{20261127}; // fixed: the demo looks the same on every run
    QList<SeededKey> m_keys;
    QList<AuditRecord> m_events;
    QJsonArray m_credentials;
    QList<std::pair<QString, QString>> m_passwords; // (password, argon2id hash), consumed in user order
};

bool Seeder::hashPasswords(QString *error)
{
    for (const TenantSpec &tenant : Tenants) {
        for (qsizetype i = 0; i < qsizetype(std::size(tenant.users)); ++i) {
            const QString password = PasswordHasher::generate();
            const QString hash = PasswordHasher::hash(password);
            if (hash.isEmpty()) {
                *error = QStringLiteral("demo seeding failed: cannot hash a password (out of memory?)");
                return false;
            }
            m_passwords.append({password, hash});
        }
    }
    return true;
}

bool Seeder::seedStructure(const TenantSpec &spec, QString *error)
{
    const auto fail = [&](const QString &what) {
        *error = QStringLiteral("demo seeding failed (%1): %2").arg(what, m_storage.lastError());
        return false;
    };
    const QString domain = QLatin1StringView(spec.domain);
    TenantRecord tenant{Random::id(QLatin1StringView("ten_")), QLatin1StringView(spec.name), 50,
                        m_now - 210 * Day};
    if (!m_storage.insertTenant(tenant)) return fail(QStringLiteral("tenant"));

    QList<SeededUser> users;
    for (const UserSpec &u : spec.users) {
        SeededUser user;
        std::tie(user.password, user.record.passwordHash) = m_passwords.takeFirst();
        user.credentialRole = QLatin1StringView(u.role);
        user.record.id = Random::id(QLatin1StringView("usr_"));
        user.record.tenantId = tenant.id;
        user.record.email = QLatin1StringView(u.local) + QLatin1Char('@') + domain;
        user.record.name = QLatin1StringView(u.name);
        user.record.platformRole =
            user.credentialRole == QLatin1StringView("member") ? QString() : user.credentialRole;
        user.record.createdAt = tenant.createdAt + Hour * qint64(users.size() + 1);
        if (!m_storage.insertUser(user.record)) return fail(QStringLiteral("user"));
        users.append(user);
    }

    QList<WorkspaceRecord> workspaces;
    for (int i = 0; i < 3; ++i) {
        WorkspaceRecord ws{
            Random::id(QLatin1StringView("ws_")), tenant.id, QLatin1StringView(spec.workspaces[i]),
            QLatin1StringView(spec.workspaceDescriptions[i]), tenant.createdAt + Day * (i + 1)};
        if (!m_storage.insertWorkspace(ws)) return fail(QStringLiteral("workspace"));
        workspaces.append(ws);
    }
    const QString memberId = users.at(2).record.id;
    if (!m_storage.insertWorkspaceMember(workspaces.at(spec.memberAdminWorkspace).id, memberId,
                                         QStringLiteral("workspace_admin")) ||
        !m_storage.insertWorkspaceMember(workspaces.at((spec.memberAdminWorkspace + 1) % 3).id, memberId,
                                         QStringLiteral("workspace_viewer")))
        return fail(QStringLiteral("workspace member"));

    const qsizetype firstKey = m_keys.size();
    for (int i = 0; i < spec.keyCount; ++i) {
        const KeySpec &k = spec.keys[i];
        SeededKey key;
        key.spec = &k;
        ApiKeyRecord &r = key.record;
        r.id = Random::id(QLatin1StringView("key_"));
        r.tenantId = tenant.id;
        r.name = QString::fromUtf8(k.name);
        r.description = QString::fromUtf8(k.description);
        r.role = QLatin1StringView(k.role);
        if (k.workspace >= 0) {
            r.workspaceId = workspaces.at(k.workspace).id;
            r.workspaceName = workspaces.at(k.workspace).name;
        }
        r.enabled = k.enabled;
        {
            // The value lives only in this scope: HMAC and hint are all that is kept.
            const QString value = KeyFormat::compose(Random::base62(int(KeyFormat::RandomLength)));
            r.secretHmac = m_keyring.hmac(value.toLatin1());
            r.hint = KeyFormat::hint(value);
        }
        const UserRecord &creator = users.at(k.creator).record;
        r.createdByType = QStringLiteral("user");
        r.createdById = creator.id;
        r.createdByName = creator.email; // as the API records its users: by email
        // A few minutes of jitter so keys created "the same day" still sort in a stable, distinct order.
        r.createdAt = m_now - k.createdDaysAgo * Day - between(0, 8 * Hour);
        r.updatedAt = r.createdAt;
        if (k.lastUsedMinutesAgo != Never)
            r.lastUsedAt = m_now - k.lastUsedMinutesAgo * Minute - between(0, 30 * 1000);
        if (k.expiresInDays != 0) r.expiresAt = m_now + k.expiresInDays * Day;
        // Each key calls from its own host (CI keys from a pool, see planRequests). Hosts stay below .210:
        // the addresses above are the strangers' (anonymous probes, the stolen key's user).
        static const char *const Ranges[] = {"192.0.2.", "198.51.100.", "203.0.113."};
        key.ip = QLatin1StringView(Ranges[i % 3]) + QString::number(10 + (i * 7) % 200);
        if (r.lastUsedAt) r.lastUsedIp = key.ip;
        if (!k.enabled) {
            // Disabled some time after its last use (minutes after, for the compromised one).
            const qint64 base = r.lastUsedAt.value_or(r.createdAt + 2 * Day);
            key.disabledAt = qMin(m_now - Hour, base + (k.compromised ? 40 * Minute : 3 * Day));
            r.updatedAt = *key.disabledAt;
        }
        if (k.deletedDaysAgo > 0) {
            r.deletedAt = m_now - k.deletedDaysAgo * Day;
            r.updatedAt = *r.deletedAt;
        }
        m_keys.append(key);
    }
    // Rotation links both ways; the old key keeps working until someone disables it.
    for (int i = 0; i < spec.keyCount; ++i) {
        if (spec.keys[i].replacesIndex < 0) continue;
        SeededKey &fresh = m_keys[firstKey + i];
        SeededKey &old = m_keys[firstKey + spec.keys[i].replacesIndex];
        fresh.record.replaces = old.record.id;
        old.record.replacedBy = fresh.record.id;
        old.record.updatedAt = qMax(old.record.updatedAt, fresh.record.createdAt);
    }
    for (qsizetype i = firstKey; i < m_keys.size(); ++i) {
        if (!m_storage.insertApiKey(m_keys.at(i).record)) return fail(QStringLiteral("api key"));
        planKeyEvents(m_keys.at(i), users, spec);
    }
    planLogins(users, spec);

    QJsonArray userCredentials;
    for (const SeededUser &u : users)
        userCredentials.append(QJsonObject{{QStringLiteral("email"), u.record.email},
                                           {QStringLiteral("password"), u.password},
                                           {QStringLiteral("role"), u.credentialRole}});
    m_credentials.append(
        QJsonObject{{QStringLiteral("name"), tenant.name}, {QStringLiteral("users"), userCredentials}});
    return true;
}

AuditRecord Seeder::userEvent(const UserRecord &user, const QString &action, qint64 at, const QString &ip)
{
    AuditRecord e;
    e.tenantId = user.tenantId;
    e.occurredAt = at;
    e.actorType = QStringLiteral("user");
    e.actorId = user.id;
    e.actorName = user.email;
    e.action = action;
    e.outcome = QStringLiteral("success");
    e.sourceIp = ip;
    e.userAgent = QStringLiteral("datarecs-console/0.1.0 Qt/6.4.2");
    e.requestId = requestId();
    return e;
}

void Seeder::planKeyEvents(const SeededKey &key, const QList<SeededUser> &users, const TenantSpec &spec)
{
    const ApiKeyRecord &r = key.record;
    const KeySpec &k = *key.spec;
    const QString office = QLatin1StringView(spec.officeIp);
    const qint64 windowStart = m_now - AuditWindow;
    const auto targeting = [&](AuditRecord e, int status, const QString &method, const QString &path) {
        e.targetType = QStringLiteral("api_key");
        e.targetId = r.id;
        e.targetName = r.name;
        e.workspaceId = r.workspaceId;
        e.httpStatus = status;
        e.method = method;
        e.path = path;
        return e;
    };
    const UserRecord &creator = users.at(k.creator).record;
    if (r.createdAt >= windowStart) {
        if (!r.replaces.isEmpty()) {
            AuditRecord e =
                targeting(userEvent(creator, QStringLiteral("api_key.rotate"), r.createdAt, office), 201,
                          QStringLiteral("POST"), QStringLiteral("/v1/api-keys/%1/rotate").arg(r.replaces));
            e.targetId = r.replaces;
            e.detail = QStringLiteral("replacement %1").arg(r.id);
            m_events.append(e);
        } else {
            m_events.append(
                targeting(userEvent(creator, QStringLiteral("api_key.create"), r.createdAt, office), 201,
                          QStringLiteral("POST"), QStringLiteral("/v1/api-keys")));
        }
        if (!r.description.isEmpty() && chance(0.4)) {
            AuditRecord e =
                targeting(userEvent(creator, QStringLiteral("api_key.update"),
                                    r.createdAt + between(10 * Minute, 2 * Day), office),
                          200, QStringLiteral("PATCH"), QStringLiteral("/v1/api-keys/%1").arg(r.id));
            e.detail = QStringLiteral("description");
            if (e.occurredAt < m_now) m_events.append(e);
        }
    }
    const UserRecord &admin = users.at(1).record;
    if (key.disabledAt && *key.disabledAt >= windowStart)
        m_events.append(
            targeting(userEvent(admin, QStringLiteral("api_key.disable"), *key.disabledAt, office), 200,
                      QStringLiteral("POST"), QStringLiteral("/v1/api-keys/%1/disable").arg(r.id)));
    if (r.deletedAt && *r.deletedAt >= windowStart)
        m_events.append(targeting(userEvent(admin, QStringLiteral("api_key.delete"), *r.deletedAt, office),
                                  204, QStringLiteral("DELETE"),
                                  QStringLiteral("/v1/api-keys/%1").arg(r.id)));

    // Refused requests with a key after it stopped working: the stories the audit log is for.
    const auto refusals = [&](qint64 from, int count, const QString &ip, const QString &detail) {
        for (int i = 0; i < count; ++i) {
            const qint64 at = between(from, qMin(m_now - Minute, from + 6 * Day));
            if (at < windowStart) continue;
            AuditRecord e = keyRequest(key, at);
            e.sourceIp = ip;
            e.httpStatus = 401;
            e.outcome = QStringLiteral("refused");
            e.detail = detail;
            m_events.append(e);
        }
    };
    if (key.disabledAt && k.compromised)
        refusals(*key.disabledAt + 5 * Minute, 25, QStringLiteral("203.0.113.250"),
                 QStringLiteral("key is disabled"));
    else if (key.disabledAt && r.lastUsedAt && !r.deletedAt)
        refusals(*key.disabledAt + Hour, 4, key.ip, QStringLiteral("key is disabled"));
    if (r.expiresAt && *r.expiresAt < m_now && r.lastUsedAt)
        refusals(*r.expiresAt + 10 * Minute, 12, key.ip, QStringLiteral("key has expired"));
}

AuditRecord Seeder::keyRequest(const SeededKey &key, qint64 at)
{
    const ApiKeyRecord &r = key.record;
    AuditRecord e;
    e.tenantId = r.tenantId;
    e.occurredAt = at;
    e.actorType = QStringLiteral("api_key");
    e.actorId = r.id;
    e.actorName = r.name;
    e.action = QStringLiteral("api_key.request");
    e.workspaceId = r.workspaceId;
    e.outcome = QStringLiteral("success");
    e.httpStatus = 200;
    e.sourceIp = key.ip;
    e.userAgent = QLatin1StringView(key.spec->userAgent);
    e.requestId = requestId();
    const bool platform = r.role == QLatin1StringView("owner") || r.role == QLatin1StringView("admin");
    Path p;
    if (platform)
        p = AdminPaths[m_rng.bounded(int(std::size(AdminPaths)))];
    else if (r.role == QLatin1StringView("workspace_viewer"))
        p = ViewerPaths[m_rng.bounded(int(std::size(ViewerPaths)))];
    else
        p = EditorPaths[m_rng.bounded(int(std::size(EditorPaths)))];
    e.method = QLatin1StringView(p.method);
    e.path = QLatin1StringView(p.path);
    return e;
}

void Seeder::planRequests()
{
    // Busy keys (used within the hour) ask more often; each key's last request is its last_used_at.
    const qint64 windowStart = m_now - AuditWindow;
    struct Active
    {
        const SeededKey *key;
        qint64 from;
        double weight;
    };
    QList<Active> active;
    double total = 0;
    for (const SeededKey &key : std::as_const(m_keys)) {
        const ApiKeyRecord &r = key.record;
        if (!r.lastUsedAt || *r.lastUsedAt < windowStart) continue;
        const qint64 from = qMax(r.createdAt, windowStart);
        const double weight =
            double(*r.lastUsedAt - from + Day) / Day * (m_now - *r.lastUsedAt < Hour ? 3.0 : 1.0);
        active.append(Active{&key, from, weight});
        total += weight;
    }
    for (const Active &a : std::as_const(active)) {
        const ApiKeyRecord &r = a.key->record;
        const int count = qMax(1, int(RequestEvents * a.weight / total));
        // Hosted CI runners change address on every job; the last one is what last_used_ip shows.
        const QLatin1StringView agent(a.key->spec->userAgent);
        const bool ci = agent.startsWith(QLatin1StringView("GitHub-Actions")) ||
                        agent.startsWith(QLatin1StringView("gitlab-runner"));
        m_events.append(keyRequest(*a.key, *r.lastUsedAt));
        for (int i = 1; i < count; ++i) {
            AuditRecord e = keyRequest(*a.key, between(a.from, *r.lastUsedAt));
            if (ci) e.sourceIp = QStringLiteral("198.51.100.%1").arg(20 + m_rng.bounded(60));
            const double roll = m_rng.generateDouble();
            if (roll < 0.03) {
                // Scripts that try more than their role allows.
                e.method = QStringLiteral("POST");
                e.path = QStringLiteral("/v1/api-keys");
                e.httpStatus = 403;
                e.outcome = QStringLiteral("refused");
                e.detail = QStringLiteral("requires permission create_api_key");
            } else if (roll < 0.04) {
                e.method = QStringLiteral("GET");
                e.path = QStringLiteral("/v1/api-keys/key_") + token(16);
                e.httpStatus = 404;
                e.outcome = QStringLiteral("refused");
            } else if (roll < 0.042) {
                e.httpStatus = 500;
                e.outcome = QStringLiteral("error");
                e.detail = QStringLiteral("database busy");
            }
            m_events.append(e);
        }
    }
}

void Seeder::planLogins(const QList<SeededUser> &users, const TenantSpec &spec)
{
    const qint64 windowStart = m_now - AuditWindow;
    const QString office = QLatin1StringView(spec.officeIp);
    static const int LoginsPerUser[] = {55, 80, 35};
    for (int u = 0; u < users.size(); ++u) {
        const UserRecord &user = users.at(u).record;
        for (int i = 0; i < LoginsPerUser[u]; ++i) {
            const qint64 at = between(windowStart, m_now - 20 * Minute);
            const QString ip = chance(0.8) ? office : QStringLiteral("192.0.2.%1").arg(230 + u);
            if (chance(0.08)) {
                AuditRecord failed = userEvent(user, QStringLiteral("auth.login"), at - 40 * 1000, ip);
                failed.outcome = QStringLiteral("refused");
                failed.httpStatus = 401;
                failed.method = QStringLiteral("POST");
                failed.path = QStringLiteral("/v1/auth/login");
                failed.detail = QStringLiteral("wrong password");
                m_events.append(failed);
            }
            AuditRecord login = userEvent(user, QStringLiteral("auth.login"), at, ip);
            login.httpStatus = 200;
            login.method = QStringLiteral("POST");
            login.path = QStringLiteral("/v1/auth/login");
            m_events.append(login);
            if (chance(0.5)) {
                AuditRecord logout =
                    userEvent(user, QStringLiteral("auth.logout"), at + between(5 * Minute, 3 * Hour), ip);
                logout.httpStatus = 204;
                logout.method = QStringLiteral("POST");
                logout.path = QStringLiteral("/v1/auth/logout");
                if (logout.occurredAt < m_now) m_events.append(logout);
            }
        }
    }
}

void Seeder::planAnonymous()
{
    // Values that match no key belong to no tenant: they go to the "" chain.
    static const char *const Agents[] = {"python-requests/2.25.1", "curl/7.81.0", "Go-http-client/1.1",
                                         "Mozilla/5.0 zgrab/0.x"};
    const qint64 windowStart = m_now - AuditWindow;
    for (int i = 0; i < 160; ++i) {
        AuditRecord e;
        e.occurredAt = between(windowStart, m_now - Minute);
        e.actorType = QStringLiteral("anonymous");
        e.action = QStringLiteral("api_key.request");
        e.outcome = QStringLiteral("refused");
        e.httpStatus = 401;
        e.method = QStringLiteral("GET");
        e.path = chance(0.7) ? QStringLiteral("/v1/api-keys") : QStringLiteral("/v1/me");
        e.sourceIp = QStringLiteral("203.0.113.%1").arg(210 + m_rng.bounded(40));
        e.userAgent = QLatin1StringView(Agents[m_rng.bounded(int(std::size(Agents)))]);
        e.requestId = requestId();
        e.detail = QStringLiteral("unknown key");
        m_events.append(e);
    }
}

bool Seeder::writeEvents(QString *error)
{
    // Ids must grow with time, as they would in a live server.
    std::stable_sort(m_events.begin(), m_events.end(),
                     [](const AuditRecord &a, const AuditRecord &b) { return a.occurredAt < b.occurredAt; });
    for (qsizetype start = 0; start < m_events.size(); start += EventsPerTransaction) {
        if (!m_storage.begin()) {
            *error = QStringLiteral("demo seeding failed (audit): %1").arg(m_storage.lastError());
            return false;
        }
        const qsizetype end = qMin(m_events.size(), start + EventsPerTransaction);
        for (qsizetype i = start; i < end; ++i) {
            if (!m_storage.appendAudit(m_events[i], &AuditChain::hashOf)) {
                *error = QStringLiteral("demo seeding failed (audit): %1").arg(m_storage.lastError());
                m_storage.rollback();
                return false;
            }
        }
        if (!m_storage.commit()) {
            *error = QStringLiteral("demo seeding failed (audit): %1").arg(m_storage.lastError());
            return false;
        }
    }
    return true;
}

bool Seeder::run(const QString &dataDir, QJsonObject *credentials, QString *error)
{
    if (!m_storage.tenants().isEmpty()) {
        *error =
            QStringLiteral("the store already has tenants; demo data only goes into an empty data directory");
        return false;
    }
    // Argon2id is deliberately slow: hash before taking the write lock.
    if (!hashPasswords(error)) return false;
    // Users, workspaces and keys go in together: a half-made tenant would confuse every later run.
    if (!m_storage.begin()) {
        *error = m_storage.lastError();
        return false;
    }
    for (const TenantSpec &spec : Tenants) {
        if (!seedStructure(spec, error)) {
            m_storage.rollback();
            return false;
        }
    }
    if (!m_storage.commit()) {
        *error = QStringLiteral("demo seeding failed: %1").arg(m_storage.lastError());
        return false;
    }
    planRequests();
    planAnonymous();
    if (!writeEvents(error)) return false;

    const QJsonObject document{{QStringLiteral("tenants"), m_credentials}};
    QSaveFile file(QDir(dataDir).filePath(QStringLiteral("demo-credentials.json")));
    // Permissions go on before the first byte is written.
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(QJsonDocument(document).toJson()) < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    if (credentials) *credentials = document;
    return true;
}

} // namespace

bool seed(Storage &storage, const ServerKeyring &keyring, const QString &dataDir, QJsonObject *credentials,
          QString *error)
{
    QString ignored;
    Seeder seeder(storage, keyring);
    return seeder.run(dataDir, credentials, error ? error : &ignored);
}

} // namespace datarecs::server::DemoSeeder
