#pragma once

#include "ServiceContext.h"
#include "http/Router.h"

namespace datarecs::server {

/// /v1/api-keys: list, create (with Idempotency-Key), read, rename, enable, disable, rotate, delete,
/// and look a key up by its value.
class ApiKeyRoutes
{
public:
    static void install(Router &router, ServiceContext &context);

private:
    explicit ApiKeyRoutes(ServiceContext &context);
    ApiResponse list(RequestContext &rc);
    ApiResponse create(RequestContext &rc);
    ApiResponse get(RequestContext &rc);
    ApiResponse update(RequestContext &rc);
    ApiResponse remove(RequestContext &rc);
    ApiResponse disable(RequestContext &rc);
    ApiResponse enable(RequestContext &rc);
    ApiResponse setEnabled(RequestContext &rc, bool enabled);
    ApiResponse rotate(RequestContext &rc);
    ApiResponse lookup(RequestContext &rc);

    struct NewKey
    {
        QString name;
        QString description;
        QString role;
        QString workspaceId;
        std::optional<qint64> expiresAt;
        QString replaces;
    };
    /// Checks quota and mints the key; answers 201 with the value. Replays and records
    /// Idempotency-Key results.
    ApiResponse mint(RequestContext &rc, const NewKey &spec, const std::optional<ApiKeyRecord> &replaced);
    enum class Access { Read, Change };
    /// The key named in the path if the caller may see it; otherwise the 404 to answer with. For Change,
    /// the key stays locked until the request's transaction ends (Storage::apiKeyForUpdate).
    std::optional<ApiKeyRecord> visibleKey(RequestContext &rc, ApiResponse *notFound, Access access);
    std::optional<ApiResponse> refuseHigherRole(const RequestContext &rc, const QString &role, const QString &verb);

    ServiceContext &m_context;
};

} // namespace datarecs::server
