#pragma once

#include <QObject>
#include <QUrl>

namespace datarecs {

/// One read, write or delete of a stored session, finished asynchronously.
class CredentialJob : public QObject
{
    Q_OBJECT
public:
    enum class Status {
        Ok,                  ///< done (read: secret() holds the value)
        NotFound,            ///< no entry: the profile is signed out
        KeychainUnavailable, ///< no keychain, or it failed: nothing was stored or read
    };

    Status status() const { return m_status; }
    QString secret() const { return m_secret; }
    /// The keychain's own explanation for KeychainUnavailable (technical; for logs and details).
    QString errorString() const { return m_errorString; }

Q_SIGNALS:
    void finished();

private:
    friend class CredentialStore;
    explicit CredentialJob(QObject *parent)
        : QObject(parent)
    {}
    void complete(Status status, QString secret, QString errorString);

    Status m_status = Status::KeychainUnavailable;
    QString m_secret;
    QString m_errorString;
    bool m_done = false;
};

/// Session tokens in the operating system's keychain (QtKeychain): service "datarecs", one entry
/// per profile keyed by server URL and account. There is deliberately no fallback: when the keychain
/// is unavailable the caller keeps the session in memory or not at all, and tells the user.
class CredentialStore : public QObject
{
    Q_OBJECT
public:
    explicit CredentialStore(QObject *parent = nullptr);

    static QString serviceName();
    static QString entryKey(const QUrl &server, const QString &account);

    /// Each job finishes once and deletes itself after finished().
    CredentialJob *read(const QUrl &server, const QString &account);
    CredentialJob *write(const QUrl &server, const QString &account, const QString &secret);
    CredentialJob *remove(const QUrl &server, const QString &account);

    /// A keychain that does not answer (e.g. waiting on an unlock prompt nobody sees) counts as
    /// unavailable after this long.
    void setTimeout(int ms) { m_timeoutMs = ms; }

private:
    template <typename KeychainJob, typename Prepare, typename Secret>
    CredentialJob *run(const QString &key, Prepare prepare, Secret secretOf);

    int m_timeoutMs = 30000;
};

} // namespace datarecs
