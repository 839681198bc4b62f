#include "Quota.h"

#include "JsonReader.h"

using namespace Qt::StringLiterals;

namespace datarecs {

Result<Quota> Quota::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    Quota out;
    out.limit = r.integer("limit"_L1);
    out.used = r.integer("used"_L1);
    out.remaining = r.integer("remaining"_L1);
    if (!r.failed() && (out.limit < 0 || out.used < 0 || out.remaining < 0))
        r.fail("limit"_L1, u"non-negative counts"_s);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject Quota::toJson() const
{
    return {{u"limit"_s, limit}, {u"used"_s, used}, {u"remaining"_s, remaining}};
}

} // namespace datarecs
