#include "Responses.h"

#include "JsonReader.h"
#include "KeyFormat.h"

using namespace Qt::StringLiterals;

namespace datarecs {

namespace {

/// AuditVerification's "first_broken": the first event whose hash does not verify.
struct FirstBroken
{
    qint64 id = 0;
    QString reason;

    static Result<FirstBroken> fromJson(const JsonValue &value, const QString &path)
    {
        JsonReader r(value, path);
        FirstBroken out;
        out.id = r.integer("id"_L1);
        out.reason = r.string("reason"_L1);
        if (r.failed()) return r.error();
        return out;
    }
};

} // namespace

Result<Health> Health::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    Health out;
    out.status = r.string("status"_L1);
    out.version = r.string("version"_L1);
    if (r.failed()) return r.error();
    return out;
}

Result<LoginResult> LoginResult::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    LoginResult out;
    out.token = r.string("token"_L1);
    if (!r.failed() && !out.token.startsWith(u"drs_"))
        r.fail("token"_L1, u"a session token starting with \"drs_\""_s);
    out.tokenType = r.string("token_type"_L1);
    out.expiresAt = r.timestamp("expires_at"_L1);
    out.user = r.nested<User>("user"_L1);
    if (r.failed()) return r.error();
    return out;
}

Result<CreatedApiKey> CreatedApiKey::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    CreatedApiKey out;
    out.apiKey = r.nested<ApiKey>("api_key"_L1);
    out.secret = r.string("secret"_L1);
    // Never describe the value itself in the error: it is a secret.
    if (!r.failed() && !KeyFormat::isValid(out.secret)) r.fail("secret"_L1, u"a well-formed drk_ key"_s);
    out.replaces = r.nullableNested<ApiKey>("replaces"_L1);
    if (r.failed()) return r.error();
    return out;
}

Result<AuditVerification> AuditVerification::fromJson(const JsonValue &value, const QString &path)
{
    JsonReader r(value, path);
    AuditVerification out;
    out.ok = r.boolean("ok"_L1);
    out.checked = r.integer("checked"_L1);
    if (const std::optional<FirstBroken> broken = r.nullableNested<FirstBroken>("first_broken"_L1)) {
        out.firstBrokenId = broken->id;
        out.firstBrokenReason = broken->reason;
    }
    if (!r.failed() && !out.ok && !out.firstBrokenId)
        r.fail("first_broken"_L1, u"the first broken event when ok is false"_s);
    if (r.failed()) return r.error();
    return out;
}

QJsonObject AuditVerification::toJson() const
{
    QJsonValue broken;
    if (firstBrokenId) broken = QJsonObject{{u"id"_s, *firstBrokenId}, {u"reason"_s, firstBrokenReason}};
    return {{u"ok"_s, ok}, {u"checked"_s, checked}, {u"first_broken"_s, broken}};
}

} // namespace datarecs
