#pragma once

#include <QByteArray>
#include <QSettings>
#include <QUrl>
#include <QVariant>

#include <memory>

namespace datarecs {

class ProfileStore;

/// The console's own settings (window layout, filters) and the profiles it shares with the CLI,
/// both for one named profile. The default profile ("") uses the same profile list as the `datarecs`
/// command, so signing in with one serves both; a named profile (--profile NAME) keeps its own
/// list and layout in a group of its own. Never a secret here: sessions live in the keychain.
class ConsoleSettings
{
public:
    explicit ConsoleSettings(const QString &profileName = {});
    ~ConsoleSettings();

    QString profileName() const { return m_profileName; }
    ProfileStore &profiles() { return *m_profiles; }

    QVariant value(const QString &key, const QVariant &defaultValue = {}) const;
    void setValue(const QString &key, const QVariant &value);
    void sync();

private:
    QString m_profileName;
    std::unique_ptr<QSettings> m_sharedSettings; ///< the file the CLI also reads
    std::unique_ptr<QSettings> m_consoleSettings;
    std::unique_ptr<ProfileStore> m_profiles;
};

} // namespace datarecs
