#pragma once

#include <QDialog>
#include <QUrl>

#include <memory>

namespace Ui {
class SignInDialog;
}

namespace datarecs {

class ApiError;
class Session;

/// Asks for server, email and password and signs the Session in. It stays open on failure with the
/// reason in words and every field as typed; it accepts once the session is signed in.
class SignInDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SignInDialog(Session *session, QWidget *parent = nullptr);
    ~SignInDialog() override;

    void setServer(const QUrl &server);
    void setEmail(const QString &email);
    void setPassword(const QString &password);
    void setRemember(bool remember);
    /// A note above the fields, e.g. why the user has to sign in again.
    void setNotice(const QString &notice);
    /// Locks the server and account (signing in again after a session expired, to come back to
    /// the same place).
    void lockAccount(bool locked);

    QUrl server() const;
    QString email() const;
    bool remember() const;
    QString message() const;

    /// Validates the fields and starts signing in; the same as pressing "Sign in".
    void submit();

    /// Why a server address may not be used, or an empty string when it may.
    static QString addressProblem(const QString &text);
    /// The sentence shown for a failed sign-in.
    static QString messageFor(const ApiError &error);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void setBusy(bool busy);
    void showMessage(const QString &text);
    void updateButton();

    std::unique_ptr<Ui::SignInDialog> m_ui;
    Session *m_session;
    bool m_busy = false;
};

} // namespace datarecs
