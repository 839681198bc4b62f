#pragma once

#include <QAbstractHttpServer>

namespace datarecs::server {

class ApiService;

/// Adapts QtHttpServer to ApiService: converts each request, writes the answer (streaming chunked
/// bodies with back-pressure) and prints one access-log line per request. The log line carries the
/// method, the path without its query, the status, the duration and the actor id, never a credential.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    explicit HttpServer(ApiService &service, QObject *parent = nullptr);

    void setAccessLogEnabled(bool enabled) { m_accessLog = enabled; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    ApiService &m_service;
    bool m_accessLog = true;
};

} // namespace datarecs::server
