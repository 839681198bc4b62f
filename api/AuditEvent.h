#pragma once

#include "JsonValue.h"

#include "Result.h"

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace datarecs {

struct AuditActor
{
    QString type; ///< "user", "api_key" or "anonymous"
    std::optional<QString> id;
    std::optional<QString> name;

    static Result<AuditActor> fromJson(const JsonValue &value, const QString &path);
    QJsonObject toJson() const;
};

struct AuditTarget
{
    QString type;
    QString id;
    /// The contract says string; the server sends null for a target that does not exist (e.g. a
    /// request for a deleted key). Accepted, because such events are exactly the ones an incident
    /// review needs to read.
    std::optional<QString> name;

    static Result<AuditTarget> fromJson(const JsonValue &value, const QString &path);
    QJsonObject toJson() const;
};

/// One entry of the tenant's hash-chained audit log.
struct AuditEvent
{
    qint64 id = 0;
    QDateTime occurredAt;
    AuditActor actor;
    QString action; ///< e.g. "api_key.disable"
    std::optional<AuditTarget> target;
    std::optional<QString> workspaceId;
    QString outcome; ///< "success", "refused" or "error"
    std::optional<qint64> httpStatus;
    std::optional<QString> method;
    std::optional<QString> path;
    std::optional<QString> sourceIp;
    std::optional<QString> userAgent;
    std::optional<QString> requestId;
    std::optional<QString> detail;
    QString prevHash;
    QString hash;

    static Result<AuditEvent> fromJson(const JsonValue &value,
                                       const QString &path = QStringLiteral("AuditEvent"));
    QJsonObject toJson() const;
};

} // namespace datarecs
