#include "Workspace.h"

#include "JsonReader.h"

using namespace Qt::StringLiterals;

namespace datarecs {

Result<Workspace> Workspace::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    Workspace out;
    out.id = r.string("id"_L1);
    out.name = r.string("name"_L1);
    out.description = r.string("description"_L1);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject Workspace::toJson() const
{
    return {{u"id"_s, id}, {u"name"_s, name}, {u"description"_s, description}};
}

} // namespace datarecs
