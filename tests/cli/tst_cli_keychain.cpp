// `datarecs login` and the keychain. The binary runs twice (see CMakeLists.txt):
//  - DATARECS_TEST_KEYCHAIN=present inside a real Secret Service (with-keyring.sh): login stores
//    the session in the keychain only, later commands use it, logout removes it;
//  - DATARECS_TEST_KEYCHAIN=absent with no D-Bus session: login fails clearly and stores nothing.
#include "ServerFixture.h"

#include <CredentialStore.h>
#include <ProfileStore.h>

#include <QDirIterator>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>

using namespace Qt::StringLiterals;

namespace {

bool keychainExpected()
{
    return qEnvironmentVariable("DATARECS_TEST_KEYCHAIN") == u"present";
}

} // namespace

class TestCliKeychain : public QObject
{
    Q_OBJECT
private:
    ServerFixture m_server;
    QTemporaryDir m_home;

    CliRun cli(const QStringList &args, const QByteArray &input = {}, QMap<QString, QString> env = {})
    {
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"XDG_CONFIG_HOME"_s, m_home.path() + u"/.config"_s);
        return m_server.run(args, env, input);
    }

    /// Nothing under HOME may hold a session token: the keychain is the only place for it.
    void verifyNoTokenOnDisk()
    {
        QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains("drs_"), qPrintable(f.fileName()));
        }
    }

    /// What the keychain holds for \a account on the test server: a token, or empty.
    QString keychainSession(const QString &account)
    {
        datarecs::CredentialStore store;
        datarecs::CredentialJob *job = store.read(datarecs::ProfileStore::normalizeServer(QUrl(m_server.url())), account);
        QSignalSpy done(job, &datarecs::CredentialJob::finished);
        if (!done.wait(10000)) return u"(no answer from the keychain)"_s;
        return job->status() == datarecs::CredentialJob::Status::Ok ? job->secret() : QString();
    }

    int statusOfMe(const QString &token)
    {
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(m_server.url() + u"/v1/me"_s));
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        QNetworkReply *reply = nam.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(10000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        delete reply;
        return status;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString problem = m_server.start();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void cleanupTestCase() { m_server.stop(); }

    void login_wrongPassword_exitsWith3_andKeepsNothing()
    {
        if (!keychainExpected()) QSKIP("needs the keyring wrapper");
        const CliRun r = cli({u"login"_s, u"--server"_s, m_server.url(), u"--email"_s, u"owner@acme.test"_s},
                             "not-the-password\n");
        CLI_VERIFY(r.exitCode == 3 && r.err.contains("email or password is wrong"), r);
        const CliRun who = cli({u"whoami"_s});
        CLI_VERIFY(who.exitCode == 3 && who.err.contains("not signed in"), who);
    }

    void login_inSecretService_thenCommandsUseTheSession_thenLogout()
    {
        if (!keychainExpected()) QSKIP("needs the keyring wrapper");
        // Email and password as lines on stdin: what a script does when stdin is not a terminal.
        const QByteArray input =
            "admin@acme.test\n" + m_server.password(u"admin@acme.test"_s).toUtf8() + '\n';
        const CliRun login = cli({u"login"_s, u"--server"_s, m_server.url()}, input);
        CLI_VERIFY(login.exitCode == 0 && login.err.contains("system keychain"), login);
        CLI_VERIFY(!login.out.contains("drs_") && !login.err.contains("drs_"), login);
        verifyNoTokenOnDisk();

        // The server comes from the login profile now: no --server, no DATARECS_SERVER.
        const CliRun who =
            cli({u"whoami"_s, u"--output"_s, u"json"_s}, {}, {{u"DATARECS_SERVER"_s, QString()}});
        CLI_VERIFY(who.exitCode == 0, who);
        QCOMPARE(who.json().object().value(u"user"_s).toObject().value(u"email"_s).toString(),
                 u"admin@acme.test"_s);
        const CliRun list = cli({u"api-key"_s, u"list"_s, u"--limit"_s, u"2"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(list.exitCode == 0 && list.json().array().size() == 2, list);

        // A CI secret that did not come through (the variable set, empty or blank) is an error, not a
        // silent turn to this session.
        for (const QString &blank : {u""_s, u"  "_s}) {
            const CliRun noKey = cli({u"whoami"_s, u"--output"_s, u"json"_s}, {}, {{u"DATARECS_API_KEY"_s, blank}});
            CLI_VERIFY(noKey.exitCode == 3 && noKey.err.contains("DATARECS_API_KEY is set but empty") &&
                           noKey.out.isEmpty(),
                       noKey);
        }

        const CliRun logout = cli({u"logout"_s});
        CLI_VERIFY(logout.exitCode == 0 && logout.err.contains("Signed out"), logout);
        const CliRun after = cli({u"whoami"_s});
        CLI_VERIFY(after.exitCode == 3 && after.err.contains("not signed in"), after);
        verifyNoTokenOnDisk();
    }

    void login_asAnotherAccount_endsTheSessionItReplaces()
    {
        if (!keychainExpected()) QSKIP("needs the keyring wrapper");
        const CliRun owner = cli({u"login"_s, u"--server"_s, m_server.url(), u"--email"_s, u"owner@acme.test"_s},
                                 m_server.password(u"owner@acme.test"_s).toUtf8() + '\n');
        CLI_VERIFY(owner.exitCode == 0, owner);
        const QString ownerSession = keychainSession(u"owner@acme.test"_s);
        QVERIFY2(ownerSession.startsWith(u"drs_"_s), "the owner's session is not in the keychain");
        QCOMPARE(statusOfMe(ownerSession), 200);

        const CliRun admin = cli({u"login"_s, u"--server"_s, m_server.url(), u"--email"_s, u"admin@acme.test"_s},
                                 m_server.password(u"admin@acme.test"_s).toUtf8() + '\n');
        CLI_VERIFY(admin.exitCode == 0 && admin.err.contains("previous session") && admin.err.contains("owner@acme.test"),
                   admin);
        // The owner's session, which no logout could reach any more, is over and out of the keychain.
        QCOMPARE(statusOfMe(ownerSession), 401);
        QCOMPARE(keychainSession(u"owner@acme.test"_s), QString());

        // Signing in again as the same account ends the session it had too.
        const QString adminSession = keychainSession(u"admin@acme.test"_s);
        const CliRun again = cli({u"login"_s, u"--server"_s, m_server.url(), u"--email"_s, u"admin@acme.test"_s},
                                 m_server.password(u"admin@acme.test"_s).toUtf8() + '\n');
        CLI_VERIFY(again.exitCode == 0, again);
        QCOMPARE(statusOfMe(adminSession), 401);
        const CliRun logout = cli({u"logout"_s});
        CLI_VERIFY(logout.exitCode == 0, logout);
        QCOMPARE(keychainSession(u"admin@acme.test"_s), QString());
    }

    void login_withoutKeychain_failsClearly_andStoresNothing()
    {
        if (keychainExpected()) QSKIP("runs without a D-Bus session");
        const QByteArray input = m_server.password(u"owner@acme.test"_s).toUtf8() + '\n';
        const CliRun r =
            cli({u"login"_s, u"--server"_s, m_server.url(), u"--email"_s, u"owner@acme.test"_s}, input);
        CLI_VERIFY(r.exitCode == 9, r);
        CLI_VERIFY(r.err.contains("keychain is unavailable") && r.err.contains("nothing was stored"), r);
        verifyNoTokenOnDisk();
        const CliRun who = cli({u"whoami"_s});
        CLI_VERIFY(who.exitCode == 3 && who.err.contains("not signed in"), who);
    }
};

QTEST_GUILESS_MAIN(TestCliKeychain)
#include "tst_cli_keychain.moc"
