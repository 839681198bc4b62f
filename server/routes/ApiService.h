#pragma once

#include "Authenticator.h"
#include "ServiceContext.h"
#include "http/ApiRequest.h"
#include "http/ApiResponse.h"
#include "http/Router.h"

namespace datarecs::server {

/// The whole REST API as one function from request to response, independent of sockets. Each request
/// runs in one storage transaction that also holds its audit record, so an answered request has its
/// audit record committed before the answer leaves.
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

    /// Appends an audit record built from the request and the caller to the caller's tenant chain.
    static bool recordAudit(ServiceContext &context, const RequestContext &rc, const QString &action, int status,
                            const QString &detail = {});

private:
    ServiceContext &m_context;
    Authenticator m_authenticator;
    Router m_router;
};

} // namespace datarecs::server
