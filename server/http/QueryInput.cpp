#include "QueryInput.h"

#include "Problem.h"
#include "core/WireFormat.h"

namespace datarecs::server {

QueryInput::QueryInput(const QUrlQuery &query, const QStringList &known)
    : m_query(query)
{
    QStringList seen;
    for (const auto &item : query.queryItems(QUrl::FullyDecoded)) {
        if (!known.contains(item.first))
            fail(item.first.left(100), QStringLiteral("unknown parameter; this address accepts: %1")
                                 .arg(known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", "))));
        else if (seen.contains(item.first))
            fail(item.first, QStringLiteral("given more than once"));
        seen.append(item.first);
    }
}

void QueryInput::fail(const QString &name, const QString &message)
{
    if (!m_problem)
        m_problem = Problem::invalidParameter(name, message);
}

std::optional<QString> QueryInput::raw(const QString &name)
{
    if (!m_query.hasQueryItem(name))
        return std::nullopt;
    return m_query.queryItemValue(name, QUrl::FullyDecoded);
}

QString QueryInput::text(const QString &name, int maxLength)
{
    const QString value = raw(name).value_or(QString());
    if (value.size() > maxLength) {
        fail(name, QStringLiteral("must be at most %1 characters").arg(maxLength));
        return {};
    }
    return value;
}

QString QueryInput::id(const QString &name, const QStringList &prefixes)
{
    const auto value = raw(name);
    if (!value)
        return {};
    constexpr qsizetype RandomPart = 16;
    const qsizetype underscore = value->indexOf(u'_');
    bool ok = underscore > 0 && prefixes.contains(value->left(underscore))
        && value->size() == underscore + 1 + RandomPart;
    for (qsizetype i = underscore + 1; ok && i < value->size(); ++i) {
        const char16_t c = value->at(i).unicode();
        ok = (c >= u'0' && c <= u'9') || (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z');
    }
    if (!ok) {
        fail(name, QStringLiteral("must be %1_ followed by %2 letters or digits")
                       .arg(prefixes.join(QStringLiteral("_ or ")))
                       .arg(RandomPart));
        return {};
    }
    return *value;
}

QString QueryInput::cursor()
{
    const auto value = raw(QStringLiteral("cursor"));
    if (value && value->isEmpty())
        fail(QStringLiteral("cursor"), QStringLiteral("must not be empty: leave it out for the first page"));
    return value.value_or(QString());
}

QString QueryInput::oneOf(const QString &name, const QStringList &allowed, const QString &fallback)
{
    const auto value = raw(name);
    if (!value)
        return fallback;
    if (!allowed.contains(*value)) {
        fail(name, QStringLiteral("must be one of: %1").arg(allowed.join(QStringLiteral(", "))));
        return fallback;
    }
    return *value;
}

int QueryInput::integer(const QString &name, int min, int max, int fallback)
{
    const auto value = raw(name);
    if (!value)
        return fallback;
    bool ok = false;
    const int n = value->toInt(&ok);
    if (!ok || n < min || n > max) {
        fail(name, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
        return fallback;
    }
    return n;
}

std::optional<qint64> QueryInput::int64(const QString &name, qint64 min)
{
    const auto value = raw(name);
    if (!value)
        return std::nullopt;
    bool ok = false;
    const qint64 n = value->toLongLong(&ok);
    if (!ok || n < min) {
        fail(name, QStringLiteral("must be a whole number of at least %1").arg(min));
        return std::nullopt;
    }
    return n;
}

std::optional<qint64> QueryInput::timestamp(const QString &name)
{
    const auto value = raw(name);
    if (!value)
        return std::nullopt;
    const auto parsed = WireFormat::parseTimestamp(*value);
    if (!parsed)
        fail(name, QStringLiteral("must be an RFC 3339 date-time with a time zone, e.g. 2026-11-01T00:00:00Z"));
    return parsed;
}

} // namespace datarecs::server
