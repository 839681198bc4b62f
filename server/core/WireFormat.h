#pragma once

#include "storage/Storage.h"

#include <QJsonObject>

#include <optional>

namespace datarecs::server::WireFormat {

/// RFC 3339 UTC with milliseconds: 2026-11-27T12:34:56.789Z
QString timestamp(qint64 msecsSinceEpoch);
/// Accepts RFC 3339 with a zone (Z or an offset); nullopt otherwise.
std::optional<qint64> parseTimestamp(const QString &text);

QString keyStatus(const ApiKeyRecord &key, qint64 now);
QJsonObject apiKey(const ApiKeyRecord &key, qint64 now);
QJsonObject auditEvent(const AuditRecord &event);

QByteArray auditCsvHeader();
QByteArray auditCsvRow(const AuditRecord &event);

} // namespace datarecs::server::WireFormat
