#pragma once

#include "JsonWriter.h"
#include "storage/Storage.h"

#include <optional>

namespace datarecs::server::WireFormat {

/// RFC 3339 UTC with milliseconds: 2026-11-27T12:34:56.789Z
QString timestamp(qint64 msecsSinceEpoch);
/// Accepts RFC 3339 with a zone (Z or an offset); nullopt otherwise.
std::optional<qint64> parseTimestamp(const QString &text);

QString keyStatus(const ApiKeyRecord &key, qint64 now);
/// The contract's ApiKey and AuditEvent objects, written in the order the contract lists their fields.
void writeApiKey(JsonWriter &out, const ApiKeyRecord &key, qint64 now);
void writeAuditEvent(JsonWriter &out, const AuditRecord &event);

QByteArray auditCsvHeader();
QByteArray auditCsvRow(const AuditRecord &event);
/// The same row, appended to out (the export's batch buffer) without a temporary.
void appendAuditCsvRow(QByteArray &out, const AuditRecord &event);

} // namespace datarecs::server::WireFormat
