// The console end to end: its real client and window against a real datarecs-server with demo data,
// inside a real Secret Service session (run through tests/cli/with-keyring.sh).

#include "ApiClient.h"
#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "Confirmation.h"
#include "ConsoleApp.h"
#include "ConsoleServer.h"
#include "MainWindow.h"
#include "Session.h"
#include "SignInDialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {
const QString kOwner = u"owner@acme.test"_s;
const QString kMember = u"member@acme.test"_s;

/// Waits for a call and returns its result (test code only: the console itself never blocks).
template <typename T>
Result<T> await(ApiCall<T> *call)
{
    std::optional<Result<T>> out;
    QObject context;
    call->onFinished(&context, [&out](const Result<T> &r) { out = r; });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, 30000))
        qWarning("a call did not finish in 30 s");
    return out.value_or(Result<T>(ApiError(ApiError::Kind::Timeout, u"test gave up waiting"_s)));
}
} // namespace

class TestConsoleE2e : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setQuitOnLastWindowClosed(false);
        const QString error = m_server.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // An owner session of the test's own, to set up keys and check what the server says.
        m_admin.setBaseUrl(m_server.url());
        const Result<LoginResult> login = await(m_admin.login(kOwner, m_server.password(kOwner)));
        QVERIFY2(login.ok(), qPrintable(login.ok() ? QString() : login.error().userMessage()));
        m_admin.setCredential(login.value().token);
    }

    void init()
    {
        Confirmation::setAnswerer(nullptr);
        if (!m_server.isRunning())
            QVERIFY(m_server.start().isEmpty());
    }

    void cleanup()
    {
        Confirmation::setAnswerer(nullptr);
        m_console.reset();
    }

    void rememberMe_restart_stillSignedIn()
    {
        clearSettings();
        ConsoleApp::Options options;
        options.server = m_server.url();
        m_console = std::make_unique<ConsoleApp>(options);
        m_console->start();
        QTRY_VERIFY(m_console->signInDialog() && m_console->signInDialog()->isVisible());
        SignInDialog *dialog = m_console->signInDialog();
        QTest::keyClicks(dialog->findChild<QLineEdit *>(u"emailEdit"_s), kOwner);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), m_server.password(kOwner));
        QTest::mouseClick(dialog->findChild<QCheckBox *>(u"rememberCheck"_s), Qt::LeftButton,
                          {}, QPoint(4, dialog->findChild<QCheckBox *>(u"rememberCheck"_s)->height() / 2));
        QVERIFY(dialog->remember());
        QTest::keyClick(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), Qt::Key_Return);
        waitForKeysPage();
        QCOMPARE(m_console->session()->keychainState(), Session::KeychainState::Remembered);

        // Quit and start again, with no server given: the profile and the keychain bring it back.
        m_console.reset();
        m_console = std::make_unique<ConsoleApp>(ConsoleApp::Options{});
        m_console->start();
        waitForKeysPage();
        QVERIFY(!m_console->signInDialog());
        QCOMPARE(m_console->session()->account(), kOwner);
        QVERIFY(table()->model()->rowCount() > 0);

        // The token is in the keychain, not in the settings.
        const QString token = m_console->session()->client()->hasCredential() ? u"drs_"_s : QString();
        QVERIFY(!token.isEmpty());
        for (const QString &app : {u"datarecs"_s, u"datarecs-console"_s}) {
            QSettings s(QSettings::IniFormat, QSettings::UserScope, u"DataRecs"_s, app);
            for (const QString &k : s.allKeys()) {
                QVERIFY2(!s.value(k).toString().contains(u"drs_"_s), qPrintable(k));
                QVERIFY2(!s.value(k).toString().contains(m_server.password(kOwner)), qPrintable(k));
            }
        }
    }

    void disableInTheUi_theServerRefusesTheKey()
    {
        const CreatedApiKey created = createKey(u"e2e disable me"_s);
        QVERIFY(await(clientWithKey(created.secret)->me()).ok()); // works before

        signInAs(kOwner);
        QVERIFY(page()->selectKey(created.apiKey.id));
        Confirmation::setAnswerer([](const Confirmation::Question &) { return true; });
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_D, Qt::ControlModifier);
        QTRY_COMPARE(page()->selectedKey()->status, u"disabled"_s);
        QTRY_VERIFY(!page()->isBusy());
        QVERIFY(page()->message().isEmpty());

        const Result<Identity> refused = await(clientWithKey(created.secret)->me());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().httpStatus(), 401);
        QCOMPARE(refused.error().type(), u"invalid-token"_s);
    }

    void deleteInTheUi_theKeyIsGone()
    {
        const CreatedApiKey created = createKey(u"e2e delete me"_s);
        signInAs(kOwner);
        const int before = table()->model()->rowCount();
        QVERIFY(page()->selectKey(created.apiKey.id));
        Confirmation::setAnswerer([](const Confirmation::Question &) { return true; });
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Delete);
        QTRY_COMPARE(table()->model()->rowCount(), before - 1);
        QVERIFY(Confirmation::lastQuestion()->text.contains(u"e2e delete me"_s));
        QCOMPARE(page()->model()->rowOf(created.apiKey.id), -1);

        const Result<ApiKey> gone = await(m_admin.apiKey(created.apiKey.id));
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().httpStatus(), 404);
        QVERIFY(!await(clientWithKey(created.secret)->me()).ok());
    }

    void member_seesTheKeys_butCannotAct()
    {
        signInAs(kMember);
        QVERIFY(table()->model()->rowCount() > 0);
        table()->selectRow(0);
        for (const QString &name : {u"actionEnable"_s, u"actionDisable"_s, u"actionDelete"_s})
            QVERIFY2(!window()->findChild<QAction *>(name)->isEnabled(), qPrintable(name));
        auto *notice = window()->findChild<QLabel *>(u"readOnlyNotice"_s);
        QVERIFY(notice->isVisible());
        QVERIFY(notice->text().contains(u"manage_api_keys"_s));
    }

    void serverStopsMidSession_clearState_thenRecovers()
    {
        signInAs(kOwner);
        const int rows = table()->model()->rowCount();
        m_server.stop();
        window()->findChild<QAction *>(u"actionRefresh"_s)->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(page()->message().contains(u"Could not reach"_s), 20000);
        QVERIFY(page()->message().contains(u"Trying again"_s));
        QCOMPARE(table()->model()->rowCount(), rows); // the last known keys stay on screen

        QVERIFY(m_server.start().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(page()->message().isEmpty(), 30000); // the page retries by itself
        QCOMPARE(table()->model()->rowCount(), rows);
        QVERIFY(m_console->session()->isSignedIn());
    }

private:
    void clearSettings()
    {
        for (const QString &app : {u"datarecs"_s, u"datarecs-console"_s})
            QSettings(QSettings::IniFormat, QSettings::UserScope, u"DataRecs"_s, app).clear();
    }

    void signInAs(const QString &email)
    {
        clearSettings();
        ConsoleApp::Options options;
        options.server = m_server.url();
        options.email = email;
        options.password = m_server.password(email);
        m_console = std::make_unique<ConsoleApp>(options);
        m_console->start();
        waitForKeysPage();
    }

    void waitForKeysPage()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_console->mainWindow() && m_console->mainWindow()->isVisible(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(page()->hasLoaded() && !page()->isBusy(), 20000);
    }

    CreatedApiKey createKey(const QString &name)
    {
        NewApiKey key;
        key.name = name;
        key.role = u"workspace_viewer"_s;
        const Result<QList<Workspace>> workspaces = await(m_admin.workspaces());
        if (workspaces.ok() && !workspaces.value().isEmpty())
            key.workspaceId = workspaces.value().first().id;
        const Result<CreatedApiKey> created = await(m_admin.createApiKey(key));
        if (!created.ok())
            qWarning() << "create failed:" << created.error().userMessage();
        return created.ok() ? created.value() : CreatedApiKey{};
    }

    ApiClient *clientWithKey(const QString &secret)
    {
        auto *client = new ApiClient(this);
        client->setBaseUrl(m_server.url());
        client->setCredential(secret);
        return client;
    }

    MainWindow *window() const { return m_console->mainWindow(); }
    ApiKeysPage *page() const { return m_console->mainWindow()->keysPage(); }
    QTableView *table() const { return window()->findChild<QTableView *>(u"keysTable"_s); }

    ConsoleServer m_server;
    ApiClient m_admin;
    std::unique_ptr<ConsoleApp> m_console;
};

QTEST_MAIN(TestConsoleE2e)
#include "tst_console_e2e.moc"
