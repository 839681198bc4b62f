#pragma once

#include <QCoreApplication>
#include <QDateTime>

namespace datarecs {

/// How the console writes times: relative ("3 days ago") where a glance matters, exact (local time,
/// with the zone) where the user needs to be sure.
class TimeText
{
    Q_DECLARE_TR_FUNCTIONS(TimeText)
public:
    /// "just now", "5 minutes ago", "yesterday", "3 months ago"; future times as "in 2 days".
    static QString relative(const QDateTime &when, const QDateTime &now);
    /// "2026-11-27 13:34:56 CET": local time, seconds, zone abbreviation.
    static QString exact(const QDateTime &when);
    /// "2026-11-27": local date only, for table cells.
    static QString date(const QDateTime &when);
};

} // namespace datarecs
