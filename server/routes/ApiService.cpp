#include "ApiService.h"

#include "ApiKeyRoutes.h"
#include "AuditRoutes.h"
#include "IdentityRoutes.h"
#include "audit/AuditChain.h"
#include "core/Redaction.h"
#include "crypto/Random.h"
#include "http/Problem.h"

#include <QJsonDocument>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcApi, "datarecs.server.api", QtWarningMsg)

namespace datarecs::server {

namespace {

QString outcomeOf(int status)
{
    if (status >= 500)
        return QStringLiteral("error");
    return status >= 400 ? QStringLiteral("refused") : QStringLiteral("success");
}

// Problems name the request they answer, so a person reporting one can quote it.
void stampProblem(ApiResponse &response, const ApiRequest &request)
{
    if (!response.header("Content-Type").startsWith("application/problem+json"))
        return;
    QJsonObject body = QJsonDocument::fromJson(response.body).object();
    body.insert(QStringLiteral("instance"), redactSecrets(request.path));
    body.insert(QStringLiteral("request_id"), request.requestId);
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace

ApiService::ApiService(ServiceContext &context)
    : m_context(context)
    , m_authenticator(context)
{
    IdentityRoutes::install(m_router, context);
    ApiKeyRoutes::install(m_router, context);
    AuditRoutes::install(m_router, context);
}

QString ApiService::problemDetail(const ApiResponse &response)
{
    if (response.status < 400)
        return {};
    return QJsonDocument::fromJson(response.body).object().value(QStringLiteral("detail")).toString().left(500);
}

bool ApiService::recordAudit(ServiceContext &context, const RequestContext &rc, const QString &action, int status,
                             const QString &detail)
{
    AuditRecord record;
    record.tenantId = rc.caller.tenantId;
    record.occurredAt = rc.now;
    record.actorType = rc.caller.actorType();
    record.actorId = rc.caller.actorId();
    record.actorName = rc.caller.actorName();
    record.action = action;
    record.targetType = rc.targetType;
    record.targetId = redactSecrets(rc.targetId); // a key value pasted where its id belongs
    record.targetName = redactSecrets(rc.targetName);
    record.workspaceId = rc.workspaceId.isEmpty() ? rc.caller.workspaceId : rc.workspaceId;
    record.outcome = outcomeOf(status);
    record.httpStatus = status;
    record.method = QString::fromLatin1(rc.request.method);
    record.path = redactSecrets(rc.request.path.left(300));
    record.sourceIp = rc.request.sourceIp;
    record.userAgent = redactSecrets(QString::fromUtf8(rc.request.header("user-agent")).left(300));
    record.requestId = rc.request.requestId;
    record.detail = redactSecrets(detail.isEmpty() ? rc.detail : detail);
    return context.storage.appendAudit(record, &AuditChain::hashOf);
}

ApiService::Result ApiService::handle(ApiRequest request)
{
    QList<ApiRequest> one;
    one.append(std::move(request));
    return handleBatch(std::move(one)).takeFirst();
}

QList<ApiService::Result> ApiService::handleBatch(QList<ApiRequest> requests)
{
    QList<Job> jobs;
    jobs.reserve(requests.size());
    for (ApiRequest &request : requests) {
        jobs.append(Job{std::move(request), {}, {}, false, {}});
        prepare(jobs.last());
    }
    std::vector<Job *> group;
    group.reserve(size_t(qMin<qsizetype>(jobs.size(), m_batchLimit)));
    const auto run = [this, &group] {
        if (group.empty())
            return;
        if (!runTogether(group)) {
            // One of them failed in storage and the shared transaction is gone: each request runs
            // again alone, exactly as if it had arrived by itself, so only the failing one fails.
            for (Job *job : group) {
                job->result = {};
                std::vector<Job *> alone{job};
                runTogether(alone);
            }
        }
        group.clear();
    };
    for (Job &job : jobs) {
        if (job.answered)
            continue;
        group.push_back(&job);
        if (qsizetype(group.size()) >= m_batchLimit)
            run();
    }
    run();

    QList<Result> results;
    results.reserve(jobs.size());
    for (Job &job : jobs) {
        finish(job);
        results.append(std::move(job.result));
    }
    return results;
}

void ApiService::prepare(Job &job)
{
    ApiRequest &request = job.request;
    request.requestId = Random::id(QLatin1StringView("req_"), 22);
    job.match = m_router.match(request.method, request.path);
    ApiResponse &response = job.result.response;
    job.answered = true;
    if (request.body.size() > m_context.config.maxBodyBytes || !job.match.route) {
        if (request.body.size() > m_context.config.maxBodyBytes)
            response = Problem::payloadTooLarge(m_context.config.maxBodyBytes);
        else
            response = job.match.allowed.isEmpty() ? Problem::notFound() : Problem::methodNotAllowed(job.match.allowed);
        // Every request made with an API key is on record, these refusals too: the answer stays, and the
        // key is authenticated only to say whose request it was.
        if (Authenticator::bearerCredential(request.header("authorization")).startsWith("drk_")) {
            job.refusedEarly = response;
            job.answered = false;
        }
    } else if (!job.match.route->usesStorage) {
        // Nothing to read, write or audit (health): no transaction, no waiting for anyone's commit.
        RequestContext rc{request, {}, job.match.params, m_context.now(), {}, {}, {}, {}, {}};
        response = job.match.route->handler(rc);
    } else {
        job.answered = false;
    }
}

bool ApiService::runTogether(const std::vector<Job *> &group)
{
    Storage &storage = m_context.storage;
    if (!(group.size() > 1 ? storage.beginShared() : storage.begin())) {
        qCWarning(lcApi) << "cannot begin a transaction:" << storage.lastError();
        for (Job *job : group)
            job->result.response = Problem::internalError();
        return true;
    }
    bool ok = true;
    for (Job *job : group) {
        ok = process(*job);
        if (!ok)
            break;
    }
    // The writes held back until the commit go now, while a failure can still be retried.
    ok = ok && storage.flush();
    if (!ok) {
        const QString error = storage.lastError();
        storage.rollback();
        if (group.size() > 1) {
            // Expected now and then on PostgreSQL with several instances (a lock wait given up).
            qCInfo(lcApi) << "batch rolled back, its requests run again one by one:" << error;
            return false;
        }
        qCWarning(lcApi) << "request not committed:" << error;
        group.front()->result.response = Problem::internalError();
        return true;
    }
    if (!storage.commit()) {
        // Not retried: after a failed COMMIT (a connection lost half-way, say) nobody knows whether it
        // took effect, and running the requests again could do them twice.
        qCWarning(lcApi) << "requests not committed:" << storage.lastError();
        for (Job *job : group)
            job->result.response = Problem::internalError();
    }
    return true;
}

bool ApiService::process(Job &job)
{
    const ApiRequest &request = job.request;
    const Router::Match &match = job.match;
    const qint64 now = m_context.now();
    ApiResponse &response = job.result.response;

    RequestContext rc{request, {}, match.params, now, {}, {}, {}, {}, {}};
    Authenticator::Result auth;
    RateLimiter limiter(m_context.storage, m_context.config.rateLimits);
    const bool routed = !job.refusedEarly;
    if (!routed || match.route->requiresAuth) {
        // An address that keeps presenting invalid keys is stopped before any lookup.
        const int wait = Authenticator::bearerCredential(request.header("authorization")).startsWith("drk_")
            ? limiter.keyRetryAfter(request.sourceIp, now)
            : 0;
        if (wait > 0) {
            auth.presentedKey = true;
            auth.refusal = Problem::rateLimited(wait, QStringLiteral("Too many invalid API keys from this address."));
        } else {
            auth = m_authenticator.authenticate(request, now);
            if (auth.presentedKey && auth.refusal)
                limiter.keyRefused(request.sourceIp, now);
        }
    }
    rc.caller = auth.caller;

    if (!routed)
        response = *job.refusedEarly; // whatever became of the key
    else if (auth.refusal)
        response = *auth.refusal;
    else if (match.route->requiresAuth && !rc.caller.isAuthenticated())
        response = Problem::unauthenticated();
    else
        response = match.route->handler(rc);

    bool audited = true;
    if (routed && !match.route->auditAction.isEmpty() && rc.caller.isAuthenticated()) {
        audited = recordAudit(m_context, rc, match.route->auditAction, response.status, problemDetail(response));
    } else if (auth.presentedKey) {
        // Every request made with a key is on record, refused ones too; a refused value that
        // belongs to a known key is attributed to that key, in that key's tenant.
        RequestContext keyRc = rc;
        if (auth.refusedKey) {
            keyRc.caller.kind = Caller::Kind::ApiKey;
            keyRc.caller.tenantId = auth.refusedKey->tenantId;
            keyRc.caller.keyId = auth.refusedKey->id;
            keyRc.caller.keyName = auth.refusedKey->name;
            keyRc.caller.workspaceId = auth.refusedKey->workspaceId;
        }
        audited = recordAudit(m_context, keyRc, QStringLiteral("api_key.request"), response.status,
                              problemDetail(response));
    }
    job.result.actorId = rc.caller.actorId();
    // A statement that failed may have doomed the transaction (PostgreSQL) without the handler noticing.
    return audited && !m_context.storage.rollbackOnly();
}

void ApiService::finish(Job &job)
{
    ApiResponse &response = job.result.response;
    stampProblem(response, job.request);
    response.setHeader("X-Request-Id", job.request.requestId.toLatin1());
    response.setHeader("Cache-Control", "no-store");
}

} // namespace datarecs::server
