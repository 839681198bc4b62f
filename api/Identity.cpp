#include "Identity.h"

#include "JsonReader.h"

using namespace Qt::StringLiterals;

namespace datarecs {

Result<NamedRef> NamedRef::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    NamedRef out;
    out.id = r.string("id"_L1);
    out.name = r.string("name"_L1);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject NamedRef::toJson() const
{
    return {{u"id"_s, id}, {u"name"_s, name}};
}

Result<User> User::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    User out;
    out.id = r.string("id"_L1);
    out.email = r.string("email"_L1);
    out.name = r.string("name"_L1);
    out.role = r.nullableString("role"_L1);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject User::toJson() const
{
    return {{u"id"_s, id}, {u"email"_s, email}, {u"name"_s, name}, {u"role"_s, JsonWrite::nullable(role)}};
}

Result<WorkspaceRole> WorkspaceRole::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    WorkspaceRole out;
    out.workspace = r.nested<NamedRef>("workspace"_L1);
    out.role = r.string("role"_L1);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject WorkspaceRole::toJson() const
{
    return {{u"workspace"_s, workspace.toJson()}, {u"role"_s, role}};
}

Result<Identity> Identity::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    Identity out;
    out.kind = r.oneOf("kind"_L1, {"user"_L1, "api_key"_L1});
    out.tenant = r.nested<NamedRef>("tenant"_L1);
    out.user = r.nullableNested<User>("user"_L1);
    out.apiKey = r.nullableNested<NamedRef>("api_key"_L1);
    out.role = r.nullableString("role"_L1);
    out.workspace = r.nullableNested<NamedRef>("workspace"_L1);
    out.workspaceRoles = r.list<WorkspaceRole>("workspace_roles"_L1);
    out.permissions = r.stringList("permissions"_L1);
    out.expiresAt = r.nullableTimestamp("expires_at"_L1);
    // The kind decides which half must be there: a user identity without its user is half-filled.
    if (!r.failed() && out.kind == u"user" && !out.user) r.fail("user"_L1, u"a User for kind \"user\""_s);
    if (!r.failed() && out.kind == u"api_key" && !out.apiKey)
        r.fail("api_key"_L1, u"a key reference for kind \"api_key\""_s);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject Identity::toJson() const
{
    QJsonArray roles;
    for (const WorkspaceRole &wr : workspaceRoles)
        roles.append(wr.toJson());
    return {{u"kind"_s, kind},
            {u"tenant"_s, tenant.toJson()},
            {u"user"_s, user ? QJsonValue(user->toJson()) : QJsonValue()},
            {u"api_key"_s, apiKey ? QJsonValue(apiKey->toJson()) : QJsonValue()},
            {u"role"_s, JsonWrite::nullable(role)},
            {u"workspace"_s, workspace ? QJsonValue(workspace->toJson()) : QJsonValue()},
            {u"workspace_roles"_s, roles},
            {u"permissions"_s, QJsonArray::fromStringList(permissions)},
            {u"expires_at"_s, JsonWrite::nullable(expiresAt)}};
}

} // namespace datarecs
