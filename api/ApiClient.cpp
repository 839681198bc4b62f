#include "ApiClient.h"

#include "JsonReader.h"
#include "KeyFormat.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QUrlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace datarecs {

namespace {

void addItem(QUrlQuery &q, const QString &key, const QString &value)
{
    // Percent-encode ourselves: QUrlQuery would leave '+' as is, which servers read as a space.
    if (!value.isEmpty()) q.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
}

void addItem(QUrlQuery &q, const QString &key, const std::optional<qint64> &value)
{
    if (value) q.addQueryItem(key, QString::number(*value));
}

void addItem(QUrlQuery &q, const QString &key, const std::optional<QDateTime> &value)
{
    if (value) addItem(q, key, JsonWrite::timestamp(*value));
}

void addAuditFilters(QUrlQuery &q, const AuditQuery &query)
{
    addItem(q, u"api_key_id"_s, query.apiKeyId);
    addItem(q, u"actor_id"_s, query.actorId);
    addItem(q, u"action"_s, query.action);
    addItem(q, u"outcome"_s, query.outcome);
    addItem(q, u"since"_s, query.since);
    addItem(q, u"until"_s, query.until);
    addItem(q, u"after_id"_s, query.afterId);
}

/// Key ids go into the path: anything but the contract's shape is refused before sending.
std::optional<ApiError> checkKeyId(const QString &id)
{
    static const QRegularExpression shape(u"^key_[0-9A-Za-z]{16}$"_s);
    if (shape.match(id).hasMatch()) return std::nullopt;
    // A key value pasted where its id belongs must not be echoed back into a terminal or a CI log.
    if (KeyFormat::containsCredential(id))
        return ApiError(ApiError::Kind::InvalidInput,
                        QCoreApplication::translate("ApiClient", "That is a secret value (an API key or session "
                                                                 "token), not an API key id; it was not sent. Ids "
                                                                 "look like key_ followed by 16 letters and digits."));
    return ApiError(ApiError::Kind::InvalidInput,
                    QCoreApplication::translate("ApiClient", "\"%1\" is not an API key id: ids look like "
                                                             "key_ followed by 16 letters and digits.")
                        .arg(id));
}

QByteArray toBody(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{}

ApiClient::~ApiClient() = default;

void ApiClient::setBaseUrl(const QUrl &url)
{
    m_baseUrl = url.adjusted(QUrl::StripTrailingSlash);
}

QString ApiClient::newIdempotencyKey()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QUrl ApiClient::endpoint(const QString &path) const
{
    QUrl url = m_baseUrl;
    url.setPath(m_baseUrl.path() + path);
    return url;
}

ApiJob::Request ApiClient::request(const QByteArray &method, const QUrl &url) const
{
    ApiJob::Request r;
    r.method = method;
    r.url = url;
    r.bearer = m_credential;
    if (!m_baseUrl.isValid() || m_baseUrl.scheme().isEmpty() || m_baseUrl.host().isEmpty())
        r.refusal =
            ApiError(ApiError::Kind::InvalidInput,
                     tr("No valid server address is set (use a URL such as https://datarecs.example.com)."));
    return r;
}

template <typename T> ApiCall<T> *ApiClient::send(ApiJob::Request request, typename ApiCall<T>::Parser parser)
{
    return new ApiCall<T>(m_nam, std::move(request), m_options, std::move(parser), this);
}

template <typename T> ApiCall<T> *ApiClient::sendJson(ApiJob::Request request, const QString &what)
{
    return send<T>(std::move(request), [what](const ApiJob &job) -> Result<T> {
        return parseJson<T>(job.body(), what);
    });
}

namespace {

template <typename T> Result<QList<T>> parseItems(const ApiJob &job, const QString &what)
{
    Result<Page<T>> page = parseJson<Page<T>>(job.body(), what);
    if (!page) return page.error();
    return page.value().items;
}

Result<NoContent> noContent(const ApiJob &)
{
    return NoContent{};
}

Result<CreatedApiKey> parseCreated(const ApiJob &job)
{
    Result<CreatedApiKey> created = parseJson<CreatedApiKey>(job.body(), u"CreatedApiKey"_s);
    if (created) created.value().replayed = job.responseHeader("Idempotent-Replayed") == "true";
    return created;
}

} // namespace

ApiCall<Health> *ApiClient::health()
{
    ApiJob::Request r = request("GET", endpoint(u"/v1/health"_s));
    r.bearer.clear();
    return sendJson<Health>(std::move(r), u"Health"_s);
}

ApiCall<LoginResult> *ApiClient::login(const QString &email, const QString &password)
{
    ApiJob::Request r = request("POST", endpoint(u"/v1/auth/login"_s));
    r.bearer.clear();
    r.bodyHoldsSecret = true;
    r.body = toBody({{u"email"_s, email}, {u"password"_s, password}});
    return sendJson<LoginResult>(std::move(r), u"Login"_s);
}

ApiCall<NoContent> *ApiClient::logout()
{
    return send<NoContent>(request("POST", endpoint(u"/v1/auth/logout"_s)), noContent);
}

ApiCall<Identity> *ApiClient::me()
{
    return sendJson<Identity>(request("GET", endpoint(u"/v1/me"_s)), u"Identity"_s);
}

ApiCall<QList<Role>> *ApiClient::roles()
{
    return send<QList<Role>>(request("GET", endpoint(u"/v1/roles"_s)),
                             [](const ApiJob &job) { return parseItems<Role>(job, u"Roles"_s); });
}

ApiCall<QList<Workspace>> *ApiClient::workspaces()
{
    return send<QList<Workspace>>(request("GET", endpoint(u"/v1/workspaces"_s)), [](const ApiJob &job) {
        return parseItems<Workspace>(job, u"Workspaces"_s);
    });
}

ApiCall<Quota> *ApiClient::quota()
{
    return sendJson<Quota>(request("GET", endpoint(u"/v1/quota"_s)), u"Quota"_s);
}

ApiCall<Page<ApiKey>> *ApiClient::listApiKeys(const ApiKeyQuery &query, const QString &cursor)
{
    QUrl url = endpoint(u"/v1/api-keys"_s);
    QUrlQuery q;
    addItem(q, u"status"_s, query.status);
    addItem(q, u"q"_s, query.search);
    addItem(q, u"workspace_id"_s, query.workspaceId);
    addItem(q, u"stale_days"_s, query.staleDays ? std::optional<qint64>(*query.staleDays) : std::nullopt);
    addItem(q, u"rotation_days"_s,
            query.rotationDays ? std::optional<qint64>(*query.rotationDays) : std::nullopt);
    addItem(q, u"limit"_s, query.limit ? std::optional<qint64>(*query.limit) : std::nullopt);
    addItem(q, u"cursor"_s, cursor);
    url.setQuery(q);
    return sendJson<Page<ApiKey>>(request("GET", url), u"ApiKeyPage"_s);
}

ApiCall<ApiKey> *ApiClient::apiKey(const QString &id)
{
    ApiJob::Request r = request("GET", endpoint(u"/v1/api-keys/"_s + id));
    if (!r.refusal) r.refusal = checkKeyId(id);
    return sendJson<ApiKey>(std::move(r), u"ApiKey"_s);
}

ApiCall<CreatedApiKey> *ApiClient::createApiKey(const NewApiKey &key, const QString &idempotencyKey)
{
    ApiJob::Request r = request("POST", endpoint(u"/v1/api-keys"_s));
    QJsonObject body{{u"name"_s, key.name}, {u"role"_s, key.role}};
    if (!key.description.isEmpty()) body.insert(u"description"_s, key.description);
    if (!key.workspaceId.isEmpty()) body.insert(u"workspace_id"_s, key.workspaceId);
    if (key.expiresAt) body.insert(u"expires_at"_s, JsonWrite::timestamp(*key.expiresAt));
    r.body = toBody(body);
    r.idempotencyKey = (idempotencyKey.isEmpty() ? newIdempotencyKey() : idempotencyKey).toLatin1();
    return send<CreatedApiKey>(std::move(r), parseCreated);
}

ApiCall<ApiKey> *ApiClient::updateApiKey(const QString &id, const std::optional<QString> &name,
                                         const std::optional<QString> &description)
{
    ApiJob::Request r = request("PATCH", endpoint(u"/v1/api-keys/"_s + id));
    if (!r.refusal) r.refusal = checkKeyId(id);
    QJsonObject body;
    if (name) body.insert(u"name"_s, *name);
    if (description) body.insert(u"description"_s, *description);
    r.body = toBody(body);
    return sendJson<ApiKey>(std::move(r), u"ApiKey"_s);
}

ApiCall<NoContent> *ApiClient::deleteApiKey(const QString &id)
{
    ApiJob::Request r = request("DELETE", endpoint(u"/v1/api-keys/"_s + id));
    if (!r.refusal) r.refusal = checkKeyId(id);
    return send<NoContent>(std::move(r), noContent);
}

ApiCall<ApiKey> *ApiClient::enableApiKey(const QString &id)
{
    ApiJob::Request r = request("POST", endpoint(u"/v1/api-keys/%1/enable"_s.arg(id)));
    if (!r.refusal) r.refusal = checkKeyId(id);
    return sendJson<ApiKey>(std::move(r), u"ApiKey"_s);
}

ApiCall<ApiKey> *ApiClient::disableApiKey(const QString &id)
{
    ApiJob::Request r = request("POST", endpoint(u"/v1/api-keys/%1/disable"_s.arg(id)));
    if (!r.refusal) r.refusal = checkKeyId(id);
    return sendJson<ApiKey>(std::move(r), u"ApiKey"_s);
}

ApiCall<CreatedApiKey> *ApiClient::rotateApiKey(const QString &id, const RotateOptions &options,
                                                const QString &idempotencyKey)
{
    ApiJob::Request r = request("POST", endpoint(u"/v1/api-keys/%1/rotate"_s.arg(id)));
    if (!r.refusal) r.refusal = checkKeyId(id);
    QJsonObject body;
    if (options.name) body.insert(u"name"_s, *options.name);
    if (options.description) body.insert(u"description"_s, *options.description);
    if (options.expiresAt) body.insert(u"expires_at"_s, JsonWrite::timestamp(*options.expiresAt));
    r.body = toBody(body);
    r.idempotencyKey = (idempotencyKey.isEmpty() ? newIdempotencyKey() : idempotencyKey).toLatin1();
    return send<CreatedApiKey>(std::move(r), parseCreated);
}

ApiCall<ApiKey> *ApiClient::lookupApiKey(const QString &value)
{
    ApiJob::Request r = request("POST", endpoint(u"/v1/api-keys/lookup"_s));
    const KeyFormat::Check check = KeyFormat::check(value);
    if (check != KeyFormat::Check::Valid && !r.refusal)
        r.refusal = ApiError(ApiError::Kind::InvalidInput, KeyFormat::describe(check));
    r.body = toBody({{u"value"_s, value}});
    r.bodyHoldsSecret = true;
    return sendJson<ApiKey>(std::move(r), u"ApiKey"_s);
}

ApiCall<Page<AuditEvent>> *ApiClient::listAuditEvents(const AuditQuery &query, const QString &cursor)
{
    QUrl url = endpoint(u"/v1/audit-events"_s);
    QUrlQuery q;
    addAuditFilters(q, query);
    addItem(q, u"limit"_s, query.limit ? std::optional<qint64>(*query.limit) : std::nullopt);
    addItem(q, u"cursor"_s, cursor);
    url.setQuery(q);
    return sendJson<Page<AuditEvent>>(request("GET", url), u"AuditEventPage"_s);
}

ApiCall<qint64> *ApiClient::exportAuditEvents(const AuditQuery &query, ExportFormat format, QIODevice *sink)
{
    QUrl url = endpoint(u"/v1/audit-events/export"_s);
    QUrlQuery q;
    addItem(q, u"format"_s, format == ExportFormat::Csv ? u"csv"_s : u"ndjson"_s);
    addAuditFilters(q, query);
    url.setQuery(q);
    ApiJob::Request r = request("GET", url);
    r.sink = sink;
    r.sinkContentType = format == ExportFormat::Csv ? QByteArrayLiteral("text/csv") : QByteArrayLiteral("application/x-ndjson");
    return send<qint64>(std::move(r), [](const ApiJob &job) -> Result<qint64> { return job.bytesWritten(); });
}

ApiCall<AuditVerification> *ApiClient::verifyAuditChain()
{
    return sendJson<AuditVerification>(request("GET", endpoint(u"/v1/audit-events/verify"_s)),
                                       u"AuditVerification"_s);
}

} // namespace datarecs
