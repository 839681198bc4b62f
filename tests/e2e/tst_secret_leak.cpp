// No secret at rest or in a log: after creating, rotating, replaying, using (and being refused with)
// keys and logging in, no key value, session token or password appears in any file of the data
// directory (database, -wal, -shm, everything), in the server's captured output or in a full audit
// export, neither raw nor in the usual encodings (base64 at any alignment, hex, UTF-16).
#include "E2eSupport.h"

#include <KeyFormat.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QUuid>

using namespace e2e;

namespace {

struct Needle
{
    QString label;
    QByteArray bytes;
};

/// The value and the encodings it could hide in. A value inside a larger base64 blob encodes
/// differently depending on its offset modulo 3, so all three alignments are searched (trimmed of the
/// characters that depend on neighbouring bytes).
QList<Needle> encodingsOf(const QString &label, const QString &value)
{
    QList<Needle> out;
    const QByteArray raw = value.toUtf8();
    out << Needle{label + QStringLiteral(" (raw)"), raw};
    out << Needle{label + QStringLiteral(" (hex)"), raw.toHex()};
    out << Needle{label + QStringLiteral(" (HEX)"), raw.toHex().toUpper()};
    QByteArray utf16;
    for (const QChar c : value) {
        utf16 += char(c.unicode() & 0xff);
        utf16 += char(c.unicode() >> 8);
    }
    out << Needle{label + QStringLiteral(" (UTF-16LE)"), utf16};
    for (int offset = 0; offset < 3; ++offset) {
        const QByteArray encoded = (QByteArray(offset, '\0') + raw).toBase64(QByteArray::OmitTrailingEquals);
        const int skip = offset == 0 ? 0 : offset + 1;
        const QByteArray core = encoded.mid(skip, encoded.size() - skip - 3);
        out << Needle{label + QStringLiteral(" (base64@%1)").arg(offset), core};
        QByteArray url = core;
        url.replace('+', '-').replace('/', '_');
        if (url != core)
            out << Needle{label + QStringLiteral(" (base64url@%1)").arg(offset), url};
    }
    // The part after the prefix alone (a stripped "drk_"/"drs_").
    if (value.startsWith(QStringLiteral("drk_")) || value.startsWith(QStringLiteral("drs_")))
        out << Needle{label + QStringLiteral(" (without prefix)"), value.mid(4).toUtf8()};
    return out;
}

QStringList findIn(const QByteArray &haystack, const QList<Needle> &needles, const QString &where)
{
    QStringList found;
    for (const Needle &n : needles) {
        if (n.bytes.size() >= 12 && haystack.contains(n.bytes))
            found << QStringLiteral("%1 in %2").arg(n.label, where);
    }
    return found;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class SecretLeak : public QObject
{
    Q_OBJECT

private:
    HttpClient &http() { return *m_env.client; }
    Api &api() { return *m_env.api; }

    void addKey(const QString &label, const QString &value) { m_keyNeedles << encodingsOf(label, value); }

    /// Every file under the data directory; demo-credentials.json is allowed to hold the passwords
    /// (that is its purpose) but nothing else.
    QStringList scanDataDirectory(const QString &when)
    {
        QStringList leaks;
        QDirIterator it(m_env.server.dataDir(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            const QByteArray bytes = readAll(path);
            ++files;
            const QString where = QStringLiteral("%1 (%2, %3 bytes)").arg(QFileInfo(path).fileName(), when).arg(bytes.size());
            leaks << findIn(bytes, m_keyNeedles, where);
            leaks << findIn(bytes, m_tokenNeedles, where);
            if (QFileInfo(path).fileName() != QStringLiteral("demo-credentials.json"))
                leaks << findIn(bytes, m_passwordNeedles, where);
        }
        if (files < 3)
            leaks << QStringLiteral("only %1 files in the data directory - is it the right one?").arg(files);
        return leaks;
    }

    QStringList scanEverything(const QByteArray &bytes, const QString &where)
    {
        return findIn(bytes, m_keyNeedles, where) + findIn(bytes, m_tokenNeedles, where) + findIn(bytes, m_passwordNeedles, where);
    }

    Environment m_env;
    QList<Needle> m_keyNeedles;
    QList<Needle> m_tokenNeedles;
    QList<Needle> m_passwordNeedles;
    QString m_owner;
    int m_secretCount = 0;

private slots:
    void initTestCase()
    {
        TestServer::Options options;
        options.loggingRules = "datarecs.*.debug=true"; // the chattiest the server gets
        QString error;
        QVERIFY2(m_env.start(options, &error), qPrintable(error));
        for (const DemoUser &user : m_env.server.demoUsers()) {
            QVERIFY(user.password.size() >= 8);
            m_passwordNeedles << encodingsOf(QStringLiteral("password of ") + user.email, user.password);
        }
        m_env.deferSetupTraffic();
    }

    void setupTraffic_matchesContract() { m_env.verifySetupTraffic(__FILE__, __LINE__); }

    void cleanup() { E2E_CHECK_TRAFFIC(m_env); }

    void cleanupTestCase() { m_env.server.stop(); }

    void exerciseEverySecret()
    {
        const DemoUser owner = m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("owner"));
        const DemoUser admin = m_env.server.demoUser(QStringLiteral("Acme"), QStringLiteral("admin"));
        m_owner = api().login(owner);
        const QString adminToken = api().login(admin);
        const QString loggedOut = api().login(admin);
        E2E_RETURN_IF_FAILED();
        // A failed login with a password that is nobody's: it must not be logged either. (It comes
        // after a good login: a wrong first login breaks the server, see tst_api_flows.)
        const QString wrongPassword = QStringLiteral("Wr0ng-") + QUuid::createUuid().toString(QUuid::Id128);
        m_passwordNeedles << encodingsOf(QStringLiteral("the wrong password"), wrongPassword);
        E2E_EXPECT_PROBLEM(http().post(QStringLiteral("/v1/auth/login"), {},
                                       {{QStringLiteral("email"), owner.email}, {QStringLiteral("password"), wrongPassword}}),
                           401, "invalid-credentials");
        m_tokenNeedles << encodingsOf(QStringLiteral("owner session"), m_owner) << encodingsOf(QStringLiteral("admin session"), adminToken)
                       << encodingsOf(QStringLiteral("logged-out session"), loggedOut);
        E2E_EXPECT(http().postEmpty(QStringLiteral("/v1/auth/logout"), loggedOut), 204);
        E2E_EXPECT_PROBLEM(http().get(QStringLiteral("/v1/me"), loggedOut), 401, "invalid-token");

        const QString workspace = api().workspaces(m_owner).value(0).value(QStringLiteral("id")).toString();
        QList<CreatedKey> keys;
        keys << api().createKey(m_owner, QStringLiteral("admin")) << api().createKey(m_owner, QStringLiteral("workspace_viewer"), workspace)
             << api().createKey(adminToken, QStringLiteral("workspace_editor"));
        E2E_RETURN_IF_FAILED();
        // One created with an Idempotency-Key and replayed: the server keeps the answer (sealed) for replays.
        const HeaderList idem{{"Idempotency-Key", QUuid::createUuid().toByteArray(QUuid::WithoutBraces)}};
        const QJsonObject body{{QStringLiteral("name"), QStringLiteral("idempotent")}, {QStringLiteral("role"), QStringLiteral("workspace_admin")},
                               {QStringLiteral("workspace_id"), workspace}};
        const Response first = http().post(QStringLiteral("/v1/api-keys"), m_owner, body, idem);
        E2E_EXPECT(first, 201);
        E2E_EXPECT(http().post(QStringLiteral("/v1/api-keys"), m_owner, body, idem), 201);
        CreatedKey replayed;
        replayed.id = first.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        replayed.secret = first.json().value(QStringLiteral("secret")).toString();
        keys << replayed;
        // A key created by a key.
        keys << api().createKey(keys.first().secret, QStringLiteral("workspace_viewer"));
        E2E_RETURN_IF_FAILED();
        // Rotation of one of them.
        const Response rotated = http().post(QStringLiteral("/v1/api-keys/%1/rotate").arg(keys.at(1).id), m_owner, QJsonObject{});
        E2E_EXPECT(rotated, 201);
        CreatedKey fresh;
        fresh.id = rotated.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
        fresh.secret = rotated.json().value(QStringLiteral("secret")).toString();
        keys << fresh;
        for (int i = 0; i < keys.size(); ++i) {
            QVERIFY(datarecs::KeyFormat::isValid(keys.at(i).secret));
            addKey(QStringLiteral("key %1 (%2)").arg(i).arg(keys.at(i).id), keys.at(i).secret);
        }
        m_secretCount = int(keys.size());

        // Use every key a few times, including refused requests.
        for (const CreatedKey &k : std::as_const(keys)) {
            E2E_EXPECT(http().get(QStringLiteral("/v1/me"), k.secret), 200);
            E2E_EXPECT(http().get(QStringLiteral("/v1/api-keys?limit=3"), k.secret), 200);
            E2E_EXPECT(http().get(QStringLiteral("/v1/api-keys/") + k.id, k.secret), 200);
        }
        // Refused for permission (a viewer key may not create).
        E2E_EXPECT_PROBLEM(http().post(QStringLiteral("/v1/api-keys"), keys.at(1).secret,
                                       {{QStringLiteral("name"), QStringLiteral("nope")}, {QStringLiteral("role"), QStringLiteral("workspace_viewer")},
                                        {QStringLiteral("workspace_id"), workspace}}),
                           403, "forbidden");
        // Refused because disabled, then deleted.
        api().setEnabled(m_owner, keys.at(2).id, false);
        E2E_EXPECT_PROBLEM(http().get(QStringLiteral("/v1/me"), keys.at(2).secret), 401, "invalid-token");
        api().deleteKey(m_owner, keys.at(3).id);
        E2E_EXPECT_PROBLEM(http().get(QStringLiteral("/v1/me"), keys.at(3).secret), 401, "invalid-token");
        // Looked up by value (the server must not log or audit the value).
        E2E_EXPECT(http().post(QStringLiteral("/v1/api-keys/lookup"), m_owner, {{QStringLiteral("value"), keys.at(0).secret}}), 200);
        E2E_EXPECT(http().post(QStringLiteral("/v1/api-keys/lookup"), m_owner, {{QStringLiteral("value"), keys.at(2).secret}}), 200);
        // A near-miss of a real key (one character changed) and an unknown well-formed key: refused.
        QString typo = keys.at(0).secret;
        typo[10] = typo.at(10) == u'a' ? u'b' : u'a';
        addKey(QStringLiteral("near-miss key"), typo);
        E2E_EXPECT_PROBLEM(http().get(QStringLiteral("/v1/me"), typo), 401, "invalid-token");
        E2E_EXPECT(http().get(QStringLiteral("/v1/me"), adminToken), 200);
    }

    void dataDirectory_whileRunning_holdsNoSecret()
    {
        QVERIFY2(m_secretCount >= 6, "needs exerciseEverySecret");
        const QStringList leaks = scanDataDirectory(QStringLiteral("server running"));
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u'\n')));
    }

    void auditExports_holdNoSecret_data()
    {
        QTest::addColumn<QString>("format");
        QTest::newRow("csv") << QStringLiteral("csv");
        QTest::newRow("ndjson") << QStringLiteral("ndjson");
    }

    void auditExports_holdNoSecret()
    {
        QFETCH(QString, format);
        QVERIFY2(!m_owner.isEmpty(), "needs exerciseEverySecret");
        const Response r = http().get(QStringLiteral("/v1/audit-events/export?format=") + format, m_owner);
        E2E_EXPECT(r, 200);
        QVERIFY2(r.body.count('\n') >= 20, "the export is suspiciously short");
        QVERIFY2(r.body.contains("api_key.request") && r.body.contains("api_key.rotate") && r.body.contains("auth.login"),
                 "the export lacks the events this test caused");
        const QStringList leaks = scanEverything(r.body, QStringLiteral("audit export (%1)").arg(format));
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u'\n')));
    }

    void serverLog_holdsNoSecret()
    {
        const QByteArray log = m_env.server.serverLog();
        QVERIFY2(log.contains("GET /v1/me"), "the captured access log is empty");
        QStringList leaks = scanEverything(log, QStringLiteral("server log"));
        // stdout prints the demo accounts on purpose (serve --demo); no key or token may join them.
        const QByteArray output = m_env.server.serverOutput();
        QVERIFY2(output.contains("datarecs-server listening on"), "the captured output is empty");
        leaks << findIn(output, m_keyNeedles, QStringLiteral("server output"))
              << findIn(output, m_tokenNeedles, QStringLiteral("server output"));
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u'\n')));
    }

    void afterShutdown_nothingHoldsASecret()
    {
        // A clean stop checkpoints the WAL into the database and flushes the log: look again.
        const int code = m_env.server.stop();
        QCOMPARE(code, 0);
        QStringList leaks = scanDataDirectory(QStringLiteral("after shutdown"));
        leaks << scanEverything(m_env.server.serverLog(), QStringLiteral("server log after shutdown"));
        leaks << findIn(m_env.server.serverOutput(), m_keyNeedles, QStringLiteral("server output after shutdown"))
              << findIn(m_env.server.serverOutput(), m_tokenNeedles, QStringLiteral("server output after shutdown"));
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u'\n')));
    }

    void secretFiles_areOwnerOnly()
    {
        const QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
        const QFileDevice::Permissions mask = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup
            | QFileDevice::WriteGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
        for (const QString &name : {QStringLiteral("master.key"), QStringLiteral("demo-credentials.json")}) {
            const QString path = m_env.server.dataDir() + u'/' + name;
            QVERIFY2(QFileInfo::exists(path), qPrintable(path));
            QCOMPARE(QFile::permissions(path) & mask, ownerOnly);
        }
        // Nothing in the data directory is readable by group or others.
        QDirIterator it(m_env.server.dataDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QFileDevice::Permissions p = QFile::permissions(path);
            QVERIFY2(!(p & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther)),
                     qPrintable(QStringLiteral("%1 is readable or writable by others").arg(path)));
        }
    }
};

QTEST_GUILESS_MAIN(SecretLeak)
#include "tst_secret_leak.moc"
