#pragma once

#include "JsonValue.h"

#include "ApiKey.h"

namespace datarecs {

// Response bodies that wrap the main types. Each parses strictly like the types themselves.

/// GET /v1/health
struct Health
{
    QString status;
    QString version;
    static Result<Health> fromJson(const JsonValue &value, const QString &path = QStringLiteral("Health"));
};

/// POST /v1/auth/login. The token is a secret: hand it to the CredentialStore, never to a log.
struct LoginResult
{
    QString token;
    QString tokenType;
    QDateTime expiresAt;
    User user;
    static Result<LoginResult> fromJson(const JsonValue &value,
                                        const QString &path = QStringLiteral("Login"));
};

/// POST /v1/api-keys and POST /v1/api-keys/{id}/rotate: the only answers that carry a key's value.
struct CreatedApiKey
{
    ApiKey apiKey;
    QString secret;
    std::optional<ApiKey> replaces; ///< rotate only: the old key, now pointing at the new one
    bool replayed = false;          ///< the server answered an Idempotency-Key replay
    static Result<CreatedApiKey> fromJson(const JsonValue &value,
                                          const QString &path = QStringLiteral("CreatedApiKey"));
};

/// GET /v1/audit-events/verify
struct AuditVerification
{
    bool ok = false;
    qint64 checked = 0;
    std::optional<qint64> firstBrokenId;
    QString firstBrokenReason;
    static Result<AuditVerification> fromJson(const JsonValue &value,
                                              const QString &path = QStringLiteral("AuditVerification"));
    QJsonObject toJson() const;
};

} // namespace datarecs
