// The console's widgets as a user drives them: found by objectName, operated with QTest's mouse and
// keyboard, observed with QTRY_*. The server is a FakeServer, so that failures can be staged.

#include "ApiKeyDetailsPane.h"
#include "ApiKeyFilterProxyModel.h"
#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "Confirmation.h"
#include "ConsoleApp.h"
#include "ConsoleTestSupport.h"
#include "FakeServer.h"
#include "KeyRecentActivity.h"
#include "MainWindow.h"
#include "NewApiKeyWizard.h"
#include "ProfileStore.h"
#include "Session.h"
#include "SignInDialog.h"
#include "WrappedText.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>
#include <QSplitter>
#include <QToolButton>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

QWidget *visibleSignInDialog()
{
    return visibleTopLevel(u"signInDialog"_s);
}

} // namespace

class TestConsoleWidgets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(startWidgetSuite(m_server));
    }

    void init()
    {
        // Fresh settings, keys and routes for every test.
        clearConsoleSettings();
        Confirmation::setAnswerer(nullptr);
        m_permissions = allPermissions();
        m_role = u"owner"_s;
        m_keys = startingKeys();
        m_failRoles = false;
        m_server.overrideAll(std::nullopt);
        m_server.clearRequests();
        installRoutes();
    }

    void cleanup()
    {
        Confirmation::setAnswerer(nullptr);
        m_console.reset();
        QVERIFY(m_server.restart());
    }

    // --- sign-in dialog ---

    void signIn_plainHttpToRemoteHost_isRefusedBeforeSending()
    {
        ProfileStore profiles(nullptr);
        Session session(profiles);
        SignInDialog dialog(&session);
        dialog.show();
        fill(dialog, u"http://datarecs.example.com"_s, u"owner@acme.test"_s, kPassword);
        const int before = int(m_server.requests().size());
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"signInButton"_s), Qt::LeftButton);
        QVERIFY2(dialog.message().contains(u"plain HTTP"_s), qPrintable(dialog.message()));
        QVERIFY(dialog.message().contains(u"https://datarecs.example.com"_s));
        QCOMPARE(m_server.requests().size(), before);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.findChild<QLineEdit *>(u"emailEdit"_s)->text(), u"owner@acme.test"_s);

        QCOMPARE(SignInDialog::addressProblem(u"http://127.0.0.1:8080"_s), QString());
        QCOMPARE(SignInDialog::addressProblem(u"http://localhost:8080"_s), QString());
        QCOMPARE(SignInDialog::addressProblem(u"https://datarecs.example.com"_s), QString());
        QVERIFY(!SignInDialog::addressProblem(u"ftp://x"_s).isEmpty());
    }

    void signIn_plainHttpSuggestion_keepsThePortAndPath()
    {
        // The suggested https:// address must be one the user can paste back: same port, same path.
        const QString problem = SignInDialog::addressProblem(u"http://10.0.0.5:8080/datarecs"_s);
        QVERIFY2(problem.contains(u"use https://10.0.0.5:8080/datarecs instead"_s), qPrintable(problem));
        QVERIFY2(SignInDialog::addressProblem(u"http://10.0.0.5"_s).contains(u"use https://10.0.0.5 instead"_s),
                 qPrintable(SignInDialog::addressProblem(u"http://10.0.0.5"_s)));
    }

    void signIn_message_growsTheDialog_fieldsKeepTheirHeight()
    {
        // Under a real window manager the reviewer saw the fields squashed to 8-16 px and the
        // message cut: the dialog kept its first height when the message appeared.
        ProfileStore profiles(nullptr);
        Session session(profiles);
        SignInDialog dialog(&session);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        fill(dialog, u"http://10.0.0.5:8080"_s, u"owner@acme.test"_s, kPassword);
        const int before = dialog.height();
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"signInButton"_s), Qt::LeftButton);
        QVERIFY(!dialog.message().isEmpty());
        QTRY_VERIFY2(dialog.height() > before, qPrintable(QString::number(dialog.height())));
        for (const QString &name : {u"serverEdit"_s, u"emailEdit"_s, u"passwordEdit"_s}) {
            auto *edit = dialog.findChild<QLineEdit *>(name);
            QTRY_VERIFY2(edit->height() >= edit->sizeHint().height(),
                         qPrintable(name + u" "_s + QString::number(edit->height())));
        }
        auto *label = dialog.findChild<QLabel *>(u"messageLabel"_s);
        QVERIFY(label->height() >= label->heightForWidth(label->width()));

        // Signing in again clears the message and shows the busy bar: the fields still keep their height.
        m_server.close();
        fill(dialog, m_server.url().toString(), u"owner@acme.test"_s, kPassword);
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"signInButton"_s), Qt::LeftButton);
        QVERIFY(dialog.findChild<QProgressBar *>(u"busyIndicator"_s)->isVisible());
        auto *server = dialog.findChild<QLineEdit *>(u"serverEdit"_s);
        QTRY_VERIFY2(server->height() >= server->sizeHint().height(), qPrintable(QString::number(server->height())));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.message().contains(u"Could not reach"_s), 15000);
        QTRY_VERIFY(label->height() >= label->heightForWidth(label->width()));
        QVERIFY(server->height() >= server->sizeHint().height());
    }

    void signIn_wrongPassword_saysSo_andKeepsTheFields()
    {
        ProfileStore profiles(nullptr);
        Session session(profiles);
        SignInDialog dialog(&session);
        dialog.show();
        fill(dialog, m_server.url().toString(), u"owner@acme.test"_s, u"wrong"_s);
        QTest::keyClick(dialog.findChild<QLineEdit *>(u"passwordEdit"_s), Qt::Key_Return);
        QTRY_VERIFY2(dialog.message().contains(u"email or password is wrong"_s), qPrintable(dialog.message()));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.findChild<QLineEdit *>(u"serverEdit"_s)->text(), m_server.url().toString());
        QCOMPARE(dialog.findChild<QLineEdit *>(u"emailEdit"_s)->text(), u"owner@acme.test"_s);
        QVERIFY(dialog.findChild<QLineEdit *>(u"emailEdit"_s)->isEnabled());
        QVERIFY(!session.isSignedIn());
    }

    void signIn_serverDown_saysItCouldNotReachIt()
    {
        ProfileStore profiles(nullptr);
        Session session(profiles);
        SignInDialog dialog(&session);
        dialog.show();
        m_server.close();
        fill(dialog, m_server.url().toString(), u"owner@acme.test"_s, kPassword);
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"signInButton"_s), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.message().contains(u"Could not reach"_s), 15000);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.findChild<QLineEdit *>(u"emailEdit"_s)->text(), u"owner@acme.test"_s);
    }

    void signIn_tlsFailure_isExplainedAsCertificateProblem()
    {
        const ApiError tls(ApiError::Kind::Network, u"SSL handshake failed: The certificate is self-signed"_s);
        QVERIFY(SignInDialog::messageFor(tls).contains(u"certificate"_s));
        QVERIFY(SignInDialog::messageFor(tls).contains(u"secure connection"_s));

        // A real handshake failure: https:// to a port that answers in plain text.
        QTcpServer plain;
        QVERIFY(plain.listen(QHostAddress::LocalHost));
        connect(&plain, &QTcpServer::newConnection, &plain, [&plain] {
            QTcpSocket *s = plain.nextPendingConnection();
            s->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            s->disconnectFromHost();
        });
        ProfileStore profiles(nullptr);
        Session session(profiles);
        SignInDialog dialog(&session);
        dialog.show();
        fill(dialog, u"https://127.0.0.1:%1"_s.arg(plain.serverPort()), u"owner@acme.test"_s, kPassword);
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"signInButton"_s), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.message().isEmpty(), 15000);
        QVERIFY2(dialog.message().contains(u"secure connection"_s), qPrintable(dialog.message()));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.findChild<QLineEdit *>(u"emailEdit"_s)->text(), u"owner@acme.test"_s);
    }

    void signIn_success_opensTheKeysPage()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        QCOMPARE(window->currentPage(), MainWindow::Page::ApiKeys);
        QCOMPARE(table()->model()->rowCount(), 3);
        QVERIFY(!visibleSignInDialog());
        QCOMPARE(window->findChild<QLabel *>(u"tenantLabel"_s)->text(), u"Tenant: Acme"_s);
        QVERIFY(window->findChild<QLabel *>(u"accountLabel"_s)->text().contains(u"owner@acme.test"_s));
        QTRY_COMPARE(window->findChild<QLabel *>(u"quotaLabel"_s)->text(), u"3 of 50 keys"_s);
        // The password never reaches the settings.
        const QStringList leaked = settingsKeysHolding({kPassword});
        QVERIFY2(leaked.isEmpty(), qPrintable(leaked.join(u", "_s)));
    }

    void firstKeys_waitForTheRoleTitles_butNotForLong()
    {
        QFETCH(int, rolesDelayMs);
        QFETCH(QString, roleShownFirst);
        m_server.on("GET", u"/v1/roles"_s, [rolesDelayMs](const FakeServer::Request &) {
            Role viewer{u"workspace_viewer"_s, u"Workspace viewer"_s, u"Reads"_s, u"workspace"_s, 20, {}};
            FakeServer::Reply reply{200, json({{u"items"_s, QJsonArray{viewer.toJson()}}})};
            reply.delayMs = rolesDelayMs;
            return reply;
        });
        QStringList rolesWhenShown;
        m_console = std::make_unique<ConsoleApp>(signInOptions(m_server.url(), u"owner@acme.test"_s, kPassword));
        m_console->start();
        QTRY_VERIFY(m_console->mainWindow());
        ApiKeyTableModel *model = m_console->mainWindow()->keysPage()->model();
        connect(model, &QAbstractItemModel::rowsInserted, this, [&](const QModelIndex &, int first, int) {
            rolesWhenShown << model->index(first, ApiKeyTableModel::Role).data().toString();
        });
        QTRY_VERIFY(m_console->mainWindow()->keysPage()->hasLoaded());
        QCOMPARE(rolesWhenShown, QStringList{roleShownFirst});
        QTRY_COMPARE(model->index(0, ApiKeyTableModel::Role).data().toString(), u"Workspace viewer"_s);
    }
    void firstKeys_waitForTheRoleTitles_butNotForLong_data()
    {
        QTest::addColumn<int>("rolesDelayMs");
        QTest::addColumn<QString>("roleShownFirst");
        // Just after the keys: the table shows them with their roles' titles from the first moment.
        QTest::newRow("titles a moment later") << 30 << u"Workspace viewer"_s;
        // Much later: the keys do not wait for them, and show the role names until the titles come.
        QTest::newRow("titles late") << 1500 << u"workspace_viewer"_s;
    }

    void refreshKey_refreshesThePageOnScreen()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window));
        m_server.clearRequests();
        QTest::keyClick(window, Qt::Key_F5);
        QTRY_COMPARE(m_server.count("GET", u"/v1/api-keys"_s), 1);

        // On the audit log, F5 asks for events again and leaves the keys alone.
        window->showPage(MainWindow::Page::AuditLog);
        QTRY_VERIFY(m_server.count("GET", u"/v1/audit-events"_s) > 0);
        QTest::qWait(200);
        m_server.clearRequests();
        QTest::keyClick(window, Qt::Key_F5);
        QTRY_VERIFY(m_server.count("GET", u"/v1/audit-events"_s) >= 1);
        QTest::qWait(200);
        QCOMPARE(m_server.count("GET", u"/v1/api-keys"_s), 0);
        window->showPage(MainWindow::Page::ApiKeys);
    }

    void mainWindow_eachAltLetterGoesToOneControl()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        selectRowNamed(u"Deploy bot"_s); // the details pane's buttons too
        QStringList problems = mnemonicProblems(window);
        window->showPage(MainWindow::Page::AuditLog);
        QTRY_VERIFY(window->findChild<QWidget *>(u"auditSplitter"_s)->isVisible());
        problems += mnemonicProblems(window);
        window->showPage(MainWindow::Page::ApiKeys);
        ProfileStore profiles(nullptr);
        Session session(profiles);
        SignInDialog dialog(&session);
        dialog.show();
        problems += mnemonicProblems(&dialog);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s)));
    }

    void auditPage_atTheSmallestWindow_givesTheEventsMostOfTheWidth()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        window->resize(900, 600); // the smallest size the console opens at
        window->showPage(MainWindow::Page::AuditLog);
        auto *splitter = window->findChild<QSplitter *>(u"auditSplitter"_s);
        QTRY_VERIFY(splitter->isVisible() && splitter->width() > 0);
        // The events are what the page is for: they keep most of the width, the details the rest.
        const QList<int> sizes = splitter->sizes();
        QVERIFY2(sizes.at(0) * 100 >= 55 * splitter->width(),
                 qPrintable(u"events %1 of %2 px"_s.arg(sizes.at(0)).arg(splitter->width())));
        QVERIFY(sizes.at(1) >= window->findChild<QWidget *>(u"eventDetailsArea"_s)->minimumWidth());
        window->showPage(MainWindow::Page::ApiKeys);
    }

    void refresh_busyIndicatorComesAndGoes_withoutMovingTheKeys()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        auto *busy = window->findChild<QProgressBar *>(u"busyIndicator"_s);
        QTRY_VERIFY(!busy->isVisible());
        const QRect idle(table()->mapTo(window, QPoint(0, 0)), table()->size());
        m_server.on("GET", u"/v1/api-keys"_s, [this](const FakeServer::Request &) {
            FakeServer::Reply reply = keyListReply(m_keys);
            reply.delayMs = 300;
            return reply;
        });
        action(u"actionRefresh"_s)->trigger();
        QTRY_VERIFY(busy->isVisible());
        QApplication::processEvents();
        QCOMPARE(QRect(table()->mapTo(window, QPoint(0, 0)), table()->size()), idle);
        QTRY_VERIFY_WITH_TIMEOUT(!busy->isVisible(), 5000);
        QApplication::processEvents();
        // Neither its showing nor its hiding lays the page out again (and so paints it all again).
        QCOMPARE(QRect(table()->mapTo(window, QPoint(0, 0)), table()->size()), idle);
    }

    // --- the keys page ---

    void detailsPane_showsEveryField_andCopiesTheId()
    {
        startSignedIn();
        selectRowNamed(u"Old reporting"_s);
        auto *pane = m_console->mainWindow()->findChild<ApiKeyDetailsPane *>(u"detailsPane"_s);
        QCOMPARE(pane->shownKeyId(), u"key_cccccccccccccccc"_s);
        QCOMPARE(label(u"idValue"_s), u"key_cccccccccccccccc"_s);
        QCOMPARE(label(u"nameValue"_s), u"Old reporting"_s);
        QCOMPARE(label(u"descriptionValue"_s), u"Used by Old reporting"_s);
        QVERIFY(label(u"roleValue"_s).contains(u"Workspace viewer"_s));
        QVERIFY(label(u"lastUsedValue"_s).contains(u"198.51.100.4"_s));
        QVERIFY(label(u"lastUsedValue"_s).contains(u"1 hour ago"_s));
        for (const QString &field : {u"hintValue"_s, u"workspaceValue"_s, u"statusValue"_s, u"createdByValue"_s,
                                     u"createdValue"_s, u"updatedValue"_s, u"expiresValue"_s, u"replacesValue"_s,
                                     u"replacedByValue"_s})
            QVERIFY2(!label(field).isEmpty(), qPrintable(field));
        QTest::mouseClick(pane->findChild<QToolButton *>(u"copyIdButton"_s), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), u"key_cccccccccccccccc"_s);
    }

    void detailsPane_wrapsLongWordsInsteadOfScrollingSideways()
    {
        const QString name = u"Z"_s + QString(99, u'x');
        ApiKey key = makeKey(u"key_dddddddddddddddd"_s, name, true, 3);
        key.description = u"Runbook: https://wiki.example.com/display/OPS/Rotating+the+Terraform+state+key+"
                          "without+downtime+for+the+nightly+pipelines"_s;
        m_keys.append(key);
        startSignedIn();
        selectRowNamed(name);
        QCOMPARE(label(u"nameValue"_s), name);
        QCOMPARE(label(u"descriptionValue"_s), key.description);
        auto *area = m_console->mainWindow()->findChild<QScrollArea *>(u"detailsArea"_s);
        QVERIFY(area);
        // Every value fits the pane's width: nothing is cut off behind a sideways scroll bar.
        QTest::qWait(50);
        QVERIFY(!area->horizontalScrollBar()->isVisible());
        for (const QString &field : {u"titleLabel"_s, u"nameValue"_s, u"descriptionValue"_s}) {
            auto *shown = m_console->mainWindow()->findChild<WrappedText *>(field);
            QVERIFY2(shown->document()->lineCount() > 1, qPrintable(field)); // wrapped, not cut
            QVERIFY2(shown->geometry().right() <= area->viewport()->width(), qPrintable(field));
        }
    }

    void newKeyAction_isOnTheToolbar_andDisabledWithTheReasonWithoutCreatePermission()
    {
        startSignedIn();
        QAction *newKey = action(u"actionNewKey"_s);
        QVERIFY(newKey);
        QCOMPARE(newKey->text(), u"New API Key"_s);
        QVERIFY(newKey->isEnabled());
        QVERIFY(m_console->mainWindow()->findChild<QToolBar *>(u"mainToolBar"_s)->actions().contains(newKey));
        m_console.reset();
        m_permissions.removeAll(u"create_api_key"_s);
        startSignedIn();
        newKey = action(u"actionNewKey"_s);
        QVERIFY(!newKey->isEnabled());
        QVERIFY2(newKey->toolTip().contains(u"create_api_key"_s), qPrintable(newKey->toolTip()));
    }

    void toolbarActions_drawTheirIcons_enabledAndDisabled()
    {
        // The suite has no icon theme: these are the style's own icons, made when first drawn.
        startSignedIn();
        const auto actions = m_console->mainWindow()->findChild<QToolBar *>(u"mainToolBar"_s)->actions();
        for (QAction *a : actions) {
            if (a->isSeparator())
                continue;
            for (QIcon::Mode mode : {QIcon::Normal, QIcon::Disabled}) {
                const QPixmap pixmap = a->icon().pixmap(QSize(24, 24), mode);
                QVERIFY2(!pixmap.isNull(), qPrintable(a->objectName()));
                QVERIFY2(pixmap.width() <= 24 && pixmap.height() <= 24, qPrintable(a->objectName()));
            }
        }
    }

    void actions_followTheSelection()
    {
        startSignedIn();
        selectRowNamed(u"Deploy bot"_s);
        QVERIFY(action(u"actionDisable"_s)->isEnabled());
        QVERIFY(!action(u"actionEnable"_s)->isEnabled());
        QVERIFY(action(u"actionEnable"_s)->toolTip().contains(u"already enabled"_s));
        QVERIFY(action(u"actionDelete"_s)->isEnabled());
        selectRowNamed(u"Billing export"_s);
        QVERIFY(!action(u"actionDisable"_s)->isEnabled());
        QVERIFY(action(u"actionEnable"_s)->isEnabled());
        table()->clearSelection();
        QVERIFY(!action(u"actionDelete"_s)->isEnabled());
        QVERIFY(action(u"actionDelete"_s)->toolTip().contains(u"Select a key"_s));
        QVERIFY(action(u"actionRefresh"_s)->isEnabled());
    }

    void disable_byKeyboard_asksWithConsequence_thenUpdatesTheRow()
    {
        startSignedIn();
        selectRowNamed(u"Deploy bot"_s);
        Confirmation::setAnswerer([](const Confirmation::Question &) { return true; });
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_D, Qt::ControlModifier);
        QVERIFY(Confirmation::lastQuestion());
        QVERIFY(Confirmation::lastQuestion()->text.contains(u"Deploy bot"_s));
        QVERIFY(Confirmation::lastQuestion()->text.contains(u"refused at once"_s));
        QTRY_COMPARE(m_server.count("POST", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa/disable"_s), 1);
        QTRY_COMPARE(cellOf(u"Deploy bot"_s, ApiKeyTableModel::Status), u"Disabled"_s);
        QVERIFY(action(u"actionEnable"_s)->isEnabled());
        QCOMPARE(label(u"statusValue"_s), u"Disabled"_s);

        // And back, from the context menu's action (no question for enabling).
        action(u"actionEnable"_s)->trigger();
        QTRY_COMPARE(cellOf(u"Deploy bot"_s, ApiKeyTableModel::Status), u"Enabled"_s);
    }

    void delete_declined_sendsNothing_confirmed_removesTheRow()
    {
        startSignedIn();
        selectRowNamed(u"Old reporting"_s);
        Confirmation::setAnswerer([](const Confirmation::Question &) { return false; });
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Delete);
        QVERIFY(Confirmation::lastQuestion()->text.contains(u"cannot be undone"_s));
        QVERIFY(Confirmation::lastQuestion()->text.contains(u"Old reporting"_s));
        QVERIFY(Confirmation::lastQuestion()->destructive);
        QTest::qWait(100);
        QCOMPARE(m_server.count("DELETE", u"/v1/api-keys/key_cccccccccccccccc"_s), 0);
        QCOMPARE(table()->model()->rowCount(), 3);

        Confirmation::setAnswerer([](const Confirmation::Question &) { return true; });
        QTest::keyClick(table(), Qt::Key_Delete);
        QTRY_COMPARE(table()->model()->rowCount(), 2);
        QCOMPARE(m_server.count("DELETE", u"/v1/api-keys/key_cccccccccccccccc"_s), 1);
        QTRY_COMPARE(m_console->mainWindow()->findChild<QLabel *>(u"quotaLabel"_s)->text(), u"2 of 50 keys"_s);
        // With no filter, the count says so: not "2 of 3 keys shown" from a total taken mid-removal.
        QCOMPARE(m_console->mainWindow()->findChild<QLabel *>(u"countLabel"_s)->text(), u"2 keys"_s);
    }

    void refresh_loadsTheSelectedKeysActivityAgain()
    {
        // Requests made with a key add events without changing the key: F5 must show them.
        startSignedIn();
        selectRowNamed(u"Old reporting"_s);
        QTRY_VERIFY(m_server.count("GET", u"/v1/audit-events"_s) > 0);
        QTest::qWait(50);
        const int before = m_server.count("GET", u"/v1/audit-events"_s);
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_F5);
        QTRY_VERIFY(m_server.count("GET", u"/v1/audit-events"_s) > before);
    }

    void markupInAName_isShownAndAskedAboutAsTyped()
    {
        // Another admin chose this name: markup in it must not turn bold, become a link or hide words.
        const QString name = u"<b>Nightly</b> <a href=\"https://evil.example\">sync</a>"_s;
        m_keys.append(makeKey(u"key_dddddddddddddddd"_s, name, true, 3));
        startSignedIn();
        selectRowNamed(name);
        for (const QString &field : {u"titleLabel"_s, u"nameValue"_s, u"descriptionValue"_s}) {
            auto *shown = m_console->mainWindow()->findChild<WrappedText *>(field);
            QVERIFY2(shown->text().contains(name), qPrintable(field));
            // What a reader sees and copies: every character, tags included.
            shown->selectAll();
            QCOMPARE(shown->textCursor().selectedText(), shown->text());
        }

        // The real question box (no answerer): it must name the key exactly as typed.
        QString asked;
        Qt::TextFormat format = Qt::AutoText;
        QTimer::singleShot(0, this, [&] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            QVERIFY(box);
            auto *text = box->findChild<QLabel *>(u"qt_msgbox_label"_s);
            asked = text->text();
            format = text->textFormat();
            box->reject();
        });
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Delete);
        QVERIFY2(asked.contains(name), qPrintable(asked));
        QCOMPARE(format, Qt::PlainText);
        QTest::qWait(50);
        QCOMPARE(m_server.count("DELETE", u"/v1/api-keys/key_dddddddddddddddd"_s), 0);
    }

    void member_seesKeysReadOnly_andWhy()
    {
        m_role.clear();
        m_permissions = {u"read_api_keys"_s, u"read_workspaces"_s, u"workspace.read"_s};
        startSignedIn();
        QCOMPARE(table()->model()->rowCount(), 3);
        selectRowNamed(u"Deploy bot"_s);
        for (const QString &name : {u"actionEnable"_s, u"actionDisable"_s, u"actionDelete"_s}) {
            QVERIFY2(!action(name)->isEnabled(), qPrintable(name));
            QVERIFY(action(name)->toolTip().contains(u"manage_api_keys"_s));
        }
        auto *notice = m_console->mainWindow()->findChild<QLabel *>(u"readOnlyNotice"_s);
        QVERIFY(notice->isVisible());
        QVERIFY(notice->text().contains(u"Read-only"_s));
        QVERIFY(notice->text().contains(u"manage_api_keys"_s));
        // Keyboard shortcuts do nothing either.
        Confirmation::setAnswerer([](const Confirmation::Question &) { return true; });
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Delete);
        QTest::keyClick(table(), Qt::Key_D, Qt::ControlModifier);
        QTest::qWait(100);
        QCOMPARE(m_server.count("DELETE", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa"_s), 0);
        QCOMPARE(m_server.count("POST", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa/disable"_s), 0);
    }

    void serverError_isShownInPlace_keysStay_andRetryRecovers()
    {
        startSignedIn();
        ApiKeysPage *page = m_console->mainWindow()->keysPage();
        m_server.overrideAll(FakeServer::problem(500, u"internal-error"_s, u"database is locked"_s));
        action(u"actionRefresh"_s)->trigger();
        QTRY_VERIFY(page->message().contains(u"Could not load the keys"_s));
        QVERIFY(page->message().contains(u"req_fake"_s));
        QVERIFY(page->findChild<QWidget *>(u"messageBanner"_s)->isVisible());
        QCOMPARE(table()->model()->rowCount(), 3); // what was loaded stays on screen

        m_server.overrideAll(std::nullopt);
        QTest::mouseClick(page->findChild<QPushButton *>(u"retryButton"_s), Qt::LeftButton);
        QTRY_VERIFY(page->message().isEmpty());
        QVERIFY(!page->findChild<QWidget *>(u"messageBanner"_s)->isVisible());
    }

    void serverGone_isShownInPlace_andLoadingResumesByItself()
    {
        startSignedIn();
        ApiKeysPage *page = m_console->mainWindow()->keysPage();
        m_server.close();
        action(u"actionRefresh"_s)->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(page->message().contains(u"Could not reach"_s), 15000);
        QVERIFY(page->message().contains(u"Trying again"_s));
        QCOMPARE(table()->model()->rowCount(), 3);
        QVERIFY(m_server.listen());
        m_keys.append(makeKey(u"key_dddddddddddddddd"_s, u"Made while away"_s, true, 0));
        QTRY_VERIFY_WITH_TIMEOUT(page->message().isEmpty(), 20000); // the automatic retry
        QCOMPARE(table()->model()->rowCount(), 4);
    }

    void sessionEnded_signInAgain_returnsToTheSamePlace()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        selectRowNamed(u"Old reporting"_s);
        auto *search = window->findChild<QLineEdit *>(u"searchEdit"_s);
        QTest::keyClicks(search, u"o"_s);
        const int shownBefore = table()->model()->rowCount();

        m_server.overrideAll(FakeServer::problem(401, u"invalid-token"_s, u"session expired"_s));
        action(u"actionRefresh"_s)->trigger();
        QTRY_VERIFY(visibleSignInDialog());
        auto *dialog = qobject_cast<SignInDialog *>(visibleSignInDialog());
        QVERIFY(dialog->findChild<QLabel *>(u"noticeLabel"_s)->text().contains(u"session has ended"_s));
        QCOMPARE(dialog->email(), u"owner@acme.test"_s);
        QVERIFY(dialog->findChild<QLineEdit *>(u"emailEdit"_s)->isReadOnly());
        QVERIFY(window->isVisible());

        m_server.overrideAll(std::nullopt);
        m_keys[2].name = u"Old reporting (renamed)"_s; // changed meanwhile: the refresh shows it
        QTest::keyClicks(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), kPassword);
        QTest::keyClick(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), Qt::Key_Return);
        QTRY_VERIFY(!visibleSignInDialog());
        QTRY_VERIFY(!window->keysPage()->selectedKey() ? false
                                                        : window->keysPage()->selectedKey()->name.contains(u"renamed"_s));
        QCOMPARE(window->keysPage()->selectedKey()->id, u"key_cccccccccccccccc"_s);
        QCOMPARE(search->text(), u"o"_s);
        QCOMPARE(table()->model()->rowCount(), shownBefore);
        QVERIFY(window->keysPage()->message().isEmpty());
    }

    void sessionEnded_signInAgain_loadsTheRecentActivityAgain()
    {
        AuditEvent used;
        used.id = 1;
        used.prevHash = QString(64, u'0');
        used.hash = QString(64, u'a');
        used.occurredAt = QDateTime::currentDateTimeUtc().addSecs(-60);
        used.action = u"api_key.used"_s;
        used.outcome = u"success"_s;
        used.actor = {u"api_key"_s, u"key_cccccccccccccccc"_s, u"Old reporting"_s};
        m_server.on("GET", u"/v1/audit-events"_s, [used](const FakeServer::Request &) {
            return FakeServer::Reply{200, json({{u"items"_s, QJsonArray{used.toJson()}}, {u"next_cursor"_s, QJsonValue()}})};
        });
        startSignedIn();
        selectRowNamed(u"Old reporting"_s);
        auto *activity = m_console->mainWindow()->findChild<KeyRecentActivity *>();
        QTRY_VERIFY2(activity->text().contains(u"api_key.used"_s), qPrintable(activity->text()));

        m_server.overrideAll(FakeServer::problem(401, u"invalid-token"_s, u"session expired"_s));
        action(u"actionRefresh"_s)->trigger();
        QTRY_VERIFY(visibleSignInDialog());
        QTRY_VERIFY(!activity->isLoading());
        QVERIFY2(!activity->text().contains(u"api_key.used"_s), qPrintable(activity->text()));

        m_server.overrideAll(std::nullopt);
        auto *dialog = qobject_cast<SignInDialog *>(visibleSignInDialog());
        QTest::keyClicks(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), kPassword);
        QTest::keyClick(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), Qt::Key_Return);
        QTRY_VERIFY(!visibleSignInDialog());
        QTRY_VERIFY2(activity->text().contains(u"api_key.used"_s), qPrintable(activity->text()));
    }

    void sessionEnded_whileTheNewKeyWizardLoads_signInAgain_loadsTheRolesIntoIt()
    {
        m_server.on("GET", u"/v1/roles"_s, [this](const FakeServer::Request &) {
            if (m_failRoles)
                return FakeServer::problem(401, u"invalid-token"_s, u"session expired"_s);
            QJsonArray items;
            for (const Role &r : {Role{u"workspace_viewer"_s, u"Workspace viewer"_s, u"Reads"_s, u"workspace"_s, 20, {}},
                                  Role{u"owner"_s, u"Owner"_s, u"Full control."_s, u"platform"_s, 100, {}}})
                items.append(r.toJson());
            return FakeServer::Reply{200, json({{u"items"_s, items}})};
        });
        startSignedIn();
        m_failRoles = true; // the session ends as the wizard asks for the roles
        action(u"actionNewKey"_s)->trigger();
        auto *wizard = m_console->mainWindow()->keysPage()->findChild<NewApiKeyWizard *>();
        QVERIFY(wizard);
        QTest::keyClicks(wizard->findChild<QLineEdit *>(u"nameEdit"_s), u"CI deploy"_s);
        QTRY_VERIFY(visibleSignInDialog());
        QTRY_VERIFY(wizard->isLoaded());

        m_failRoles = false;
        auto *dialog = qobject_cast<SignInDialog *>(visibleSignInDialog());
        QTest::keyClicks(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), kPassword);
        QTest::keyClick(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), Qt::Key_Return);
        QTRY_VERIFY(!visibleSignInDialog());
        QVERIFY(wizard->isVisible());
        QTest::mouseClick(wizard->button(QWizard::NextButton), Qt::LeftButton);
        QCOMPARE(wizard->currentId(), int(NewApiKeyWizard::RolePageId));
        QTRY_VERIFY(wizard->button(QWizard::NextButton)->isEnabled());
        QVERIFY2(wizard->pageMessage(NewApiKeyWizard::RolePageId).isEmpty(),
                 qPrintable(wizard->pageMessage(NewApiKeyWizard::RolePageId)));
        QCOMPARE(wizard->newKey().name, u"CI deploy"_s);
        QCOMPARE(wizard->newKey().role, u"workspace_viewer"_s);
        wizard->reject();
    }

    void sessionEnded_signInDeclined_windowStays_andOffersSignInAgain()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        m_server.overrideAll(FakeServer::problem(401, u"invalid-token"_s, u"session expired"_s));
        action(u"actionRefresh"_s)->trigger();
        QTRY_VERIFY(visibleSignInDialog());
        QTest::mouseClick(visibleSignInDialog()->findChild<QPushButton *>(u"cancelButton"_s), Qt::LeftButton);
        QTRY_VERIFY(!visibleSignInDialog());
        QVERIFY(window->isVisible());
        QVERIFY(window->keysPage()->message().contains(u"session has ended"_s));
        QCOMPARE(table()->model()->rowCount(), 3); // the last loaded keys stay visible
        QVERIFY(!action(u"actionDelete"_s)->isEnabled());
        QVERIFY(!action(u"actionRefresh"_s)->isEnabled());

        m_server.overrideAll(std::nullopt);
        auto *retry = window->findChild<QPushButton *>(u"retryButton"_s);
        QCOMPARE(retry->accessibleName(), u"Sign in"_s);
        QTest::mouseClick(retry, Qt::LeftButton);
        QTRY_VERIFY(visibleSignInDialog());
        auto *dialog = qobject_cast<SignInDialog *>(visibleSignInDialog());
        QTest::keyClicks(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), kPassword);
        QTest::keyClick(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), Qt::Key_Return);
        QTRY_VERIFY(!visibleSignInDialog());
        QTRY_VERIFY2(window->keysPage()->message().isEmpty(), qPrintable(window->keysPage()->message()));
        QVERIFY(action(u"actionRefresh"_s)->isEnabled());
    }

    void signOut_returnsToSignIn_andForgetsTheKeys()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        window->findChild<QAction *>(u"actionSignOut"_s)->trigger();
        QTRY_VERIFY(visibleSignInDialog());
        QVERIFY(!window->isVisible());
        QCOMPARE(table()->model()->rowCount(), 0);
        QTRY_COMPARE(m_server.count("POST", u"/v1/auth/logout"_s), 1);
    }

    void signOut_whileTheKeysLoad_theirLateAnswerIsNotShown()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        m_server.on("GET", u"/v1/api-keys"_s, [this](const FakeServer::Request &) {
            FakeServer::Reply reply = keyListReply(m_keys);
            reply.delayMs = 300;
            return reply;
        });
        m_server.clearRequests();
        action(u"actionRefresh"_s)->trigger();
        QTRY_COMPARE(m_server.count("GET", u"/v1/api-keys"_s), 1);
        window->findChild<QAction *>(u"actionSignOut"_s)->trigger();
        QTRY_VERIFY(visibleSignInDialog());
        QCOMPARE(table()->model()->rowCount(), 0);
        QTest::qWait(600); // the list has come by now
        QCOMPARE(table()->model()->rowCount(), 0);
        QVERIFY(!window->keysPage()->hasLoaded());
    }

    void keyboardOnly_searchFilterSelectAct()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window));
        QTest::keyClick(window, Qt::Key_F, Qt::ControlModifier);
        auto *search = window->findChild<QLineEdit *>(u"searchEdit"_s);
        QTRY_VERIFY(search->hasFocus());
        QTest::keyClicks(search, u"billing"_s);
        QCOMPARE(table()->model()->rowCount(), 1);
        QTest::keyClick(search, Qt::Key_Return);
        QTRY_VERIFY(table()->hasFocus());
        QTest::keyClick(table(), Qt::Key_Home);
        QCOMPARE(window->keysPage()->selectedKey()->name, u"Billing export"_s);
        QTest::keyClick(table(), Qt::Key_E, Qt::ControlModifier); // enable
        QTRY_COMPARE(cellOf(u"Billing export"_s, ApiKeyTableModel::Status), u"Enabled"_s);

        // Status filter by keyboard: Tab from the search field to the combo box.
        search->setFocus();
        QTest::keyClick(search, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(search, Qt::Key_Backspace);
        QTest::keyClick(search, Qt::Key_Tab);
        auto *combo = window->findChild<QComboBox *>(u"statusFilterCombo"_s);
        QTRY_VERIFY(combo->hasFocus());
        QTest::keyClick(combo, Qt::Key_Down); // All → Enabled
        QCOMPARE(combo->currentIndex(), int(ApiKeyFilterProxyModel::StatusFilter::Enabled));
        QCOMPARE(table()->model()->rowCount(), 3);
        QTest::keyClick(combo, Qt::Key_Down); // → Disabled
        QCOMPARE(table()->model()->rowCount(), 0);
    }

    void everyControl_hasAnAccessibleName()
    {
        startSignedIn();
        MainWindow *window = m_console->mainWindow();
        QStringList unnamed;
        const QList<QWidget *> widgets = window->findChildren<QWidget *>();
        for (QWidget *w : widgets) {
            if (!w->isVisibleTo(window) || w->focusPolicy() == Qt::NoFocus)
                continue;
            QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(w);
            if (!iface || iface->text(QAccessible::Name).trimmed().isEmpty())
                unnamed << (QString::fromLatin1(w->metaObject()->className()) + u' ' + w->objectName());
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(u", "_s)));

        // The search field's clear button takes no focus but is what a screen reader's pointer finds.
        auto *search = window->findChild<QLineEdit *>(u"searchEdit"_s);
        const QList<QToolButton *> clear = search->findChildren<QToolButton *>(Qt::FindDirectChildrenOnly);
        QCOMPARE(clear.size(), 1);
        QCOMPARE(QAccessible::queryAccessibleInterface(clear.first())->text(QAccessible::Name), u"Clear the search"_s);

        // The sign-in dialog too.
        ProfileStore profiles(nullptr);
        Session session(profiles);
        SignInDialog dialog(&session);
        dialog.show();
        for (QWidget *w : dialog.findChildren<QWidget *>()) {
            if (!w->isVisibleTo(&dialog) || w->focusPolicy() == Qt::NoFocus)
                continue;
            QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(w);
            QVERIFY2(iface && !iface->text(QAccessible::Name).trimmed().isEmpty(), qPrintable(w->objectName()));
        }
    }

    void layout_columnWidthsAndSort_areRemembered()
    {
        startSignedIn();
        QHeaderView *header = table()->horizontalHeader();
        // First run: Last used right after Status, inside a window of ordinary width.
        QCOMPARE(header->visualIndex(ApiKeyTableModel::LastUsed), header->visualIndex(ApiKeyTableModel::Status) + 1);
        header->resizeSection(ApiKeyTableModel::Description, 333);
        header->moveSection(header->visualIndex(ApiKeyTableModel::Description), 1);
        table()->sortByColumn(ApiKeyTableModel::Name, Qt::AscendingOrder);
        m_console->mainWindow()->resize(900, 600);
        m_console->mainWindow()->close();
        m_console.reset();

        startSignedIn();
        header = table()->horizontalHeader();
        QCOMPARE(header->sectionSize(ApiKeyTableModel::Description), 333);
        QCOMPARE(header->visualIndex(ApiKeyTableModel::Description), 1); // the user's order, as left
        QCOMPARE(header->sortIndicatorSection(), int(ApiKeyTableModel::Name));
        QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
        QCOMPARE(table()->model()->index(0, 0).data().toString(), u"Billing export"_s);
        QCOMPARE(m_console->mainWindow()->size(), QSize(900, 600));
    }

    void screenshotOption_failedSignIn_endsTheRun_withThePictureOfWhy()
    {
        QTemporaryDir dir;
        ConsoleApp::Options options = signInOptions(m_server.url(), u"owner@acme.test"_s, u"wrong password"_s);
        options.screenshotPath = dir.filePath(u"keys.png"_s);
        m_console = std::make_unique<ConsoleApp>(options);
        QSignalSpy finished(m_console.get(), &ConsoleApp::finished);
        m_console->start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        QCOMPARE(finished.at(0).at(0).toInt(), 1);
        QVERIFY(!QImage(options.screenshotPath).isNull()); // the sign-in dialog, saying what went wrong
    }

    void screenshotOption_savesThePng_onceDataIsShown()
    {
        QTemporaryDir dir;
        ConsoleApp::Options options = signInOptions(m_server.url(), u"owner@acme.test"_s, kPassword);
        options.screenshotPath = dir.filePath(u"keys.png"_s);
        // The selected key's recent activity comes last, from a slow server: the picture waits for it.
        AuditEvent used;
        used.id = 1;
        used.prevHash = QString(64, u'0');
        used.hash = QString(64, u'a');
        used.occurredAt = QDateTime::currentDateTimeUtc().addSecs(-60);
        used.action = u"api_key.used"_s;
        used.outcome = u"success"_s;
        used.actor = {u"api_key"_s, u"key_aaaaaaaaaaaaaaaa"_s, u"Deploy bot"_s};
        m_server.on("GET", u"/v1/audit-events"_s, [used](const FakeServer::Request &) {
            FakeServer::Reply reply{200, json({{u"items"_s, QJsonArray{used.toJson()}}, {u"next_cursor"_s, QJsonValue()}})};
            reply.delayMs = 300;
            return reply;
        });
        m_console = std::make_unique<ConsoleApp>(options);
        QSignalSpy finished(m_console.get(), &ConsoleApp::finished);
        m_console->start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        QCOMPARE(finished.at(0).at(0).toInt(), 0);
        QImage image(options.screenshotPath);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 600);
        // The picture is the window as it shows the data, pixel for pixel: not an earlier, emptier
        // paint of it.
        QVERIFY(table()->model()->rowCount() > 0);
        const QString activity = m_console->mainWindow()->findChild<KeyRecentActivity *>()->text();
        QVERIFY2(activity.contains(u"api_key.used"_s), qPrintable(activity));
        const QImage drawn = m_console->mainWindow()->grab().toImage().convertToFormat(image.format());
        QCOMPARE(image.size(), drawn.size());
        QVERIFY(image == drawn);
    }

