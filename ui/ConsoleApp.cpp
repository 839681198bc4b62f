#include "ConsoleApp.h"

#include "ApiKeysPage.h"
#include "ConsoleSettings.h"
#include "MainWindow.h"
#include "ProfileStore.h"
#include "Session.h"
#include "SignInDialog.h"
#include "UiLogging.h"

#include <QApplication>
#include <QPixmap>
#include <QScreen>
#include <QWindow>
#include <QTimer>

namespace datarecs {

ConsoleApp::ConsoleApp(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_settings(std::make_unique<ConsoleSettings>(m_options.profile))
    , m_session(std::make_unique<Session>(m_settings->profiles()))
{
    // Queued: the pages' own signedIn handlers send their first requests before the window is shown,
    // so the server works on them while the window lays itself out and paints.
    connect(m_session.get(), &Session::signedIn, this, &ConsoleApp::onSignedIn, Qt::QueuedConnection);
    connect(m_session.get(), &Session::restoreFailed, this,
            [this](const QString &message) { showSignIn(message, false); });
    connect(m_session.get(), &Session::sessionExpired, this, [this] {
        showSignIn(tr("Your session has ended. Sign in again to continue where you were."), true);
    });
    // --screenshot runs in scripts: a failed sign-in ends the run with the dialog's picture and a
    // failure, rather than wait for a person who is not there.
    if (!m_options.screenshotPath.isEmpty())
        connect(m_session.get(), &Session::signInFailed, this, [this](const ApiError &error) {
            const QString message = SignInDialog::messageFor(error);
            QTimer::singleShot(0, this, [this, message] {
                if (m_dialog)
                    m_dialog->grab().save(m_options.screenshotPath, "PNG");
                qCWarning(lcDatarecsUi).noquote() << "could not sign in:" << message;
                Q_EMIT finished(1);
            });
        });
}

ConsoleApp::~ConsoleApp()
{
    if (m_window)
        m_window->saveState();
    delete m_dialog;
}

SignInDialog *ConsoleApp::signInDialog() const
{
    return m_dialog;
}

void ConsoleApp::start()
{
    QUrl server = m_options.server;
    if (server.isEmpty())
        server = m_settings->profiles().defaultServer().value_or(QUrl());
    if (server.isEmpty()) {
        ensureWindow();
        showSignIn(QString(), false);
        return;
    }
    m_options.server = server;
    // The keychain read goes out first and the window is built, hidden, while D-Bus and the server
    // answer: the building overlaps the waiting instead of following it. QtKeychain sends its D-Bus
    // call from the event loop, so the window waits for the next turn, behind that call.
    m_session->restore(server);
    QTimer::singleShot(0, this, &ConsoleApp::ensureWindow);
}

void ConsoleApp::showSignIn(const QString &notice, bool again)
{
    if (!m_dialog) {
        m_dialog = new SignInDialog(m_session.get(), again ? m_window.get() : nullptr);
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_dialog, &QDialog::rejected, this, [this] {
            // A fresh dialog next time: a reused one would remember Cancel as its default button.
            if (m_dialog)
                m_dialog->deleteLater();
            m_dialog = nullptr;
            // Without a window there is nothing to go back to. With one, the page offers "Sign in…".
            if (!m_window || !m_window->isVisible())
                Q_EMIT finished(0);
        });
    }
    const QUrl server = m_session->server().isEmpty() ? m_options.server : m_session->server();
    if (!server.isEmpty())
        m_dialog->setServer(server);
    const std::optional<Profile> profile = server.isEmpty() ? std::nullopt : m_settings->profiles().find(server);
    QString email = m_options.email;
    if (again || email.isEmpty())
        email = m_session->account().isEmpty() ? (profile ? profile->account : email) : m_session->account();
    if (!email.isEmpty())
        m_dialog->setEmail(email);
    m_dialog->setRemember(m_settings->value(QStringLiteral("signIn/remember"), false).toBool());
    m_dialog->lockAccount(again);
    QString fullNotice = notice;
    if (m_session->keychainState() == Session::KeychainState::Unavailable && !again)
        fullNotice = tr("No keychain is available: your session will be kept in memory only, and you will "
                        "have to sign in again next time.");
    if (!notice.isEmpty() && fullNotice != notice)
        fullNotice = notice + u'\n' + fullNotice;
    m_dialog->setNotice(fullNotice);
    if (again)
        m_dialog->open(); // window-modal over the main window, which keeps its place
    else
        m_dialog->show();

    // Scripts and tests may sign in from the environment, once; a failure stays visible in the dialog.
    if (!again && !m_autoSignInTried && !m_options.email.isEmpty() && !m_options.password.isEmpty()) {
        m_autoSignInTried = true;
        m_dialog->setEmail(m_options.email);
        m_dialog->setPassword(m_options.password);
        m_dialog->submit();
    }
}

void ConsoleApp::onSignedIn()
{
    if (!m_session->isSignedIn())
        return; // signed out again before this queued call ran
    qCDebug(lcDatarecsUi) << "signed in";
    ensureWindow();
    // The window first, then the dialog goes: there is always a window open, so Qt does not quit.
    if (!m_window->isVisible())
        m_window->show();
    m_window->raise();
    m_window->activateWindow();
    if (m_dialog) {
        m_settings->setValue(QStringLiteral("signIn/remember"), m_dialog->remember());
        SignInDialog *dialog = m_dialog;
        m_dialog = nullptr;
        dialog->disconnect(this);
        dialog->accept();
        dialog->deleteLater();
    }
}

void ConsoleApp::ensureWindow()
{
    if (m_window)
        return;
    m_window = std::make_unique<MainWindow>(m_session.get(), m_settings.get());
    connect(m_window.get(), &MainWindow::signOutRequested, this, [this] {
        m_session->signOut();
        m_window->saveState();
        showSignIn(QString(), false); // shown before the window hides, so Qt does not quit
        m_window->hide();
    });
    connect(m_window.get(), &MainWindow::signInRequested, this, [this] { showSignIn(QString(), true); });
    if (!m_options.screenshotPath.isEmpty())
        connect(m_window.get(), &MainWindow::firstPageLoaded, this, &ConsoleApp::takeScreenshot);
}

void ConsoleApp::takeScreenshot()
{
    // Once the events already posted (layout requests and repaints of the filled table) are handled.
    QTimer::singleShot(0, this, [this] {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::sendPostedEvents(m_window.get(), QEvent::UpdateRequest);
        qCDebug(lcDatarecsUi) << "first data painted";
        // The offscreen platform (scripts, benchmarks, CI) keeps each window's painted image: read it
        // back rather than paint the whole window a second time. On a desktop another window may cover
        // ours, so there the window is painted again into the picture.
        QPixmap shot;
        const QWindow *handle = m_window->windowHandle();
        if (QGuiApplication::platformName() == u"offscreen" && handle && handle->isExposed())
            shot = m_window->screen()->grabWindow(m_window->winId());
        if (shot.isNull())
            shot = m_window->grab();
        const bool ok = shot.save(m_options.screenshotPath, "PNG");
        if (ok)
            qCDebug(lcDatarecsUi) << "screenshot saved";
        else
            qCWarning(lcDatarecsUi) << "could not save the screenshot to" << m_options.screenshotPath;
        Q_EMIT finished(ok ? 0 : 1);
    });
}

} // namespace datarecs
