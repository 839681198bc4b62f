// CredentialStore over QtKeychain. The same binary runs twice (see CMakeLists.txt):
//  - DATARECS_TEST_KEYCHAIN=present inside a real Secret Service (dbus-run-session + gnome-keyring):
//    write, read back, delete, and a missing entry reads as signed out;
//  - DATARECS_TEST_KEYCHAIN=absent with no D-Bus session: every job reports KeychainUnavailable,
//    never a silent plaintext fallback.
#include "CredentialStore.h"
#include "ProfileStore.h"

#include <QDir>
#include <QDirIterator>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

CredentialJob::Status wait(CredentialJob *job, QString *secret = nullptr)
{
    std::optional<CredentialJob::Status> status;
    QObject::connect(job, &CredentialJob::finished, job, [&] {
        status = job->status();
        if (secret) *secret = job->secret();
    });
    if (!QTest::qWaitFor([&] { return status.has_value(); }, 40000)) qFatal("keychain job never finished");
    return *status;
}

bool keychainExpected()
{
    return qEnvironmentVariable("DATARECS_TEST_KEYCHAIN") == u"present";
}

} // namespace

class TestCredentialStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void entryKey_isServerAndAccount()
    {
        QCOMPARE(CredentialStore::entryKey(QUrl(u"HTTPS://Datarecs.Example.com/"_s), u"a@b.test"_s),
                 u"https://datarecs.example.com a@b.test"_s);
        QCOMPARE(CredentialStore::serviceName(), u"datarecs"_s);
    }

    void roundTrip_inRealSecretService()
    {
        if (!keychainExpected())
            QSKIP("runs only inside the keyring wrapper (DATARECS_TEST_KEYCHAIN=present)");
        CredentialStore store;
        const QUrl server(u"http://127.0.0.1:8080"_s);
        QString secret;
        QCOMPARE(wait(store.read(server, u"owner@acme.test"_s)), CredentialJob::Status::NotFound);
        QCOMPARE(wait(store.write(server, u"owner@acme.test"_s, u"drs_secretvalue"_s)),
                 CredentialJob::Status::Ok);
        QCOMPARE(wait(store.read(server, u"owner@acme.test"_s), &secret), CredentialJob::Status::Ok);
        QCOMPARE(secret, u"drs_secretvalue"_s);
        // Another account on the same server is another entry.
        QCOMPARE(wait(store.read(server, u"admin@acme.test"_s)), CredentialJob::Status::NotFound);
        QCOMPARE(wait(store.remove(server, u"owner@acme.test"_s)), CredentialJob::Status::Ok);
        QCOMPARE(wait(store.read(server, u"owner@acme.test"_s)), CredentialJob::Status::NotFound);
    }

    void keychainWorks_whileTheCallerIsBusy_andForEveryStore()
    {
        if (!keychainExpected())
            QSKIP("runs only inside the keyring wrapper (DATARECS_TEST_KEYCHAIN=present)");
        const QUrl server(u"http://127.0.0.1:8081"_s);
        {
            CredentialStore first;
            QCOMPARE(wait(first.write(server, u"busy@acme.test"_s, u"drs_busyvalue"_s)), CredentialJob::Status::Ok);
        }
        // A store made after another is gone still gets answers (QtKeychain queues every job through
        // one executor, which must not be left behind in a finished thread).
        CredentialStore store;
        std::optional<CredentialJob::Status> status;
        QString secret;
        CredentialJob *read = store.read(server, u"busy@acme.test"_s);
        connect(read, &CredentialJob::finished, this, [&] {
            status = read->status();
            secret = read->secret();
        });
        // The caller's thread is busy (as the console is while it builds its window) and runs no event
        // loop: the keychain's D-Bus exchange goes on without it, so one pass over the events that
        // were posted meanwhile delivers the answer. Two seconds is far more than the exchange needs.
        QThread::sleep(2);
        QCoreApplication::sendPostedEvents();
        QVERIFY2(status.has_value(), "the keychain waited for the caller's event loop");
        QCOMPARE(*status, CredentialJob::Status::Ok);
        QCOMPARE(secret, u"drs_busyvalue"_s);
        QCOMPARE(wait(store.remove(server, u"busy@acme.test"_s)), CredentialJob::Status::Ok);
    }

    void noKeychain_isUnavailable_andNothingIsWrittenToDisk()
    {
        if (keychainExpected()) QSKIP("runs only without a D-Bus session (DATARECS_TEST_KEYCHAIN=absent)");
        QTemporaryDir home;
        qputenv("HOME", home.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", (home.path() + u"/.config"_s).toUtf8());
        qputenv("XDG_DATA_HOME", (home.path() + u"/.local/share"_s).toUtf8());
        CredentialStore store;
        store.setTimeout(20000);
        const QUrl server(u"http://127.0.0.1:8080"_s);
        CredentialJob *write = store.write(server, u"owner@acme.test"_s, u"drs_mustnotland"_s);
        QCOMPARE(wait(write), CredentialJob::Status::KeychainUnavailable);
        QCOMPARE(wait(store.read(server, u"owner@acme.test"_s)), CredentialJob::Status::KeychainUnavailable);
        // No plaintext fallback anywhere under HOME.
        QDirIterator it(home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains("drs_mustnotland"), qPrintable(f.fileName()));
        }
    }

    void profiles_keepNoSecret_andRoundTrip()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(u"p.ini"_s), QSettings::IniFormat);
        ProfileStore profiles(&settings);
        const QDateTime expiry(QDate(2026, 12, 1), QTime(8, 0), Qt::UTC);
        profiles.save({QUrl(u"http://127.0.0.1:8080/"_s), u"owner@acme.test"_s, expiry});
        profiles.setDefaultServer(QUrl(u"http://127.0.0.1:8080"_s));
        const std::optional<Profile> p = profiles.find(QUrl(u"HTTP://127.0.0.1:8080"_s));
        QVERIFY(p);
        QCOMPARE(p->account, u"owner@acme.test"_s);
        QCOMPARE(p->tokenExpiresAt, std::optional<QDateTime>(expiry));
        QCOMPARE(profiles.defaultServer(), std::optional<QUrl>(QUrl(u"http://127.0.0.1:8080"_s)));
        profiles.save({QUrl(u"https://other.example.com"_s), u"x@y.test"_s, std::nullopt});
        QCOMPARE(profiles.all().size(), 2);
        profiles.remove(QUrl(u"http://127.0.0.1:8080"_s));
        QCOMPARE(profiles.all().size(), 1);
        QVERIFY(!profiles.defaultServer());
    }
};

QTEST_GUILESS_MAIN(TestCredentialStore)
#include "tst_credentialstore.moc"
