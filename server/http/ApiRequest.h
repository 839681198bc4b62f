#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QUrlQuery>

namespace datarecs::server {

/// An HTTP request as the API sees it, independent of the HTTP library, so the whole API can be
/// driven (and fuzzed) without sockets.
struct ApiRequest
{
    QByteArray method; // upper case, "GET"
    QString path; // as sent, percent-encoded, without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    QString sourceIp;
    QString requestId;

    QByteArray header(const QByteArray &lowerCaseName) const { return headers.value(lowerCaseName); }
};

} // namespace datarecs::server
