#pragma once

#include "ApiResponse.h"

#include <QJsonArray>
#include <QString>

namespace datarecs::server {

/// RFC 9457 problem details. Each slug is a distinct `type` a client can act on; the full list, with
/// the status each one uses, is in docs/openapi.yaml.
namespace Problem {

ApiResponse make(int status, const QString &slug, const QString &title, const QString &detail,
                 const QJsonObject &extra = {});

ApiResponse invalidJson(const QString &detail);
ApiResponse validation(const QJsonArray &errors); // [{field, message}]
ApiResponse invalidParameter(const QString &name, const QString &message);
ApiResponse invalidCursor();
ApiResponse unauthenticated();
ApiResponse invalidToken(const QString &detail);
ApiResponse invalidCredentials();
ApiResponse forbidden(const QString &detail);
ApiResponse roleTooHigh(const QString &detail);
ApiResponse notFound(const QString &detail = {});
ApiResponse methodNotAllowed(const QByteArrayList &allowed);
ApiResponse quotaExceeded(int limit, int used);
ApiResponse idempotencyKeyReused();
ApiResponse payloadTooLarge(qsizetype limit);
ApiResponse unsupportedMediaType();
ApiResponse rateLimited(int retryAfterSeconds, const QString &detail);
ApiResponse internalError();

QString typeUri(const QString &slug);

} // namespace Problem
} // namespace datarecs::server
