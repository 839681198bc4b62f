#include "Session.h"

#include "ProfileStore.h"
#include "UiLogging.h"

namespace datarecs {

Session::Session(ProfileStore &profiles, QObject *parent) : QObject(parent), m_profiles(profiles)
{
    ClientOptions options = m_client.options();
    // A person is waiting: fail visibly well before the CLI's patience runs out.
    options.timeoutMs = 15000;
    options.userAgent = QByteArrayLiteral("datarecs-console/" DATARECS_VERSION);
    m_client.setOptions(options);
}

void Session::restore(const QUrl &server)
{
    m_server = ProfileStore::normalizeServer(server);
    const std::optional<Profile> profile = m_profiles.find(m_server);
    if (!profile || profile->account.isEmpty()) {
        Q_EMIT restoreFailed(QString());
        return;
    }
    m_account = profile->account;
    qCDebug(lcDatarecsUi) << "restoring the session for" << m_server.toString();
    CredentialJob *read = m_credentials.read(m_server, m_account);
    connect(read, &CredentialJob::finished, this, [this, read] {
        switch (read->status()) {
        case CredentialJob::Status::NotFound:
            Q_EMIT restoreFailed(QString());
            return;
        case CredentialJob::Status::KeychainUnavailable:
            m_keychainState = KeychainState::Unavailable;
            m_keychainError = read->errorString();
            Q_EMIT restoreFailed(tr("No keychain is available, so no session was remembered: sign in. "
                                    "The session will be kept in memory only."));
            return;
        case CredentialJob::Status::Ok:
            break;
        }
        m_keychainState = KeychainState::Remembered;
        qCDebug(lcDatarecsUi) << "found a remembered session in the keychain";
        fetchIdentity(true, read->secret(), true);
    });
}

void Session::signIn(const QUrl &server, const QString &email, const QString &password, bool remember)
{
    m_server = ProfileStore::normalizeServer(server);
    m_client.setBaseUrl(m_server);
    m_client.setCredential(QString());
    m_signedIn = false;
    qCDebug(lcDatarecsUi) << "signing in to" << m_server.toString();
    auto *call = m_client.login(email, password);
    call->onFinished(this, [this, remember](const Result<LoginResult> &result) {
        if (!result) {
            Q_EMIT signInFailed(result.error());
            return;
        }
        m_account = result.value().user.email;
        Profile profile{m_server, m_account, result.value().expiresAt};
        m_profiles.save(profile);
        m_profiles.setDefaultServer(m_server);
        fetchIdentity(remember, result.value().token, false);
    });
}

void Session::fetchIdentity(bool remember, const QString &token, bool restoring)
{
    m_client.setBaseUrl(m_server);
    m_client.setCredential(token);
    auto *call = m_client.me();
    call->onFinished(this, [this, remember, token, restoring](const Result<Identity> &result) {
        if (!result) {
            m_client.setCredential(QString());
            if (restoring) {
                if (isSessionRefusal(result.error())) {
                    // The remembered session ended on the server: forget it, ask for the password.
                    m_credentials.remove(m_server, m_account);
                    Q_EMIT restoreFailed(tr("Your saved session has ended: sign in again."));
                } else {
                    Q_EMIT restoreFailed(result.error().userMessage());
                }
            } else {
                Q_EMIT signInFailed(result.error());
            }
            return;
        }
        m_identity = result.value();
        if (restoring) {
            m_signedIn = true;
            m_expiredSignalled = false;
            Q_EMIT signedIn();
        } else {
            finishSignIn(remember, token);
        }
    });
}

void Session::finishSignIn(bool remember, const QString &token)
{
    auto done = [this] {
        m_signedIn = true;
        m_expiredSignalled = false;
        Q_EMIT signedIn();
    };
    if (!remember) {
        m_keychainState = KeychainState::NotRemembered;
        // Not remembered means not left behind from an earlier "Remember me" either.
        CredentialJob *remove = m_credentials.remove(m_server, m_account);
        connect(remove, &CredentialJob::finished, this, done);
        return;
    }
    CredentialJob *write = m_credentials.write(m_server, m_account, token);
    connect(write, &CredentialJob::finished, this, [this, write, done] {
        if (write->status() == CredentialJob::Status::Ok) {
            m_keychainState = KeychainState::Remembered;
        } else {
            // Never a plaintext fallback: the session stays in memory and the window says so.
            m_keychainState = KeychainState::Unavailable;
            m_keychainError = write->errorString();
        }
        done();
    });
}

void Session::signOut()
{
    if (m_client.hasCredential()) {
        auto *call = m_client.logout();
        call->onFinished(this, [](const Result<NoContent> &) {});
    }
    if (!m_account.isEmpty())
        m_credentials.remove(m_server, m_account);
    m_client.setCredential(QString());
    m_signedIn = false;
    m_identity = Identity();
    Q_EMIT signedOut();
}

bool Session::isSessionRefusal(const ApiError &error)
{
    return error.kind() == ApiError::Kind::Http && error.httpStatus() == 401 &&
           (error.type() == u"invalid-token" || error.type() == u"unauthenticated");
}

bool Session::handleError(const ApiError &error)
{
    if (!isSessionRefusal(error))
        return false;
    if (m_signedIn) {
        qCDebug(lcDatarecsUi) << "the session was refused by the server";
        m_signedIn = false;
        m_client.setCredential(QString());
        if (m_keychainState == KeychainState::Remembered)
            m_credentials.remove(m_server, m_account);
    }
    if (!m_expiredSignalled) {
        m_expiredSignalled = true;
        Q_EMIT sessionExpired();
    }
    return true;
}

} // namespace datarecs
