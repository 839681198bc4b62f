#include "JsonReader.h"

#include "Rfc3339.h"

#include <QJsonDocument>

namespace datarecs {

JsonReader::JsonReader(const QJsonValue &value, QString path)
    : m_object(value.toObject())
    , m_path(std::move(path))
{
    if (!value.isObject())
        m_error = ApiError::malformed(QStringLiteral("%1: expected an object").arg(m_path));
}

QString JsonReader::childPath(QLatin1StringView key) const
{
    return m_path + u'.' + key;
}

void JsonReader::fail(QLatin1StringView key, const QString &expectation)
{
    if (!m_error)
        m_error = ApiError::malformed(QStringLiteral("%1: expected %2").arg(childPath(key), expectation));
}

QJsonValue JsonReader::field(QLatin1StringView key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined()) fail(key, QStringLiteral("a value, but the field is missing"));
    return v;
}

QString JsonReader::string(QLatin1StringView key)
{
    const QJsonValue v = field(key);
    if (!v.isString() && !v.isUndefined()) fail(key, QStringLiteral("a string"));
    return v.toString();
}

std::optional<QString> JsonReader::nullableString(QLatin1StringView key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isNull() || v.isUndefined()) return std::nullopt;
    if (!v.isString()) {
        fail(key, QStringLiteral("a string or null"));
        return std::nullopt;
    }
    return v.toString();
}

qint64 JsonReader::integer(QLatin1StringView key)
{
    const QJsonValue v = field(key);
    if (v.isUndefined()) return 0;
    // JSON numbers are doubles; an integer field must hold a whole number.
    if (!v.isDouble() || v.toDouble() != double(v.toInteger())) {
        fail(key, QStringLiteral("an integer"));
        return 0;
    }
    return v.toInteger();
}

std::optional<qint64> JsonReader::nullableInteger(QLatin1StringView key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isNull() || v.isUndefined()) return std::nullopt;
    return integer(key);
}

bool JsonReader::boolean(QLatin1StringView key)
{
    const QJsonValue v = field(key);
    if (!v.isBool() && !v.isUndefined()) fail(key, QStringLiteral("true or false"));
    return v.toBool();
}

QDateTime JsonReader::timestamp(QLatin1StringView key)
{
    const QJsonValue v = field(key);
    if (v.isUndefined()) return {};
    return timestampOf(v, key);
}

QDateTime JsonReader::timestampOf(const QJsonValue &v, QLatin1StringView key)
{
    const QDateTime t = v.isString() ? parseRfc3339(v.toString()) : QDateTime();
    if (!t.isValid()) {
        fail(key, QStringLiteral("an RFC 3339 timestamp"));
        return {};
    }
    return t;
}

std::optional<QDateTime> JsonReader::nullableTimestamp(QLatin1StringView key)
{
    // One lookup: the value found is the one read (not looked up again by timestamp()).
    const QJsonValue v = m_object.value(key);
    if (v.isNull() || v.isUndefined()) return std::nullopt;
    return timestampOf(v, key);
}

QStringList JsonReader::stringList(QLatin1StringView key)
{
    QStringList out;
    const QJsonArray a = array(key);
    for (const QJsonValue &v : a) {
        if (!v.isString()) {
            fail(key, QStringLiteral("an array of strings"));
            return {};
        }
        out.append(v.toString());
    }
    return out;
}

QJsonArray JsonReader::array(QLatin1StringView key)
{
    const QJsonValue v = field(key);
    if (!v.isArray() && !v.isUndefined()) fail(key, QStringLiteral("an array"));
    return v.toArray();
}

QString JsonReader::oneOf(QLatin1StringView key, std::initializer_list<QLatin1StringView> allowed)
{
    const QString s = string(key);
    if (failed()) return s;
    for (QLatin1StringView a : allowed) {
        if (s == a) return s;
    }
    QStringList names;
    for (QLatin1StringView a : allowed)
        names.append(QStringLiteral("\"%1\"").arg(a));
    fail(key, QStringLiteral("one of %1, not \"%2\"").arg(names.join(QStringLiteral(", ")), s));
    return s;
}

Result<QJsonObject> JsonReader::parseObject(const QByteArray &body, const QString &what)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError)
        return ApiError::malformed(QStringLiteral("%1: not JSON (%2)").arg(what, pe.errorString()));
    if (!doc.isObject()) return ApiError::malformed(QStringLiteral("%1: expected an object").arg(what));
    return doc.object();
}

namespace JsonWrite {

QString timestamp(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue nullable(const std::optional<QString> &s)
{
    return s ? QJsonValue(*s) : QJsonValue(QJsonValue::Null);
}

QJsonValue nullable(const std::optional<QDateTime> &t)
{
    return t ? QJsonValue(timestamp(*t)) : QJsonValue(QJsonValue::Null);
}

QJsonValue nullable(const std::optional<qint64> &n)
{
    return n ? QJsonValue(*n) : QJsonValue(QJsonValue::Null);
}

} // namespace JsonWrite

} // namespace datarecs
