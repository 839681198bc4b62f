#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

namespace datarecs {

// Parameters of the requests that take more than an id. Empty or absent fields are not sent, so the
// server's defaults apply.

/// GET /v1/api-keys
struct ApiKeyQuery
{
    QString status; ///< all, enabled, disabled, expired, stale, rotation_due
    QString search;
    QString workspaceId;
    std::optional<int> staleDays;
    std::optional<int> rotationDays;
    std::optional<int> limit; ///< page size, 1..1000
};

/// GET /v1/audit-events and its export
struct AuditQuery
{
    QString apiKeyId;
    QString actorId;
    QString action;
    QString outcome; ///< success, refused, error
    std::optional<QDateTime> since;
    std::optional<QDateTime> until;
    std::optional<qint64> afterId;
    std::optional<int> limit; ///< page size, 1..500 (not for export)
};

/// POST /v1/api-keys
struct NewApiKey
{
    QString name;
    QString description;
    QString role;
    QString workspaceId; ///< empty: not restricted
    std::optional<QDateTime> expiresAt;
};

/// POST /v1/api-keys/{id}/rotate: what the replacement changes from the old key.
struct RotateOptions
{
    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<QDateTime> expiresAt;
};

enum class ExportFormat { Csv, Ndjson };

} // namespace datarecs
