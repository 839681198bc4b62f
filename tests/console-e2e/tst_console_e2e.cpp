// The console end to end: its real client and window against a real datarecs-server with demo data,
// inside a real Secret Service session (run through tests/cli/with-keyring.sh).

#include "ApiClient.h"
#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "Confirmation.h"
#include "ConsoleApp.h"
#include "ConsoleE2eSupport.h"
#include "ConsoleServer.h"
#include "ConsoleTestSupport.h"
#include "MainWindow.h"
#include "Session.h"
#include "SignInDialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace datarecs;
using namespace Qt::StringLiterals;

class TestConsoleE2e : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = startSuite(m_server, m_admin);
        QVERIFY2(error.isEmpty(), qPrintable(error));
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
        clearConsoleSettings();
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
        waitForKeysPage(*m_console);
        QCOMPARE(m_console->session()->keychainState(), Session::KeychainState::Remembered);

        // Quit and start again, with no server given: the profile and the keychain bring it back.
        m_console.reset();
        m_console = std::make_unique<ConsoleApp>(ConsoleApp::Options{});
        m_console->start();
        waitForKeysPage(*m_console);
        QVERIFY(!m_console->signInDialog());
        QCOMPARE(m_console->session()->account(), kOwner);
        QVERIFY(table()->model()->rowCount() > 0);

        // The token is in the keychain, not in the settings.
        const QString token = m_console->session()->client()->hasCredential() ? u"drs_"_s : QString();
        QVERIFY(!token.isEmpty());
        const QStringList leaked = settingsKeysHolding({u"drs_"_s, m_server.password(kOwner)});
        QVERIFY2(leaked.isEmpty(), qPrintable(leaked.join(u", "_s)));
    }

    void disableInTheUi_theServerRefusesTheKey()
    {
        const CreatedApiKey created = createKey(m_admin, u"e2e disable me"_s);
        QVERIFY(await(clientWithKey(m_server, created.secret, this)->me()).ok()); // works before

        signInAs(m_console, m_server, kOwner);
        QVERIFY(page()->selectKey(created.apiKey.id));
        Confirmation::setAnswerer([](const Confirmation::Question &) { return true; });
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_D, Qt::ControlModifier);
        QTRY_COMPARE(page()->selectedKey()->status, u"disabled"_s);
        QTRY_VERIFY(!page()->isBusy());
        QVERIFY(page()->message().isEmpty());

        const Result<Identity> refused = await(clientWithKey(m_server, created.secret, this)->me());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().httpStatus(), 401);
        QCOMPARE(refused.error().type(), u"invalid-token"_s);
    }

    void deleteInTheUi_theKeyIsGone()
    {
        const CreatedApiKey created = createKey(m_admin, u"e2e delete me"_s);
        signInAs(m_console, m_server, kOwner);
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
        QVERIFY(!await(clientWithKey(m_server, created.secret, this)->me()).ok());
    }

    void member_seesTheKeys_butCannotAct()
    {
        signInAs(m_console, m_server, kMember);
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
        signInAs(m_console, m_server, kOwner);
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
    MainWindow *window() const { return m_console->mainWindow(); }
    ApiKeysPage *page() const { return m_console->mainWindow()->keysPage(); }
    QTableView *table() const { return keysTable(window()); }

    ConsoleServer m_server;
    ApiClient m_admin;
    std::unique_ptr<ConsoleApp> m_console;
};

QTEST_MAIN(TestConsoleE2e)
#include "tst_console_e2e.moc"
