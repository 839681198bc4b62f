#include "Router.h"

#include <QUrl>

namespace datarecs::server {

void Router::add(Route route) { m_routes.append(std::move(route)); }

Router::Match Router::match(const QByteArray &method, const QString &path) const
{
    // Split before decoding: "%2F" inside a segment is part of that segment (an id), never a
    // separator, so "/v1/api-keys/key_x%2Fdisable" cannot reach the disable route.
    QStringList segments = path.split(u'/');
    for (QString &segment : segments) {
        if (segment.contains(u'%'))
            segment = QUrl::fromPercentEncoding(segment.toUtf8());
    }
    Match result;
    // Among the routes whose shape fits, only those with the most literal segments count: a literal
    // path (/v1/api-keys/lookup) is not also a parameter (/v1/api-keys/{id}) for other methods.
    qsizetype bestLiterals = -1;
    for (const Route &route : m_routes) {
        if (route.segments.size() != segments.size())
            continue;
        QStringList params;
        qsizetype literals = 0;
        bool fits = true;
        for (qsizetype i = 0; i < segments.size() && fits; ++i) {
            const QString &pattern = route.segments.at(i);
            if (pattern.startsWith(u'{')) {
                fits = !segments.at(i).isEmpty();
                params.append(segments.at(i));
            } else {
                fits = pattern == segments.at(i);
                ++literals;
            }
        }
        if (!fits || literals < bestLiterals)
            continue;
        if (literals > bestLiterals) {
            bestLiterals = literals;
            result = {};
        }
        if (route.method == method) {
            result.route = &route;
            result.params = params;
            result.allowed.clear();
        } else if (!result.route && !result.allowed.contains(route.method)) {
            result.allowed.append(route.method);
        }
    }
    return result;
}

} // namespace datarecs::server
