#include "SignInDialog.h"

#include "AccessibleField.h"
#include "ApiJob.h"
#include "FitToContents.h"
#include "Session.h"
#include "ui_SignInDialog.h"

#include <QPushButton>

namespace datarecs {

SignInDialog::SignInDialog(Session *session, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::SignInDialog>()), m_session(session)
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("signInDialog"));
    setAccessibleField(m_ui->noticeLabel, tr("Notice"));
    setAccessibleField(m_ui->messageLabel, tr("Sign-in problem"));
    QPushButton *ok = m_ui->buttonBox->button(QDialogButtonBox::Ok);
    ok->setText(tr("Sign in"));
    ok->setObjectName(QStringLiteral("signInButton"));
    ok->setAccessibleName(tr("Sign in"));
    QPushButton *cancel = m_ui->buttonBox->button(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    cancel->setAccessibleName(tr("Cancel"));

    // The dialog signs in itself; QDialogButtonBox's accepted() must not close it first.
    disconnect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, nullptr);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &SignInDialog::submit);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *edit : {m_ui->serverEdit, m_ui->emailEdit, m_ui->passwordEdit})
        connect(edit, &QLineEdit::textChanged, this, &SignInDialog::updateButton);

    connect(m_session, &Session::signedIn, this, [this] {
        if (!m_busy)
            return;
        setBusy(false);
        m_ui->passwordEdit->clear(); // not kept longer than needed
        accept();
    });
    connect(m_session, &Session::signInFailed, this, [this](const ApiError &error) {
        if (!m_busy)
            return;
        setBusy(false);
        showMessage(messageFor(error));
        m_ui->passwordEdit->setFocus();
        m_ui->passwordEdit->selectAll();
    });
    updateButton();
}

SignInDialog::~SignInDialog() = default;

void SignInDialog::showEvent(QShowEvent *event)
{
    // Enter signs in, whichever button had the focus when the dialog was last shown.
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setDefault(true);
    // Start where something is missing.
    if (m_ui->serverEdit->text().isEmpty())
        m_ui->serverEdit->setFocus();
    else if (m_ui->emailEdit->text().isEmpty())
        m_ui->emailEdit->setFocus();
    else
        m_ui->passwordEdit->setFocus();
    QDialog::showEvent(event);
}

void SignInDialog::setServer(const QUrl &server)
{
    m_ui->serverEdit->setText(server.toString());
}

void SignInDialog::setEmail(const QString &email)
{
    m_ui->emailEdit->setText(email);
}

void SignInDialog::setPassword(const QString &password)
{
    m_ui->passwordEdit->setText(password);
}

void SignInDialog::setRemember(bool remember)
{
    m_ui->rememberCheck->setChecked(remember);
}

void SignInDialog::setNotice(const QString &notice)
{
    m_ui->noticeLabel->setText(notice);
    m_ui->noticeLabel->setVisible(!notice.isEmpty());
    growToFitContents(this);
}

void SignInDialog::lockAccount(bool locked)
{
    m_ui->serverEdit->setReadOnly(locked);
    m_ui->emailEdit->setReadOnly(locked);
}

QUrl SignInDialog::server() const
{
    return QUrl(m_ui->serverEdit->text().trimmed(), QUrl::StrictMode);
}

QString SignInDialog::email() const
{
    return m_ui->emailEdit->text().trimmed();
}

bool SignInDialog::remember() const
{
    return m_ui->rememberCheck->isChecked();
}

QString SignInDialog::message() const
{
    return m_ui->messageLabel->text();
}

QString SignInDialog::addressProblem(const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (text.trimmed().isEmpty())
        return tr("Enter the server address, e.g. https://datarecs.example.com.");
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"https" && url.scheme() != u"http"))
        return tr("“%1” is not a server address: use the form https://datarecs.example.com.").arg(text.trimmed());
    if (!ApiJob::isSecureEnough(url)) {
        // Suggest the same address over https: a server on http://host:8080/datarecs is not at
        // https://host, so keep the port and the path (only the default http port 80 goes).
        QUrl secure = url.adjusted(QUrl::RemoveUserInfo);
        secure.setScheme(QStringLiteral("https"));
        if (secure.port() == 80)
            secure.setPort(-1);
        return tr("Refusing to send your password over plain HTTP to %1: use %2 instead. Plain http:// "
                  "is allowed only to this computer (localhost).")
            .arg(url.host(), secure.toString());
    }
    return QString();
}

QString SignInDialog::messageFor(const ApiError &error)
{
    const QString host = error.url().host().isEmpty() ? tr("the server") : error.url().host();
    switch (error.kind()) {
    case ApiError::Kind::Network: {
        const QString detail = error.detail();
        // Qt reports TLS failures as network errors; their text names SSL or the certificate.
        if (detail.contains(QStringLiteral("SSL"), Qt::CaseInsensitive) ||
            detail.contains(QStringLiteral("TLS"), Qt::CaseInsensitive) ||
            detail.contains(QStringLiteral("certificate"), Qt::CaseInsensitive))
            return tr("A secure connection to %1 could not be established (%2). The server's certificate is "
                      "not trusted by this computer, or the address is wrong: check the address, or ask your "
                      "administrator for the server's certificate.")
                .arg(host, detail);
        return tr("Could not reach %1 (%2). Check the address, that the server is running, and your network; "
                  "then sign in again.")
            .arg(host, detail);
    }
    case ApiError::Kind::Http:
        if (error.type() == u"invalid-credentials")
            return tr("The email or password is wrong. Check both and try again.");
        return error.userMessage();
    default:
        return error.userMessage();
    }
}

void SignInDialog::submit()
{
    if (m_busy)
        return;
    const QString problem = addressProblem(m_ui->serverEdit->text());
    if (!problem.isEmpty()) {
        showMessage(problem);
        m_ui->serverEdit->setFocus();
        return;
    }
    if (email().isEmpty() || m_ui->passwordEdit->text().isEmpty()) {
        showMessage(tr("Enter your email and password."));
        (email().isEmpty() ? m_ui->emailEdit : m_ui->passwordEdit)->setFocus();
        return;
    }
    showMessage(QString());
    setBusy(true);
    m_session->signIn(server(), email(), m_ui->passwordEdit->text(), remember());
}

void SignInDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_ui->busyIndicator->setVisible(busy);
    for (QWidget *w : std::initializer_list<QWidget *>{m_ui->serverEdit, m_ui->emailEdit, m_ui->passwordEdit,
                                                        m_ui->rememberCheck})
        w->setEnabled(!busy);
    updateButton();
    // The busy bar takes a row too, and the minimum height set for the last message does not know it.
    growToFitContents(this);
}

void SignInDialog::showMessage(const QString &text)
{
    m_ui->messageLabel->setText(text);
    m_ui->messageLabel->setVisible(!text.isEmpty());
    // The message can take several lines: grow rather than squash the fields or clip it.
    growToFitContents(this);
}

void SignInDialog::updateButton()
{
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(!m_busy);
}

} // namespace datarecs
