#include "TimeText.h"

#include <QLocale>

namespace datarecs {

QString TimeText::relative(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return QString();
    const qint64 secs = when.secsTo(now);
    const bool future = secs < 0;
    const qint64 s = future ? -secs : secs;
    if (s < 60)
        return tr("just now");

    // A whole sentence per unit, with %n: a translator needs the number and the words together, as
    // many languages change the word (and its place) with the number. The English plural goes through
    // %n too, and 1 has its own sentence: without a shipped .qm file tr() keeps its source text, so a
    // "%n minute(s) ago" would show "(s)" to the user.
    const qint64 minutes = s / 60, hours = s / 3600, days = s / 86400;
    if (minutes < 60) {
        const int n = int(minutes);
        if (future)
            return n == 1 ? tr("in 1 minute") : tr("in %n minutes", nullptr, n);
        return n == 1 ? tr("1 minute ago") : tr("%n minutes ago", nullptr, n);
    }
    if (hours < 24) {
        const int n = int(hours);
        if (future)
            return n == 1 ? tr("in 1 hour") : tr("in %n hours", nullptr, n);
        return n == 1 ? tr("1 hour ago") : tr("%n hours ago", nullptr, n);
    }
    if (days == 1)
        return future ? tr("tomorrow") : tr("yesterday");
    if (days < 31) {
        const int n = int(days);
        return future ? tr("in %n days", nullptr, n) : tr("%n days ago", nullptr, n);
    }
    if (days < 365) {
        const int n = int(days / 30);
        if (future)
            return n == 1 ? tr("in 1 month") : tr("in %n months", nullptr, n);
        return n == 1 ? tr("1 month ago") : tr("%n months ago", nullptr, n);
    }
    const int n = int(days / 365);
    if (future)
        return n == 1 ? tr("in 1 year") : tr("in %n years", nullptr, n);
    return n == 1 ? tr("1 year ago") : tr("%n years ago", nullptr, n);
}

QString TimeText::exact(const QDateTime &when)
{
    if (!when.isValid())
        return QString();
    const QDateTime local = when.toLocalTime();
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss ")) + local.timeZoneAbbreviation();
}

QString TimeText::date(const QDateTime &when)
{
    if (!when.isValid())
        return QString();
    return when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd"));
}

} // namespace datarecs
