#pragma once

#include "ApiClient.h"
#include "CredentialStore.h"
#include "Identity.h"

#include <QObject>
#include <QUrl>

namespace datarecs {

class ProfileStore;

/// The signed-in state of the console: one server, one account, its session token (in the
/// ApiClient's memory and, with "Remember me", in the keychain) and who it is (GET /v1/me).
///
/// Every page hands its failed calls to handleError(): a refused session token is recognised here
/// once, and sessionExpired() sends the user back to sign in without losing their place.
class Session : public QObject
{
    Q_OBJECT
public:
    enum class KeychainState {
        Unknown,     ///< not asked yet
        Remembered,  ///< the session is in the keychain
        NotRemembered, ///< the user did not ask to be remembered
        Unavailable, ///< no usable keychain: the session lives in memory only
    };
    Q_ENUM(KeychainState)

    explicit Session(ProfileStore &profiles, QObject *parent = nullptr);

    ApiClient *client() { return &m_client; }
    CredentialStore *credentials() { return &m_credentials; }

    QUrl server() const { return m_server; }
    QString account() const { return m_account; }
    const Identity &identity() const { return m_identity; }
    bool isSignedIn() const { return m_signedIn; }
    bool can(const QString &permission) const { return m_signedIn && m_identity.can(permission); }
    KeychainState keychainState() const { return m_keychainState; }
    QString keychainError() const { return m_keychainError; }

    /// Tries the session remembered for this server (profile + keychain). Ends with signedIn() or
    /// restoreFailed(); the message is empty when there was simply nothing remembered.
    void restore(const QUrl &server);
    /// Signs in with a password. Ends with signedIn() or signInFailed(). The password is used for
    /// this one request and not kept.
    void signIn(const QUrl &server, const QString &email, const QString &password, bool remember);
    /// Ends the session on the server and forgets it here and in the keychain.
    void signOut();

    /// Call with every error from a call made with this session. Returns true if the error means the
    /// session itself is no longer accepted; sessionExpired() has then been emitted (once).
    bool handleError(const ApiError &error);
    /// Whether the error is a refused session (for pages that decide what to show).
    static bool isSessionRefusal(const ApiError &error);

Q_SIGNALS:
    void signedIn();
    void signInFailed(const datarecs::ApiError &error);
    void restoreFailed(const QString &message);
    void sessionExpired();
    void signedOut();

private:
    void fetchIdentity(bool remember, const QString &token, bool restoring);
    void finishSignIn(bool remember, const QString &token);

    ProfileStore &m_profiles;
    ApiClient m_client;
    CredentialStore m_credentials;
    QUrl m_server;
    QString m_account;
    Identity m_identity;
    bool m_signedIn = false;
    bool m_expiredSignalled = false;
    KeychainState m_keychainState = KeychainState::Unknown;
    QString m_keychainError;
};

} // namespace datarecs
