#pragma once

#include "ApiResponse.h"

#include <QByteArrayList>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace datarecs::server {

struct RequestContext;

/// Maps a method and a path such as /v1/api-keys/{id}/disable to a handler. A path that exists
/// under other methods answers 405 with the methods it has; anything else answers 404.
class Router
{
public:
    using Handler = std::function<ApiResponse(RequestContext &)>;

    struct Route
    {
        QByteArray method;
        QStringList segments; // "{...}" marks a parameter
        Handler handler;
        bool requiresAuth = true;
        QString auditAction; // recorded for every call, whoever the caller; empty: none
        bool usesStorage = true; // false: answered without a transaction (and never audited)
    };

    struct Match
    {
        const Route *route = nullptr;
        QStringList params;
        QByteArrayList allowed; // when route is null but the path exists
    };

    void add(Route route);
    /// \a path is as sent, percent-encoded; parameters come back decoded.
    Match match(const QByteArray &method, const QString &path) const;

private:
    QList<Route> m_routes;
};

} // namespace datarecs::server
