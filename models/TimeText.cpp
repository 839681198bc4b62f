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

    // Singular and plural spelled out: without a shipped English .qm file, tr()'s %n forms would
    // show "minute(s)" to the user.
    auto phrase = [future](qint64 n, const char *unit, const char *units) {
        const QString u = n == 1 ? tr(unit) : tr(units);
        return future ? tr("in %1 %2").arg(n).arg(u) : tr("%1 %2 ago").arg(n).arg(u);
    };
    const qint64 minutes = s / 60, hours = s / 3600, days = s / 86400;
    if (minutes < 60)
        return phrase(minutes, QT_TR_NOOP("minute"), QT_TR_NOOP("minutes"));
    if (hours < 24)
        return phrase(hours, QT_TR_NOOP("hour"), QT_TR_NOOP("hours"));
    if (days == 1)
        return future ? tr("tomorrow") : tr("yesterday");
    if (days < 31)
        return phrase(days, QT_TR_NOOP("day"), QT_TR_NOOP("days"));
    if (days < 365)
        return phrase(days / 30, QT_TR_NOOP("month"), QT_TR_NOOP("months"));
    return phrase(days / 365, QT_TR_NOOP("year"), QT_TR_NOOP("years"));
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
