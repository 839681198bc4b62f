#include "ApiError.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace datarecs {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ApiError", text);
}

QString hostOf(const QUrl &url)
{
    if (url.isEmpty()) return tr("the server");
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

} // namespace

ApiError::ApiError(Kind kind, QString detail)
    : m_kind(kind)
    , m_detail(std::move(detail))
{}

ApiError ApiError::malformed(const QString &detail)
{
    return ApiError(Kind::MalformedResponse, detail);
}

ApiError ApiError::notTheApi(const QString &contentType)
{
    ApiError e(Kind::MalformedResponse, contentType);
    e.m_type = QStringLiteral("not-the-api"); // what userMessage() tells apart; is() stays false
    return e;
}

ApiError ApiError::fromHttp(int status, const QByteArray &body, const QByteArray &requestIdHeader)
{
    ApiError e;
    e.m_kind = Kind::Http;
    e.m_status = status;
    e.m_requestId = QString::fromLatin1(requestIdHeader);
    // A proxy or a crashed server may answer with HTML or nothing: keep the status, take what parses.
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    static const QString prefix = QStringLiteral("https://datarecs.dev/problems/");
    const QString type = o.value(QLatin1StringView("type")).toString();
    e.m_type = type.startsWith(prefix) ? type.mid(prefix.size()) : type;
    e.m_title = o.value(QLatin1StringView("title")).toString();
    e.m_detail = o.value(QLatin1StringView("detail")).toString();
    const QString bodyRequestId = o.value(QLatin1StringView("request_id")).toString();
    if (!bodyRequestId.isEmpty()) e.m_requestId = bodyRequestId;
    const QJsonArray errors = o.value(QLatin1StringView("errors")).toArray();
    for (const QJsonValue &v : errors) {
        const QJsonObject fe = v.toObject();
        e.m_fieldErrors.append({fe.value(QLatin1StringView("field")).toString(),
                                fe.value(QLatin1StringView("message")).toString()});
    }
    if (o.value(QLatin1StringView("limit")).isDouble())
        e.m_quotaLimit = o.value(QLatin1StringView("limit")).toInteger();
    if (o.value(QLatin1StringView("used")).isDouble())
        e.m_quotaUsed = o.value(QLatin1StringView("used")).toInteger();
    if (e.m_title.isEmpty()) e.m_title = QStringLiteral("HTTP %1").arg(status);
    return e;
}

QString ApiError::kindName() const
{
    switch (m_kind) {
    case Kind::Http:
        return QStringLiteral("http");
    case Kind::Network:
        return QStringLiteral("network");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    case Kind::MalformedResponse:
        return QStringLiteral("malformed response");
    case Kind::InsecureTransport:
        return QStringLiteral("insecure transport");
    case Kind::InvalidInput:
        return QStringLiteral("invalid input");
    case Kind::LocalIo:
        return QStringLiteral("local i/o");
    }
    return {};
}

QString ApiError::userMessage() const
{
    const QString host = hostOf(m_url);
    switch (m_kind) {
    case Kind::Network:
        return tr("Could not reach %1 (%2): check the server address and your network, then try again.")
            .arg(host, m_detail);
    case Kind::Timeout:
        return tr("%1 did not answer in time: check that the server is running and try again.").arg(host);
    case Kind::Cancelled:
        return tr("The request was cancelled.");
    case Kind::MalformedResponse:
        if (m_type == u"not-the-api")
            return tr("%1 answered with %2, which the DataRecs API never sends here: check that this is the "
                      "DataRecs server's address, and that no proxy or network sign-in page answers in its place.")
                .arg(host, m_detail);
        return tr("The server's answer could not be understood (%1): the server may run an incompatible "
                  "version.")
            .arg(m_detail);
    case Kind::InsecureTransport:
        return tr("Refusing to send credentials over plain HTTP to %1: use an https:// address (plain http "
                  "is "
                  "only allowed to this computer).")
            .arg(host);
    case Kind::InvalidInput:
    case Kind::LocalIo:
        return m_detail;
    case Kind::Http:
        break;
    }

    // One sentence per problem type a person can act on; the server's detail adds the specifics.
    const QString detail = m_detail.isEmpty() ? m_title : m_detail;
    if (m_type == u"invalid-token")
        return tr(
            "The server refused the key: check it was copied exactly (keys are case-sensitive) and that "
            "it is not disabled.");
    if (m_type == u"unauthenticated") return tr("You are not signed in: sign in, or provide an API key.");
    if (m_type == u"invalid-credentials")
        return tr("The email or password is wrong: check both and try again.");
    if (m_type == u"forbidden")
        return tr("You are not allowed to do this (%1): ask a tenant owner or admin for a role that "
                  "allows it.")
            .arg(detail);
    if (m_type == u"role-too-high")
        return tr("A key cannot have a role above your own (%1): choose a lower role.").arg(detail);
    if (m_type == u"not-found")
        return tr("Not found (%1): it may have been deleted, or it is outside what you can see.").arg(detail);
    if (m_type == u"quota-exceeded") {
        if (m_quotaLimit)
            return tr("Your tenant has reached its limit of %1 API keys: delete unused keys or ask support "
                      "to "
                      "raise the quota.")
                .arg(*m_quotaLimit);
        return tr("Your tenant has reached its API key limit: delete unused keys or ask support to raise the "
                  "quota.");
    }
    if (m_type == u"validation-failed" || m_type == u"invalid-parameter" || m_type == u"invalid-json")
        return tr("The server rejected a value (%1): correct it and try again.").arg(detail);
    if (m_type == u"invalid-cursor")
        return tr("The list position is no longer valid (%1): start the listing again.").arg(detail);
    if (m_type == u"idempotency-key-reused")
        return tr("This request repeats an earlier one with different content (%1): start a new request.")
            .arg(detail);
    if (m_type == u"payload-too-large")
        return tr("The request is too large (%1): shorten the text fields.").arg(detail);
    if (m_type == u"rate-limited") return tr("Too many requests: wait a moment and try again.");
    if (m_status >= 500)
        return tr("The server failed to handle the request (%1%2): try again later, and report it if it "
                  "persists.")
            .arg(detail,
                 m_requestId.isEmpty() ? QString() : QStringLiteral(", request id %1").arg(m_requestId));
    return tr("The server refused the request with HTTP %1 (%2).").arg(m_status).arg(detail);
}

} // namespace datarecs
