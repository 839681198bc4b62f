#include "ApiResponse.h"

#include <QJsonDocument>

namespace datarecs::server {

void ApiResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray ApiResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

ApiResponse ApiResponse::json(int status, const QJsonObject &object)
{
    ApiResponse r;
    r.status = status;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    r.setHeader("Content-Type", "application/json");
    return r;
}

ApiResponse ApiResponse::json(int status, QByteArray body)
{
    ApiResponse r;
    r.status = status;
    r.body = std::move(body);
    r.setHeader("Content-Type", "application/json");
    return r;
}

ApiResponse ApiResponse::noContent()
{
    ApiResponse r;
    r.status = 204;
    return r;
}

} // namespace datarecs::server
