#pragma once

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <memory>

namespace datarecs {

class ConsoleSettings;
class MainWindow;
class Session;
class SignInDialog;

/// The console from start to quit: restores a remembered session or asks to sign in, shows the main
/// window, sends the user back to sign in when the session ends (keeping the window and its place),
/// and, for --screenshot, saves the window once its first data is on screen.
class ConsoleApp : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl server;            ///< --server; empty: the profile's default server
        QString profile;        ///< --profile; empty: the profile shared with the CLI
        QString screenshotPath; ///< --screenshot
        QString email;          ///< pre-fills the sign-in dialog (DATARECS_EMAIL)
        QString password;       ///< with email: signs in without asking (DATARECS_PASSWORD_FILE)
    };

    explicit ConsoleApp(Options options, QObject *parent = nullptr);
    ~ConsoleApp() override;

    void start();

    Session *session() const { return m_session.get(); }
    MainWindow *mainWindow() const { return m_window.get(); }
    SignInDialog *signInDialog() const;

Q_SIGNALS:
    /// The user closed the console (or the screenshot is saved): quit with this exit code.
    void finished(int exitCode);

private:
    void showSignIn(const QString &notice, bool again);
    void onSignedIn();
    void ensureWindow();
    void takeScreenshot();

    Options m_options;
    std::unique_ptr<ConsoleSettings> m_settings;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
    QPointer<SignInDialog> m_dialog;
    bool m_autoSignInTried = false;
};

} // namespace datarecs
