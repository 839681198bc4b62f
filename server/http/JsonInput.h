#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace datarecs::server {

/// Reads a request body as one JSON object and checks its fields strictly: unknown fields, wrong
/// types, missing fields, lengths and invalid text are all collected, so the client hears of every
/// problem at once in a single validation-failed answer.
class JsonInput
{
public:
    /// Parses the body. Returns the problem to answer with if it is not a JSON object sent as
    /// application/json. An empty body is an empty object when emptyAllowed.
    static std::optional<ApiResponse> parse(const ApiRequest &request, QJsonObject *out, bool emptyAllowed = false);

    JsonInput(const QJsonObject &object, const QStringList &knownFields);

    bool has(const QString &field) const { return m_object.contains(field); }

    enum class Text { SingleLine, MultiLine };
    /// A string field. Absent: nullopt (and an error when required); null is a wrong type. Surrounding
    /// white space is trimmed before the length check.
    std::optional<QString> string(const QString &field, bool required, int minLength, int maxLength,
                                  Text kind = Text::SingleLine);
    /// An optional string field that the contract lets be null: null and absent are both nullopt.
    std::optional<QString> nullableString(const QString &field, int minLength, int maxLength);
    /// A string other people read: a key's name or description, shown to everyone who can read keys
    /// and copied into the audit log. As string(), and a key value or session token in it is refused.
    std::optional<QString> publicText(const QString &field, bool required, int minLength, int maxLength,
                                      Text kind = Text::SingleLine);
    /// A timestamp field (RFC 3339 with a zone); absent or null: nullopt.
    std::optional<qint64> timestamp(const QString &field);

    void fail(const QString &field, const QString &message);
    bool ok() const { return m_errors.isEmpty(); }
    ApiResponse problem() const;

private:
    QJsonObject m_object;
    QJsonArray m_errors;
};

} // namespace datarecs::server
