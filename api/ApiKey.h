#pragma once

#include "JsonValue.h"

#include "Identity.h"

namespace datarecs {

/// Who created a key: a user or another key.
struct KeyCreator
{
    QString type; ///< "user" or "api_key"
    QString id;
    QString name;

    static Result<KeyCreator> fromJson(const JsonValue &value, const QString &path);
    QJsonObject toJson() const;
};

/// The contract's limits on a key's texts, in characters (KeyName, KeyDescription in docs/openapi.yaml).
inline constexpr int KeyNameMaxLength = 100;
inline constexpr int KeyDescriptionMaxLength = 500;

/// An API key's metadata. Never holds the secret: that exists only in CreatedApiKey.
struct ApiKey
{
    QString id;
    QString name;
    QString description; ///< "" when empty
    QString role;
    std::optional<NamedRef> workspace; ///< the workspace the key is restricted to
    bool enabled = false;
    QString status; ///< "enabled", "disabled" or "expired"
    QString hint;   ///< "drk_…AbCd", safe to show
    KeyCreator createdBy;
    QDateTime createdAt;
    QDateTime updatedAt;
    std::optional<QDateTime> lastUsedAt;
    std::optional<QString> lastUsedIp;
    std::optional<QDateTime> expiresAt;
    std::optional<QString> replaces;
    std::optional<QString> replacedBy;

    static Result<ApiKey> fromJson(const JsonValue &value, const QString &path = QStringLiteral("ApiKey"));
    QJsonObject toJson() const;
};

} // namespace datarecs
