#include "AuditEvent.h"

#include "JsonReader.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace datarecs {

Result<AuditActor> AuditActor::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    AuditActor out;
    out.type = r.oneOf("type"_L1, {"user"_L1, "api_key"_L1, "anonymous"_L1});
    out.id = r.nullableString("id"_L1);
    out.name = r.nullableString("name"_L1);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject AuditActor::toJson() const
{
    return {{u"type"_s, type}, {u"id"_s, JsonWrite::nullable(id)}, {u"name"_s, JsonWrite::nullable(name)}};
}

Result<AuditTarget> AuditTarget::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    AuditTarget out;
    out.type = r.string("type"_L1);
    out.id = r.string("id"_L1);
    out.name = r.nullableString("name"_L1);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject AuditTarget::toJson() const
{
    return {{u"type"_s, type}, {u"id"_s, id}, {u"name"_s, JsonWrite::nullable(name)}};
}

Result<AuditEvent> AuditEvent::fromJson(const JsonValue &value, const QString &path)
{
    static const QRegularExpression hex64(u"^[0-9a-f]{64}$"_s);
    JsonReader r(value, path);
    AuditEvent e;
    e.id = r.integer("id"_L1);
    e.occurredAt = r.timestamp("occurred_at"_L1);
    e.actor = r.nested<AuditActor>("actor"_L1);
    e.action = r.string("action"_L1);
    e.target = r.nullableNested<AuditTarget>("target"_L1);
    e.workspaceId = r.nullableString("workspace_id"_L1);
    e.outcome = r.oneOf("outcome"_L1, {"success"_L1, "refused"_L1, "error"_L1});
    e.httpStatus = r.nullableInteger("http_status"_L1);
    e.method = r.nullableString("method"_L1);
    e.path = r.nullableString("path"_L1);
    e.sourceIp = r.nullableString("source_ip"_L1);
    e.userAgent = r.nullableString("user_agent"_L1);
    e.requestId = r.nullableString("request_id"_L1);
    e.detail = r.nullableString("detail"_L1);
    e.prevHash = r.string("prev_hash"_L1);
    e.hash = r.string("hash"_L1);
    if (!r.failed() && !hex64.match(e.hash).hasMatch()) r.fail("hash"_L1, u"64 lowercase hex digits"_s);
    if (r.failed()) return r.error();
    return e;
}

QJsonObject AuditEvent::toJson() const
{
    return {{u"id"_s, id},
            {u"occurred_at"_s, JsonWrite::timestamp(occurredAt)},
            {u"actor"_s, actor.toJson()},
            {u"action"_s, action},
            {u"target"_s, target ? QJsonValue(target->toJson()) : QJsonValue()},
            {u"workspace_id"_s, JsonWrite::nullable(workspaceId)},
            {u"outcome"_s, outcome},
            {u"http_status"_s, JsonWrite::nullable(httpStatus)},
            {u"method"_s, JsonWrite::nullable(method)},
            {u"path"_s, JsonWrite::nullable(path)},
            {u"source_ip"_s, JsonWrite::nullable(sourceIp)},
            {u"user_agent"_s, JsonWrite::nullable(userAgent)},
            {u"request_id"_s, JsonWrite::nullable(requestId)},
            {u"detail"_s, JsonWrite::nullable(detail)},
            {u"prev_hash"_s, prevHash},
            {u"hash"_s, hash}};
}

} // namespace datarecs
