#pragma once

#include "Authenticator.h"
#include "ServiceContext.h"
#include "http/ApiRequest.h"
#include "http/ApiResponse.h"
#include "http/Router.h"

#include <vector>

namespace datarecs::server {

/// The whole REST API as one function from request to response, independent of sockets. A request runs
/// in a storage transaction that also holds its audit record, and its answer is returned only once that
/// transaction has committed, so an answered request always has its audit record on disk.
///
/// handleBatch() runs several requests in one transaction (group commit): one BEGIN/COMMIT, one lock of
/// each audit chain, instead of one per request. If any of them fails in storage the whole batch is
/// rolled back and each request is run again alone, so a failing request never costs the others theirs.
class ApiService
{
public:
    explicit ApiService(ServiceContext &context);

    struct Result
    {
        ApiResponse response;
        QString actorId; // for the access log
    };

    Result handle(ApiRequest request);
    /// Answers requests that arrived together, in order; at most batchLimit() share a transaction.
    QList<Result> handleBatch(QList<ApiRequest> requests);

    /// 1 turns group commit off: every request gets its own transaction.
    void setBatchLimit(int limit) { m_batchLimit = qMax(1, limit); }
    int batchLimit() const { return m_batchLimit; }

    /// Appends an audit record built from the request and the caller to the caller's tenant chain.
    static bool recordAudit(ServiceContext &context, const RequestContext &rc, const QString &action, int status,
                            const QString &detail = {});
    /// What an audit record says of an answer: a problem's detail, nothing for a success.
    static QString problemDetail(const ApiResponse &response);

private:
    struct Job
    {
        ApiRequest request;
        Router::Match match;
        Result result;
        bool answered = false; // without storage, by prepare()
        // The answer prepare() gave before any route ran (404, 405, 413) to a request presenting an API
        // key: it still goes through storage, to authenticate the key and record the request against it.
        std::optional<ApiResponse> refusedEarly;
    };
    void prepare(Job &job);
    /// Runs a group in one transaction. False if storage failed for one of several (nothing was
    /// committed; the caller runs them again alone); a group of one is answered 500 instead.
    bool runTogether(const std::vector<Job *> &group);
    /// Handles one request inside the open transaction; false if storage failed.
    bool process(Job &job);
    void finish(Job &job);

    ServiceContext &m_context;
    int m_batchLimit = 64;
    Authenticator m_authenticator;
    Router m_router;
};

} // namespace datarecs::server
