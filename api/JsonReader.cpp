#include "JsonReader.h"

#include "Rfc3339.h"

#include <QJsonDocument>
#include <QSemaphore>
#include <QThreadPool>

#include <simdjson.h>

#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace datarecs {

struct JsonDocument::Parsed
{
    simdjson::dom::parser parser;
    simdjson::dom::element root;
};

Result<JsonDocument> JsonDocument::parseObject(const QByteArray &body, const QString &what)
{
    auto parsed = std::make_shared<Parsed>();
    // parse() copies the body into a padded buffer of its own (simdjson reads past the end in blocks).
    const simdjson::error_code error = parsed->parser.parse(body.constData(), size_t(body.size())).get(parsed->root);
    if (error != simdjson::SUCCESS)
        return ApiError::malformed(QStringLiteral("%1: not JSON (%2)").arg(what, QString::fromUtf8(simdjson::error_message(error))));
    if (!parsed->root.is_object()) return ApiError::malformed(QStringLiteral("%1: expected an object").arg(what));
    return JsonDocument(std::move(parsed));
}

JsonDocument JsonDocument::fromQtJson(const QJsonValue &value)
{
    // QJsonDocument writes only objects and arrays, so the value goes inside a one-element array.
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    auto parsed = std::make_shared<Parsed>();
    simdjson::dom::array array;
    if (parsed->parser.parse(text.constData(), size_t(text.size())).get(array) != simdjson::SUCCESS
        || array.at(0).get(parsed->root) != simdjson::SUCCESS) {
        qFatal("JsonDocument::fromQtJson: QJsonDocument wrote text simdjson cannot read");
    }
    return JsonDocument(std::move(parsed));
}

const JsonValue &JsonDocument::root() const
{
    return m_parsed->root;
}

struct JsonReader::Fields
{
    bool isObject = false;
    simdjson::dom::object object;
    /// Where the previous lookup stopped: the server writes the fields in the order the parsers read
    /// them, so the next field is usually the next member and each lookup compares one name.
    simdjson::dom::object::iterator next;

    /// The member called key, or an error when there is none. Duplicate names: the first one counts.
    simdjson::simdjson_result<simdjson::dom::element> find(QLatin1StringView key)
    {
        if (!isObject) return simdjson::NO_SUCH_FIELD;
        const std::string_view name(key.data(), size_t(key.size()));
        // From the cursor to the end, then from the start to the cursor.
        const std::pair<simdjson::dom::object::iterator, simdjson::dom::object::iterator> ranges[] = {
            {next, object.end()}, {object.begin(), next}};
        for (auto [it, end] : ranges) {
            for (; it != end; ++it) {
                if (it.key() == name) {
                    next = it;
                    ++next;
                    return it.value();
                }
            }
        }
        return simdjson::NO_SUCH_FIELD;
    }
};

namespace {

/// The UTF-8 bytes of a JSON string, or nothing when the value is not a string.
std::optional<QByteArrayView> utf8Of(const JsonValue &v)
{
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
    return QByteArrayView(s.data(), qsizetype(s.size()));
}

std::optional<QString> stringOf(const JsonValue &v)
{
    const std::optional<QByteArrayView> utf8 = utf8Of(v);
    if (!utf8) return std::nullopt;
    return QString::fromUtf8(*utf8);
}

/// A JSON number holding a whole number. One written with a fraction or an exponent (5.0, 1e3) is
/// still an integer, as long as a double holds it exactly.
std::optional<qint64> integerOf(const JsonValue &v)
{
    int64_t n = 0;
    double d = 0;
    if (v.get_int64().get(n) == simdjson::SUCCESS) return qint64(n);
    if (v.is_double() && v.get_double().get(d) == simdjson::SUCCESS && qAbs(d) < 9.0e15 && d == double(qint64(d)))
        return qint64(d);
    return std::nullopt;
}

} // namespace

JsonReader::JsonReader(const JsonValue &value, QString path)
    : m_path(std::move(path))
{
    static_assert(sizeof(Fields) <= sizeof(m_fields) && alignof(Fields) <= 8);
    static_assert(std::is_trivially_destructible_v<Fields>);
    Fields *f = new (m_fields) Fields;
    f->isObject = value.get_object().get(f->object) == simdjson::SUCCESS;
    if (f->isObject)
        f->next = f->object.begin();
    else
        m_error = ApiError::malformed(QStringLiteral("%1: expected an object").arg(m_path));
}

JsonReader::~JsonReader() = default; // Fields is trivially destructible

