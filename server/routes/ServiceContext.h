#pragma once

#include "RateLimiter.h"
#include "core/Caller.h"
#include "crypto/ServerKeyring.h"
#include "http/ApiRequest.h"
#include "storage/Storage.h"

#include <functional>

namespace datarecs::server {

struct ServerConfig
{
    qsizetype maxBodyBytes = 64 * 1024;
    qint64 sessionLifetimeMs = 12LL * 3600 * 1000;
    qint64 idempotencyWindowMs = 3600LL * 1000; // long enough for a client's retries, short for a sealed secret
    RateLimits rateLimits;
};

/// What every route handler works with: storage, the server's secrets, settings and the clock.
struct ServiceContext
{
    Storage &storage;
    const ServerKeyring &keyring;
    ServerConfig config;
    std::function<qint64()> clock; // milliseconds since the epoch; tests may replace it

    qint64 now() const;
};

/// One request on its way through the API: who sent it and what its audit record will say.
struct RequestContext
{
    const ApiRequest &request;
    Caller caller;
    QStringList params;
    qint64 now = 0;

    // Filled by handlers: the object the request acted on, for the audit record.
    QString targetType;
    QString targetId;
    QString targetName;
    QString workspaceId;
    QString detail;

    void setTarget(const ApiKeyRecord &key)
    {
        targetType = QStringLiteral("api_key");
        targetId = key.id;
        targetName = key.name;
        workspaceId = key.workspaceId;
    }
};

} // namespace datarecs::server
