#include "Problem.h"

#include "core/Redaction.h"

namespace datarecs::server::Problem {

QString typeUri(const QString &slug) { return QStringLiteral("https://datarecs.dev/problems/") + slug; }

ApiResponse make(int status, const QString &slug, const QString &title, const QString &detail,
                 const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("type"), typeUri(slug));
    body.insert(QStringLiteral("title"), title);
    body.insert(QStringLiteral("status"), status);
    // Details often quote what the client sent (an id, a parameter name); a credential pasted there by
    // mistake must not be echoed into client logs, proxies and bug reports.
    if (!detail.isEmpty())
        body.insert(QStringLiteral("detail"), redactSecrets(detail).left(1000));
    ApiResponse r = ApiResponse::json(status, body);
    r.setHeader("Content-Type", "application/problem+json");
    return r;
}

ApiResponse invalidJson(const QString &detail)
{
    return make(400, QStringLiteral("invalid-json"), QStringLiteral("The body is not a valid JSON object"), detail);
}

ApiResponse validation(const QJsonArray &rawErrors)
{
    QStringList parts;
    QJsonArray errors;
    for (const QJsonValue &e : rawErrors) {
        QJsonObject o = e.toObject();
        o.insert(QStringLiteral("field"), redactSecrets(o.value(QStringLiteral("field")).toString()).left(100));
        errors.append(o);
        parts << o.value(QStringLiteral("field")).toString() + QStringLiteral(": ")
                     + o.value(QStringLiteral("message")).toString();
    }
    return make(400, QStringLiteral("validation-failed"), QStringLiteral("The request has invalid fields"),
                parts.join(QStringLiteral("; ")), {{QStringLiteral("errors"), errors}});
}

ApiResponse invalidParameter(const QString &name, const QString &message)
{
    return make(400, QStringLiteral("invalid-parameter"), QStringLiteral("A query parameter is invalid"),
                name + QStringLiteral(": ") + message);
}

ApiResponse invalidCursor()
{
    return make(400, QStringLiteral("invalid-cursor"), QStringLiteral("The cursor is not valid for this list"),
                QStringLiteral("Start again from the first page, without a cursor, using the same filters."));
}

ApiResponse unauthenticated()
{
    ApiResponse r = make(401, QStringLiteral("unauthenticated"), QStringLiteral("Authentication required"),
                         QStringLiteral("Send a session token or an API key as 'Authorization: Bearer <value>'."));
    r.setHeader("WWW-Authenticate", "Bearer realm=\"datarecs\"");
    return r;
}

ApiResponse invalidToken(const QString &detail)
{
    ApiResponse r = make(401, QStringLiteral("invalid-token"), QStringLiteral("The credential was refused"), detail);
    QByteArray description = detail.toUtf8();
    description.replace('"', '\'');
    description.replace('\\', ' ');
    r.setHeader("WWW-Authenticate",
                "Bearer realm=\"datarecs\", error=\"invalid_token\", error_description=\"" + description + '"');
    return r;
}

ApiResponse invalidCredentials()
{
    ApiResponse r = make(401, QStringLiteral("invalid-credentials"), QStringLiteral("Wrong email or password"),
                         QStringLiteral("Check the email address and the password, then try again."));
    r.setHeader("WWW-Authenticate", "Bearer realm=\"datarecs\"");
    return r;
}

ApiResponse forbidden(const QString &detail)
{
    return make(403, QStringLiteral("forbidden"), QStringLiteral("Not allowed"), detail);
}

ApiResponse roleTooHigh(const QString &detail)
{
    return make(403, QStringLiteral("role-too-high"), QStringLiteral("Role above your own"), detail);
}

ApiResponse notFound(const QString &detail)
{
    return make(404, QStringLiteral("not-found"), QStringLiteral("Not found"),
                detail.isEmpty() ? QStringLiteral("There is nothing at this address.") : detail);
}

ApiResponse methodNotAllowed(const QByteArrayList &allowed)
{
    ApiResponse r = make(405, QStringLiteral("method-not-allowed"), QStringLiteral("Method not allowed"),
                         QStringLiteral("This address accepts: %1.").arg(QString::fromLatin1(allowed.join(", "))));
    r.setHeader("Allow", allowed.join(", "));
    return r;
}

ApiResponse quotaExceeded(int limit, int used)
{
    return make(409, QStringLiteral("quota-exceeded"), QStringLiteral("API key quota reached"),
                QStringLiteral("%1 of %2 keys are in use: delete unused keys or ask to raise the quota.")
                    .arg(used)
                    .arg(limit),
                {{QStringLiteral("limit"), limit}, {QStringLiteral("used"), used}});
}

ApiResponse idempotencyKeyReused()
{
    return make(422, QStringLiteral("idempotency-key-reused"),
                QStringLiteral("Idempotency-Key already used for another request"),
                QStringLiteral("Use a new Idempotency-Key for a different request."));
}

ApiResponse payloadTooLarge(qsizetype limit)
{
    return make(413, QStringLiteral("payload-too-large"), QStringLiteral("The body is too large"),
                QStringLiteral("Bodies are limited to %1 bytes.").arg(limit));
}

ApiResponse unsupportedMediaType()
{
    return make(415, QStringLiteral("unsupported-media-type"), QStringLiteral("Unsupported media type"),
                QStringLiteral("Send the body as JSON with 'Content-Type: application/json'."));
}

ApiResponse rateLimited(int retryAfterSeconds, const QString &detail)
{
    ApiResponse r = make(429, QStringLiteral("rate-limited"), QStringLiteral("Too many attempts"),
                         detail + QStringLiteral(" Try again in %1 seconds.").arg(retryAfterSeconds));
    r.setHeader("Retry-After", QByteArray::number(retryAfterSeconds));
    return r;
}

ApiResponse internalError()
{
    return make(500, QStringLiteral("internal-error"), QStringLiteral("Internal error"),
                QStringLiteral("The server could not complete the request; quote the request id when reporting it."));
}

} // namespace datarecs::server::Problem
