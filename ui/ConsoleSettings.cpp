#include "ConsoleSettings.h"

#include "ProfileStore.h"

namespace datarecs {

ConsoleSettings::ConsoleSettings(const QString &profileName)
    : m_profileName(profileName)
    , m_sharedSettings(std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                                   QStringLiteral("DataRecs"), QStringLiteral("datarecs")))
    , m_consoleSettings(std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                                    QStringLiteral("DataRecs"), QStringLiteral("datarecs-console")))
{
    if (!m_profileName.isEmpty()) {
        m_sharedSettings->beginGroup(QStringLiteral("console-profiles/") + m_profileName);
        m_consoleSettings->beginGroup(QStringLiteral("profiles/") + m_profileName);
    }
    m_profiles = std::make_unique<ProfileStore>(m_sharedSettings.get());
}

ConsoleSettings::~ConsoleSettings()
{
    m_profiles.reset();
    sync();
}

QVariant ConsoleSettings::value(const QString &key, const QVariant &defaultValue) const
{
    return m_consoleSettings->value(key, defaultValue);
}

void ConsoleSettings::setValue(const QString &key, const QVariant &value)
{
    m_consoleSettings->setValue(key, value);
}

void ConsoleSettings::sync()
{
    m_sharedSettings->sync();
    m_consoleSettings->sync();
}

} // namespace datarecs
