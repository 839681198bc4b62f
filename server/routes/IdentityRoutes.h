#pragma once

#include "ServiceContext.h"
#include "http/Router.h"

namespace datarecs::server {

/// Health, sign-in and sign-out, who-am-I, and the directory (roles, workspaces, quota).
class IdentityRoutes
{
public:
    static void install(Router &router, ServiceContext &context);

private:
    explicit IdentityRoutes(ServiceContext &context);
    ApiResponse health(RequestContext &rc);
    ApiResponse login(RequestContext &rc);
    ApiResponse logout(RequestContext &rc);
    ApiResponse me(RequestContext &rc);
    ApiResponse roles(RequestContext &rc);
    ApiResponse workspaces(RequestContext &rc);
    ApiResponse quota(RequestContext &rc);

    ServiceContext &m_context;
};

} // namespace datarecs::server
