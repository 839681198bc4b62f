#pragma once

#include "ApiError.h"
#include "JsonValue.h"
#include "Result.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <memory>
#include <optional>

namespace datarecs {

/// A response body parsed into simdjson's DOM. Parsing with simdjson and reading its DOM takes a
/// fraction of QJsonDocument's time, which matters for lists of 10,000 keys. Text that is not JSON,
/// or not valid UTF-8, is refused.
class JsonDocument
{
public:
    /// Parses a whole response body as one JSON object (or fails with a malformed-response error).
    static Result<JsonDocument> parseObject(const QByteArray &body, const QString &what);

    /// A value held as Qt JSON, of any type, parsed through its text.
    static JsonDocument fromQtJson(const QJsonValue &value);

    const JsonValue &root() const;

private:
    struct Parsed;
    explicit JsonDocument(std::shared_ptr<const Parsed> parsed)
        : m_parsed(std::move(parsed))
    {}
    std::shared_ptr<const Parsed> m_parsed;
};

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
    JsonReader(const JsonValue &value, QString path);
    ~JsonReader();
    JsonReader(const JsonReader &) = delete;
    JsonReader &operator=(const JsonReader &) = delete;

    QString string(QLatin1StringView key);
    std::optional<QString> nullableString(QLatin1StringView key);
    qint64 integer(QLatin1StringView key);
    std::optional<qint64> nullableInteger(QLatin1StringView key);
    bool boolean(QLatin1StringView key);
    QDateTime timestamp(QLatin1StringView key);
    std::optional<QDateTime> nullableTimestamp(QLatin1StringView key);
    QStringList stringList(QLatin1StringView key);

    /// Reads a nested object with its own parser, e.g. nested<NamedRef>("workspace").
    template <typename T> T nested(QLatin1StringView key)
    {
        T out{};
        visitField(key, Presence::Required, [&](const JsonValue &v) { out = take(parseAt<T>(v, [&] { return childPath(key); })); });
        return out;
    }
    template <typename T> std::optional<T> nullableNested(QLatin1StringView key)
    {
        std::optional<T> out;
        visitField(key, Presence::Nullable, [&](const JsonValue &v) { out = take(parseAt<T>(v, [&] { return childPath(key); })); });
        return out;
    }
    /// Reads an array of objects, each with T's parser. A long array is read by two threads, each
    /// taking half of the items (a page of 1,000 keys takes milliseconds), so T's parser must not
    /// share state between calls; none of the wire types' parsers does. The first item that fails,
    /// by position, is the error.
    template <typename T> QList<T> list(QLatin1StringView key)
    {
        QList<T> out;
        T *items = nullptr;
        visitItems(key,
                   [&](qsizetype size) {
                       out.resize(size);
                       items = out.data();
                   },
                   [&](const JsonValue &v, qsizetype i) -> std::optional<ApiError> {
                       Result<T> r = parseAt<T>(v, [&] { return childPath(key) + u'[' + QString::number(i) + u']'; });
                       if (!r.ok()) return r.error();
                       items[i] = std::move(r.value());
                       return std::nullopt;
                   });
        return out;
    }

    /// Checks that a string is one of the given values (for enums the contract fixes).
    QString oneOf(QLatin1StringView key, std::initializer_list<QLatin1StringView> allowed);

    void fail(QLatin1StringView key, const QString &expectation);
    bool failed() const { return m_error.has_value(); }
    ApiError error() const { return m_error.value_or(ApiError::malformed(QString())); }

private:
    enum class Presence { Required, Nullable };

    /// Calls use(value) with the field's value if it is there (and not null, when nullable); records
    /// a missing required field. Non-template so that simdjson stays out of this header.
    template <typename Use> void visitField(QLatin1StringView key, Presence presence, Use use)
    {
        visitFieldWith(key, presence, &use, [](void *u, const JsonValue &v) { (*static_cast<Use *>(u))(v); });
    }
    void visitFieldWith(QLatin1StringView key, Presence presence, void *use, void (*call)(void *, const JsonValue &));
    template <typename Reserve, typename Use> void visitArray(QLatin1StringView key, Reserve reserve, Use use)
    {
        visitArrayWith(key, &reserve, [](void *r, qsizetype n) { (*static_cast<Reserve *>(r))(n); }, &use,
                       [](void *u, const JsonValue &v, qsizetype i) { (*static_cast<Use *>(u))(v, i); });
    }
    void visitArrayWith(QLatin1StringView key, void *reserve, void (*callReserve)(void *, qsizetype), void *use,
                        void (*call)(void *, const JsonValue &, qsizetype));
    /// Like visitArray, for list(): read(value, index) may run in two threads at once, for different
    /// items, and returns the item's error, if any.
    template <typename Resize, typename Read> void visitItems(QLatin1StringView key, Resize resize, Read read)
    {
        visitItemsWith(key, &resize, [](void *r, qsizetype n) { (*static_cast<Resize *>(r))(n); }, &read,
                       [](void *r, const JsonValue &v, qsizetype i) { return (*static_cast<Read *>(r))(v, i); });
    }
    void visitItemsWith(QLatin1StringView key, void *resize, void (*callResize)(void *, qsizetype), void *read,
                        std::optional<ApiError> (*callRead)(void *, const JsonValue &, qsizetype));

    QString childPath(QLatin1StringView key) const;
    /// Parses a nested value with T's parser. Its path only matters in an error message, so it is
    /// built only then: the parse is repeated with the real path (parsing is deterministic), which
    /// saves building "ApiKeyPage.items[1234].created_by" for each of 10,000 keys.
    template <typename T, typename PathOf> static Result<T> parseAt(const JsonValue &v, PathOf pathOf)
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

    /// The object being read, with a cursor: simdjson's values, kept in place (they are small and
    /// trivially copyable) so that reading a key's three nested objects allocates nothing.
    struct Fields;
    Fields &fields();
    alignas(8) unsigned char m_fields[48];
    QString m_path;
    std::optional<ApiError> m_error;
};

/// Parses JSON text as a T, as the client does with a response body (for tests and tools).
template <typename T> Result<T> parseJson(const QByteArray &json, const QString &what)
{
    Result<JsonDocument> doc = JsonDocument::parseObject(json, what);
    if (!doc.ok()) return doc.error();
    return T::fromJson(doc.value().root(), what);
}

/// A value held as Qt JSON (built in memory by tests and tools) read with T's parser. It goes
/// through JSON text, so it reads exactly what a response with that text would give.
template <typename T, typename... Path> Result<T> fromQtJson(const QJsonValue &value, const Path &...path)
{
    const JsonDocument doc = JsonDocument::fromQtJson(value);
    return T::fromJson(doc.root(), path...);
}

/// The writing side, for the types' toJson(): the same shapes as the contract.
namespace JsonWrite {
QString timestamp(const QDateTime &t); // "2026-11-27T12:34:56.789Z"
QJsonValue nullable(const std::optional<QString> &s);
QJsonValue nullable(const std::optional<QDateTime> &t);
QJsonValue nullable(const std::optional<qint64> &n);
} // namespace JsonWrite

} // namespace datarecs
