#include "ProfileStore.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace datarecs {

ProfileStore::ProfileStore(QSettings *settings)
    : m_settings(settings)
{
    if (!m_settings) {
        m_settings = new QSettings(QSettings::IniFormat, QSettings::UserScope, u"DataRecs"_s, u"datarecs"_s);
        m_ownsSettings = true;
    }
}

ProfileStore::~ProfileStore()
{
    if (m_ownsSettings) delete m_settings;
}

QUrl ProfileStore::normalizeServer(const QUrl &server)
{
    QUrl url = server.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments | QUrl::RemoveQuery |
                               QUrl::RemoveFragment | QUrl::RemoveUserInfo);
    if (url.path() == u"/") url.setPath(QString()); // "https://host/" and "https://host" are one server
    url.setScheme(url.scheme().toLower());
    url.setHost(url.host().toLower());
    return url;
}

QList<Profile> ProfileStore::all() const
{
    QList<Profile> out;
    const int n = m_settings->beginReadArray(u"profiles"_s);
    for (int i = 0; i < n; ++i) {
        m_settings->setArrayIndex(i);
        Profile p;
        p.server = QUrl(m_settings->value(u"server"_s).toString());
        p.account = m_settings->value(u"account"_s).toString();
        const QDateTime expiry =
            QDateTime::fromString(m_settings->value(u"token_expires_at"_s).toString(), Qt::ISODateWithMs);
        if (expiry.isValid()) p.tokenExpiresAt = expiry;
        if (p.server.isValid()) out.append(p);
    }
    m_settings->endArray();
    return out;
}

std::optional<Profile> ProfileStore::find(const QUrl &server) const
{
    const QUrl wanted = normalizeServer(server);
    for (const Profile &p : all()) {
        if (normalizeServer(p.server) == wanted) return p;
    }
    return std::nullopt;
}

void ProfileStore::save(const Profile &profile)
{
    QList<Profile> profiles = all();
    const QUrl wanted = normalizeServer(profile.server);
    profiles.removeIf([&](const Profile &p) { return normalizeServer(p.server) == wanted; });
    Profile stored = profile;
    stored.server = wanted;
    profiles.append(stored);
    writeAll(profiles);
}

void ProfileStore::remove(const QUrl &server)
{
    QList<Profile> profiles = all();
    const QUrl wanted = normalizeServer(server);
    profiles.removeIf([&](const Profile &p) { return normalizeServer(p.server) == wanted; });
    writeAll(profiles);
    if (defaultServer() == wanted) m_settings->remove(u"default_server"_s);
    m_settings->sync();
}

void ProfileStore::writeAll(const QList<Profile> &profiles)
{
    m_settings->remove(u"profiles"_s);
    m_settings->beginWriteArray(u"profiles"_s, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        m_settings->setArrayIndex(i);
        m_settings->setValue(u"server"_s, profiles[i].server.toString());
        m_settings->setValue(u"account"_s, profiles[i].account);
        if (profiles[i].tokenExpiresAt)
            m_settings->setValue(u"token_expires_at"_s,
                                 profiles[i].tokenExpiresAt->toUTC().toString(Qt::ISODateWithMs));
    }
    m_settings->endArray();
    m_settings->sync();
}

std::optional<QUrl> ProfileStore::defaultServer() const
{
    const QString s = m_settings->value(u"default_server"_s).toString();
    if (s.isEmpty()) return std::nullopt;
    return normalizeServer(QUrl(s));
}

void ProfileStore::setDefaultServer(const QUrl &server)
{
    m_settings->setValue(u"default_server"_s, normalizeServer(server).toString());
    m_settings->sync();
}

} // namespace datarecs
