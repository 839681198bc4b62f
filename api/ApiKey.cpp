#include "ApiKey.h"

#include "JsonReader.h"

using namespace Qt::StringLiterals;

namespace datarecs {

Result<KeyCreator> KeyCreator::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    KeyCreator out;
    out.type = r.oneOf("type"_L1, {"user"_L1, "api_key"_L1});
    out.id = r.string("id"_L1);
    out.name = r.string("name"_L1);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject KeyCreator::toJson() const
{
    return {{u"type"_s, type}, {u"id"_s, id}, {u"name"_s, name}};
}

Result<ApiKey> ApiKey::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    ApiKey k;
    k.id = r.string("id"_L1);
    if (!r.failed() && !k.id.startsWith(u"key_")) r.fail("id"_L1, u"an id starting with \"key_\""_s);
    k.name = r.string("name"_L1);
    k.description = r.string("description"_L1);
    k.role = r.string("role"_L1);
    k.workspace = r.nullableNested<NamedRef>("workspace"_L1);
    k.enabled = r.boolean("enabled"_L1);
    k.status = r.oneOf("status"_L1, {"enabled"_L1, "disabled"_L1, "expired"_L1});
    k.hint = r.string("hint"_L1);
    k.createdBy = r.nested<KeyCreator>("created_by"_L1);
    k.createdAt = r.timestamp("created_at"_L1);
    k.updatedAt = r.timestamp("updated_at"_L1);
    k.lastUsedAt = r.nullableTimestamp("last_used_at"_L1);
    k.lastUsedIp = r.nullableString("last_used_ip"_L1);
    k.expiresAt = r.nullableTimestamp("expires_at"_L1);
    k.replaces = r.nullableString("replaces"_L1);
    k.replacedBy = r.nullableString("replaced_by"_L1);
    if (r.failed()) return r.error();
    return k;
}

QJsonObject ApiKey::toJson() const
{
    return {{u"id"_s, id},
            {u"name"_s, name},
            {u"description"_s, description},
            {u"role"_s, role},
            {u"workspace"_s, workspace ? QJsonValue(workspace->toJson()) : QJsonValue()},
            {u"enabled"_s, enabled},
            {u"status"_s, status},
            {u"hint"_s, hint},
            {u"created_by"_s, createdBy.toJson()},
            {u"created_at"_s, JsonWrite::timestamp(createdAt)},
            {u"updated_at"_s, JsonWrite::timestamp(updatedAt)},
            {u"last_used_at"_s, JsonWrite::nullable(lastUsedAt)},
            {u"last_used_ip"_s, JsonWrite::nullable(lastUsedIp)},
            {u"expires_at"_s, JsonWrite::nullable(expiresAt)},
            {u"replaces"_s, JsonWrite::nullable(replaces)},
            {u"replaced_by"_s, JsonWrite::nullable(replacedBy)}};
}

} // namespace datarecs
