#pragma once

#include "ApiError.h"
#include "Result.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <optional>

namespace datarecs {

/// Strict reading of one JSON object of the contract. Every accessor checks presence and type; the
/// first mismatch is remembered with its path ("ApiKey.created_at: expected a timestamp") and later
/// accessors return defaults. A parser calls failed() at the end and returns error() instead of the
/// half-read object, so callers never see a half-filled value.
///
/// Unknown fields are ignored (a newer server may add some); a field that may be null may also be
/// absent.
class JsonReader
{
public:
    JsonReader(const QJsonValue &value, QString path);

    QString string(QLatin1StringView key);
    std::optional<QString> nullableString(QLatin1StringView key);
    qint64 integer(QLatin1StringView key);
    std::optional<qint64> nullableInteger(QLatin1StringView key);
    bool boolean(QLatin1StringView key);
    QDateTime timestamp(QLatin1StringView key);
    std::optional<QDateTime> nullableTimestamp(QLatin1StringView key);
    QStringList stringList(QLatin1StringView key);
    QJsonArray array(QLatin1StringView key);

    /// Reads a nested object with its own parser, e.g. nested<NamedRef>("workspace").
    template <typename T> T nested(QLatin1StringView key)
    {
        const QJsonValue v = field(key);
        return take(parseAt<T>(v, [&] { return childPath(key); }));
    }
    template <typename T> std::optional<T> nullableNested(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isNull() || v.isUndefined()) return std::nullopt;
        return take(parseAt<T>(v, [&] { return childPath(key); }));
    }
    /// Reads an array of objects, each with T's parser.
    template <typename T> QList<T> list(QLatin1StringView key)
    {
        QList<T> out;
        const QJsonArray a = array(key);
        out.reserve(a.size());
        for (qsizetype i = 0; i < a.size() && !failed(); ++i) {
            out.append(take(parseAt<T>(a.at(i), [&] {
                return childPath(key) + u'[' + QString::number(i) + u']';
            })));
        }
        return out;
    }

    /// Checks that a string is one of the given values (for enums the contract fixes).
    QString oneOf(QLatin1StringView key, std::initializer_list<QLatin1StringView> allowed);

    void fail(QLatin1StringView key, const QString &expectation);
    bool failed() const { return m_error.has_value(); }
    ApiError error() const { return m_error.value_or(ApiError::malformed(QString())); }

    /// Parses a whole response body as one JSON object (or fails with a malformed-response error).
    static Result<QJsonObject> parseObject(const QByteArray &body, const QString &what);

private:
    QJsonValue field(QLatin1StringView key);
    QString childPath(QLatin1StringView key) const;
    QDateTime timestampOf(const QJsonValue &v, QLatin1StringView key);
    /// Parses a nested value with T's parser. Its path only matters in an error message, so it is
    /// built only then: the parse is repeated with the real path (parsing is deterministic), which
    /// saves building "ApiKeyPage.items[1234].created_by" for each of 10,000 keys.
    template <typename T, typename PathOf> static Result<T> parseAt(const QJsonValue &v, PathOf pathOf)
    {
        Result<T> r = T::fromJson(v, QString());
        if (r.ok()) return r;
        return T::fromJson(v, pathOf());
    }
    template <typename T> T take(Result<T> r)
    {
        if (r.ok()) return std::move(r.value());
        if (!m_error) m_error = r.error();
        return T{};
    }

    QJsonObject m_object;
    QString m_path;
    std::optional<ApiError> m_error;
};

/// The writing side, for the types' toJson(): the same shapes as the contract.
namespace JsonWrite {
QString timestamp(const QDateTime &t); // "2026-11-27T12:34:56.789Z"
QJsonValue nullable(const std::optional<QString> &s);
QJsonValue nullable(const std::optional<QDateTime> &t);
QJsonValue nullable(const std::optional<qint64> &n);
} // namespace JsonWrite

} // namespace datarecs
