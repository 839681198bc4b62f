#include "Router.h"

namespace datarecs::server {

void Router::add(Route route) { m_routes.append(std::move(route)); }

Router::Match Router::match(const QByteArray &method, const QString &path) const
{
    const QStringList segments = path.split(u'/');
    Match result;
    for (const Route &route : m_routes) {
        if (route.segments.size() != segments.size())
            continue;
        QStringList params;
        bool fits = true;
        for (qsizetype i = 0; i < segments.size() && fits; ++i) {
            const QString &pattern = route.segments.at(i);
            if (pattern.startsWith(u'{')) {
                fits = !segments.at(i).isEmpty();
                params.append(segments.at(i));
            } else {
                fits = pattern == segments.at(i);
            }
        }
        if (!fits)
            continue;
        if (route.method == method) {
            // Routes are tried in order, so literal routes registered first win over parameters.
            result.route = &route;
            result.params = params;
            return result;
        }
        if (!result.allowed.contains(route.method))
            result.allowed.append(route.method);
    }
    return result;
}

} // namespace datarecs::server