JsonReader::Fields &JsonReader::fields()
{
    return *std::launder(reinterpret_cast<Fields *>(m_fields));
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

void JsonReader::visitFieldWith(QLatin1StringView key, Presence presence, void *use, void (*call)(void *, const JsonValue &))
{
    simdjson::dom::element v;
    if (fields().find(key).get(v) != simdjson::SUCCESS) {
        if (presence == Presence::Required) fail(key, QStringLiteral("a value, but the field is missing"));
        return;
    }
    if (presence == Presence::Nullable && v.is_null()) return;
    call(use, v);
}

void JsonReader::visitArrayWith(QLatin1StringView key, void *reserve, void (*callReserve)(void *, qsizetype), void *use,
                                void (*call)(void *, const JsonValue &, qsizetype))
{
    visitField(key, Presence::Required, [&](const JsonValue &v) {
        simdjson::dom::array a;
        if (v.get_array().get(a) != simdjson::SUCCESS) {
            fail(key, QStringLiteral("an array"));
            return;
        }
        callReserve(reserve, qsizetype(a.size()));
        qsizetype i = 0;
        for (simdjson::dom::element item : a) {
            if (failed()) return;
            call(use, item, i++);
        }
    });
}

void JsonReader::visitItemsWith(QLatin1StringView key, void *resize, void (*callResize)(void *, qsizetype), void *read,
                                std::optional<ApiError> (*callRead)(void *, const JsonValue &, qsizetype))
{
    // Below this many items a second thread costs more than it saves.
    constexpr qsizetype kItemsWorthTwoThreads = 256;
    visitField(key, Presence::Required, [&](const JsonValue &v) {
        simdjson::dom::array a;
        if (v.get_array().get(a) != simdjson::SUCCESS) {
            fail(key, QStringLiteral("an array"));
            return;
        }
        // The items by position: simdjson's arrays are walked from the start, not indexed.
        std::vector<simdjson::dom::element> items(a.begin(), a.end());
        const qsizetype size = qsizetype(items.size());
        callResize(resize, size);
        using Failure = std::optional<std::pair<qsizetype, ApiError>>;
        auto readItems = [&](qsizetype from, qsizetype to, Failure &failure) {
            for (qsizetype i = from; i < to; ++i) {
                if (std::optional<ApiError> error = callRead(read, items[std::size_t(i)], i)) {
                    failure.emplace(i, *error);
                    return;
                }
            }
        };
        Failure early, late;
        qsizetype half = size;
        QSemaphore lateDone;
        if (size >= kItemsWorthTwoThreads) {
            half = size / 2;
            // No thread free in the pool: this thread reads them all.
            if (!QThreadPool::globalInstance()->tryStart([&] {
                    readItems(half, size, late);
                    lateDone.release();
                }))
                half = size;
        }
        readItems(0, half, early);
        if (half < size)
            lateDone.acquire();
        if (const Failure &first = early ? early : late; first && !m_error)
            m_error = first->second;
    });
}

QString JsonReader::string(QLatin1StringView key)
{
    QString out;
    visitField(key, Presence::Required, [&](const JsonValue &v) {
        const std::optional<QString> s = stringOf(v);
        if (s)
            out = *s;
        else
            fail(key, QStringLiteral("a string"));
    });
    return out;
}

std::optional<QString> JsonReader::nullableString(QLatin1StringView key)
{
    std::optional<QString> out;
    visitField(key, Presence::Nullable, [&](const JsonValue &v) {
        out = stringOf(v);
        if (!out) fail(key, QStringLiteral("a string or null"));
    });
    return out;
}

qint64 JsonReader::integer(QLatin1StringView key)
{
    qint64 out = 0;
    visitField(key, Presence::Required, [&](const JsonValue &v) {
        const std::optional<qint64> n = integerOf(v);
        if (n)
            out = *n;
        else
            fail(key, QStringLiteral("an integer"));
    });
    return out;
}

std::optional<qint64> JsonReader::nullableInteger(QLatin1StringView key)
{
    std::optional<qint64> out;
    visitField(key, Presence::Nullable, [&](const JsonValue &v) {
        out = integerOf(v);
        if (!out) fail(key, QStringLiteral("an integer or null"));
    });
    return out;
}

bool JsonReader::boolean(QLatin1StringView key)
{
    bool out = false;
    visitField(key, Presence::Required, [&](const JsonValue &v) {
        if (v.get_bool().get(out) != simdjson::SUCCESS) fail(key, QStringLiteral("true or false"));
    });
    return out;
}

namespace {

QDateTime timestampOf(const JsonValue &v)
{
    const std::optional<QByteArrayView> utf8 = utf8Of(v);
    return utf8 ? parseRfc3339(*utf8) : QDateTime();
}

} // namespace

QDateTime JsonReader::timestamp(QLatin1StringView key)
{
    QDateTime out;
    visitField(key, Presence::Required, [&](const JsonValue &v) {
        out = timestampOf(v);
        if (!out.isValid()) fail(key, QStringLiteral("an RFC 3339 timestamp"));
    });
    return out;
}

std::optional<QDateTime> JsonReader::nullableTimestamp(QLatin1StringView key)
{
    std::optional<QDateTime> out;
    visitField(key, Presence::Nullable, [&](const JsonValue &v) {
        const QDateTime t = timestampOf(v);
        if (t.isValid())
            out = t;
        else
            fail(key, QStringLiteral("an RFC 3339 timestamp"));
    });
    return out;
}

QStringList JsonReader::stringList(QLatin1StringView key)
{
    QStringList out;
    visitArray(key, [&](qsizetype size) { out.reserve(size); },
               [&](const JsonValue &v, qsizetype) {
                   if (const std::optional<QString> s = stringOf(v)) {
                       out.append(*s);
                   } else {
                       fail(key, QStringLiteral("an array of strings"));
                       out.clear();
                   }
               });
    return out;
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
