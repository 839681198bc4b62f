#pragma once

#include "ServiceContext.h"
#include "http/Router.h"

#include <optional>

namespace datarecs::server {

/// /v1/audit-events: newest-first pages, streamed CSV/NDJSON export, and chain verification.
class AuditRoutes
{
public:
    static void install(Router &router, ServiceContext &context);

private:
    explicit AuditRoutes(ServiceContext &context);
    ApiResponse list(RequestContext &rc);
    ApiResponse exportEvents(RequestContext &rc);
    ApiResponse verify(RequestContext &rc);

    /// Reads the filters shared by list and export; the problem to answer with on bad input.
    std::optional<ApiResponse> readFilters(RequestContext &rc, AuditQuery *query, class QueryInput &input);

    ServiceContext &m_context;
};

} // namespace datarecs::server
