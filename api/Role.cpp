#include "Role.h"

#include "JsonReader.h"

using namespace Qt::StringLiterals;

namespace datarecs {

Result<Role> Role::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    Role out;
    out.name = r.string("name"_L1);
    out.title = r.string("title"_L1);
    out.description = r.string("description"_L1);
    out.scope = r.oneOf("scope"_L1, {"platform"_L1, "workspace"_L1});
    out.rank = r.integer("rank"_L1);
    out.permissions = r.stringList("permissions"_L1);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject Role::toJson() const
{
    return {{u"name"_s, name},
            {u"title"_s, title},
            {u"description"_s, description},
            {u"scope"_s, scope},
            {u"rank"_s, rank},
            {u"permissions"_s, QJsonArray::fromStringList(permissions)}};
}

} // namespace datarecs
