#include "JsonInput.h"

#include "Problem.h"
#include "core/WireFormat.h"

#include "KeyFormat.h"

#include <QJsonDocument>

#include <algorithm>

namespace datarecs::server {

std::optional<ApiResponse> JsonInput::parse(const ApiRequest &request, QJsonObject *out, bool emptyAllowed)
{
    if (request.body.trimmed().isEmpty()) {
        if (emptyAllowed) {
            *out = {};
            return std::nullopt;
        }
        return Problem::invalidJson(QStringLiteral("The request needs a JSON object as its body."));
    }
    const QByteArray contentType = request.header("content-type").split(';').first().trimmed().toLower();
    if (contentType != "application/json")
        return Problem::unsupportedMediaType();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        return Problem::invalidJson(QStringLiteral("%1 at byte %2.").arg(error.errorString()).arg(error.offset));
    if (!doc.isObject())
        return Problem::invalidJson(QStringLiteral("The body must be a JSON object."));
    *out = doc.object();
    return std::nullopt;
}

JsonInput::JsonInput(const QJsonObject &object, const QStringList &knownFields)
    : m_object(object)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!knownFields.contains(it.key()))
            fail(it.key(), QStringLiteral("unknown field"));
    }
}

std::optional<QString> JsonInput::string(const QString &field, bool required, int minLength, int maxLength, Text kind)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined()) {
        if (required)
            fail(field, QStringLiteral("is required"));
        return std::nullopt;
    }
    if (!value.isString()) {
        fail(field, QStringLiteral("must be a string"));
        return std::nullopt;
    }
    const QString text = value.toString().trimmed();
    if (!QStringView(text).isValidUtf16()) {
        fail(field, QStringLiteral("is not valid Unicode text"));
        return std::nullopt;
    }
    for (QChar c : text) {
        const bool allowedControl = kind == Text::MultiLine && (c == u'\n' || c == u'\t');
        if ((c.category() == QChar::Other_Control && !allowedControl) || c == QChar(0x2028) || c == QChar(0x2029)) {
            fail(field, QStringLiteral("must not contain control characters"));
            return std::nullopt;
        }
        // Embeddings, overrides and isolates reorder what follows them on screen: "invoice", U+202E,
        // "gnp.exe" reads as "invoiceexe.png" in the console, the CLI and the audit log.
        const char16_t u = c.unicode();
        if ((u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069)) {
            fail(field, QStringLiteral("must not contain characters that override the direction of text "
                                       "(U+202A to U+202E, U+2066 to U+2069)"));
            return std::nullopt;
        }
    }
    // Characters as people count them, not UTF-16 units: an emoji is one (the contract's maxLength).
    const qsizetype length = text.size() - std::count_if(text.cbegin(), text.cend(), [](QChar c) { return c.isLowSurrogate(); });
    if (length < minLength || length > maxLength) {
        fail(field, minLength > 0 ? QStringLiteral("must be %1 to %2 characters").arg(minLength).arg(maxLength)
                                  : QStringLiteral("must be at most %1 characters").arg(maxLength));
        return std::nullopt;
    }
    return text;
}

std::optional<QString> JsonInput::nullableString(const QString &field, int minLength, int maxLength)
{
    if (m_object.value(field).isNull())
        return std::nullopt;
    return string(field, false, minLength, maxLength);
}

std::optional<QString> JsonInput::publicText(const QString &field, bool required, int minLength, int maxLength,
                                             Text kind)
{
    std::optional<QString> text = string(field, required, minLength, maxLength, kind);
    if (text && KeyFormat::containsCredential(*text)) {
        // Not echoed, not stored: the answer, the key list and the audit log would all show it.
        fail(field, QStringLiteral("must not contain an API key value or a session token: names and descriptions "
                                   "are shown to everyone who can read keys and kept in the audit log"));
        return std::nullopt;
    }
    return text;
}

std::optional<qint64> JsonInput::timestamp(const QString &field)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    const auto parsed = value.isString() ? WireFormat::parseTimestamp(value.toString()) : std::nullopt;
    if (!parsed)
        fail(field, QStringLiteral("must be an RFC 3339 date-time with a time zone, e.g. 2027-01-31T00:00:00Z"));
    return parsed;
}

void JsonInput::fail(const QString &field, const QString &message)
{
    m_errors.append(QJsonObject{{QStringLiteral("field"), field}, {QStringLiteral("message"), message}});
}

ApiResponse JsonInput::problem() const { return Problem::validation(m_errors); }

} // namespace datarecs::server