private:
    void installRoutes()
    {
        m_server.on("POST", u"/v1/auth/login"_s, [this](const FakeServer::Request &r) {
            const QJsonObject body = QJsonDocument::fromJson(r.body).object();
            if (body.value(u"password"_s).toString() != kPassword)
                return FakeServer::problem(401, u"invalid-credentials"_s, u"wrong email or password"_s);
            return loginReply(signedInUser(m_role));
        });
        m_server.on("GET", u"/v1/me"_s, [this](const FakeServer::Request &) {
            return meReply(signedInUser(m_role), m_role, m_permissions);
        });
        m_server.on("GET", u"/v1/roles"_s, [](const FakeServer::Request &) {
            Role viewer{u"workspace_viewer"_s, u"Workspace viewer"_s, u"Reads"_s, u"workspace"_s, 20, {}};
            return FakeServer::Reply{200, json({{u"items"_s, QJsonArray{viewer.toJson()}}})};
        });
        serveKeys(m_server, m_keys);
        for (const QString &id : routedKeyIds()) {
            m_server.on("POST", u"/v1/api-keys/%1/enable"_s.arg(id), [this, id](const FakeServer::Request &) {
                return setKeyEnabled(m_keys, id, true);
            });
        }
    }

    void startSignedIn() { ::startSignedIn(m_console, m_server.url()); }

    static void fill(SignInDialog &dialog, const QString &server, const QString &email, const QString &password)
    {
        auto *serverEdit = dialog.findChild<QLineEdit *>(u"serverEdit"_s);
        serverEdit->clear();
        QTest::keyClicks(serverEdit, server);
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"emailEdit"_s), email);
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"passwordEdit"_s), password);
    }

    QTableView *table() const { return keysTable(m_console->mainWindow()); }
    QAction *action(const QString &name) const { return m_console->mainWindow()->findChild<QAction *>(name); }
    /// The text a label, or a WrappedText (the details pane's title, name and description), shows.
    QString label(const QString &name) const
    {
        QWidget *shown = m_console->mainWindow()->findChild<QWidget *>(name);
        if (auto *wrapped = qobject_cast<WrappedText *>(shown))
            return wrapped->text();
        return qobject_cast<QLabel *>(shown)->text();
    }

    QString cellOf(const QString &name, int column) const
    {
        const int row = rowNamed(table(), name);
        return row < 0 ? QString() : table()->model()->index(row, column).data().toString();
    }
    void selectRowNamed(const QString &name) { ::selectRowNamed(m_console->mainWindow(), name); }

    FakeServer m_server;
    std::unique_ptr<ConsoleApp> m_console;
    QList<ApiKey> m_keys;
    QStringList m_permissions;
    QString m_role;
    bool m_failRoles = false;
};

QTEST_MAIN(TestConsoleWidgets)
#include "tst_consolewidgets.moc"
