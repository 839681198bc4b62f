#pragma once

#include <QDateTime>
#include <QList>
#include <QUrl>

#include <optional>

class QSettings;

namespace datarecs {

/// Where and as whom a person signs in. Never holds a secret: the session token itself is in the
/// keychain (CredentialStore), found by the same server URL and account.
struct Profile
{
    QUrl server;
    QString account; ///< the email signed in with
    std::optional<QDateTime> tokenExpiresAt;
};

/// Profiles in QSettings, one per server, plus which server is the default. Shared by the console
/// and the CLI so that signing in with one serves both.
class ProfileStore
{
public:
    /// settings is not owned; nullptr uses the user's "DataRecs/datarecs" settings.
    explicit ProfileStore(QSettings *settings = nullptr);
    ~ProfileStore();

    /// The form used as identity: lower-case scheme and host, no trailing slash.
    static QUrl normalizeServer(const QUrl &server);

    QList<Profile> all() const;
    std::optional<Profile> find(const QUrl &server) const;
    void save(const Profile &profile);
    void remove(const QUrl &server);

    std::optional<QUrl> defaultServer() const;
    void setDefaultServer(const QUrl &server);

private:
    void writeAll(const QList<Profile> &profiles);

    QSettings *m_settings;
    bool m_ownsSettings = false;
};

} // namespace datarecs
