#include "WireFormat.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>

namespace datarecs::server::WireFormat {

namespace {

QJsonValue orNull(const QString &s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }

QJsonValue timeOrNull(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(timestamp(*ms)) : QJsonValue(QJsonValue::Null);
}

QByteArray csvField(const QString &value)
{
    QByteArray utf8 = value.toUtf8();
    // A leading =, +, - or @ would make a spreadsheet evaluate the cell; quote it as text.
    const bool formula = !utf8.isEmpty() && QByteArrayView("=+-@").contains(utf8.at(0));
    if (formula)
        utf8.prepend('\'');
    if (formula || utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r')) {
        utf8.replace("\"", "\"\"");
        return '"' + utf8 + '"';
    }
    return utf8;
}

} // namespace

QString timestamp(qint64 msecsSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

std::optional<qint64> parseTimestamp(const QString &text)
{
    // Qt's ISO parser accepts dates without a zone (local time); an API timestamp must say its zone.
    static const QRegularExpression shape(QStringLiteral(
        R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$)"));
    if (!shape.match(text).hasMatch())
        return std::nullopt;
    QString normalized = text;
    // Qt keeps at most milliseconds: drop extra fraction digits rather than refuse them.
    static const QRegularExpression longFraction(QStringLiteral(R"((\.\d{3})\d+)"));
    normalized.replace(longFraction, QStringLiteral("\\1"));
    const QDateTime dt = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!dt.isValid())
        return std::nullopt;
    return dt.toMSecsSinceEpoch();
}

QString keyStatus(const ApiKeyRecord &key, qint64 now)
{
    if (key.expiresAt && *key.expiresAt <= now)
        return QStringLiteral("expired");
    return key.enabled ? QStringLiteral("enabled") : QStringLiteral("disabled");
}

QJsonObject apiKey(const ApiKeyRecord &key, qint64 now)
{
    QJsonValue workspace(QJsonValue::Null);
    if (!key.workspaceId.isEmpty())
        workspace = QJsonObject{{QStringLiteral("id"), key.workspaceId}, {QStringLiteral("name"), key.workspaceName}};
    return {
        {QStringLiteral("id"), key.id},
        {QStringLiteral("name"), key.name},
        {QStringLiteral("description"), key.description},
        {QStringLiteral("role"), key.role},
        {QStringLiteral("workspace"), workspace},
        {QStringLiteral("enabled"), key.enabled},
        {QStringLiteral("status"), keyStatus(key, now)},
        {QStringLiteral("hint"), key.hint},
        {QStringLiteral("created_by"),
         QJsonObject{{QStringLiteral("type"), key.createdByType},
                     {QStringLiteral("id"), key.createdById},
                     {QStringLiteral("name"), key.createdByName}}},
        {QStringLiteral("created_at"), timestamp(key.createdAt)},
        {QStringLiteral("updated_at"), timestamp(key.updatedAt)},
        {QStringLiteral("last_used_at"), timeOrNull(key.lastUsedAt)},
        {QStringLiteral("last_used_ip"), orNull(key.lastUsedIp)},
        {QStringLiteral("expires_at"), timeOrNull(key.expiresAt)},
        {QStringLiteral("replaces"), orNull(key.replaces)},
        {QStringLiteral("replaced_by"), orNull(key.replacedBy)},
    };
}

QJsonObject auditEvent(const AuditRecord &e)
{
    QJsonValue target(QJsonValue::Null);
    if (!e.targetType.isEmpty())
        target = QJsonObject{{QStringLiteral("type"), e.targetType},
                             {QStringLiteral("id"), orNull(e.targetId)},
                             {QStringLiteral("name"), orNull(e.targetName)}};
    return {
        {QStringLiteral("id"), e.id},
        {QStringLiteral("occurred_at"), timestamp(e.occurredAt)},
        {QStringLiteral("actor"),
         QJsonObject{{QStringLiteral("type"), e.actorType.isEmpty() ? QStringLiteral("anonymous") : e.actorType},
                     {QStringLiteral("id"), orNull(e.actorId)},
                     {QStringLiteral("name"), orNull(e.actorName)}}},
        {QStringLiteral("action"), e.action},
        {QStringLiteral("target"), target},
        {QStringLiteral("workspace_id"), orNull(e.workspaceId)},
        {QStringLiteral("outcome"), e.outcome},
        {QStringLiteral("http_status"), e.httpStatus ? QJsonValue(e.httpStatus) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("method"), orNull(e.method)},
        {QStringLiteral("path"), orNull(e.path)},
        {QStringLiteral("source_ip"), orNull(e.sourceIp)},
        {QStringLiteral("user_agent"), orNull(e.userAgent)},
        {QStringLiteral("request_id"), orNull(e.requestId)},
        {QStringLiteral("detail"), orNull(e.detail)},
        {QStringLiteral("prev_hash"), e.prevHash},
        {QStringLiteral("hash"), e.hash},
    };
}

QByteArray auditCsvHeader()
{
    return "id,occurred_at,actor_type,actor_id,actor_name,action,target_type,target_id,target_name,workspace_id,"
           "outcome,http_status,method,path,source_ip,user_agent,request_id,detail,prev_hash,hash\r\n";
}

QByteArray auditCsvRow(const AuditRecord &e)
{
    const QStringList fields = {QString::number(e.id), timestamp(e.occurredAt),
                                e.actorType.isEmpty() ? QStringLiteral("anonymous") : e.actorType,
                                e.actorId, e.actorName, e.action, e.targetType, e.targetId, e.targetName,
                                e.workspaceId, e.outcome, e.httpStatus ? QString::number(e.httpStatus) : QString(),
                                e.method, e.path, e.sourceIp, e.userAgent, e.requestId, e.detail, e.prevHash, e.hash};
    QByteArray row;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i)
            row += ',';
        row += csvField(fields.at(i));
    }
    return row + "\r\n";
}

} // namespace datarecs::server::WireFormat
