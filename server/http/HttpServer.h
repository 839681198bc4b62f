#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QTcpSocket>

namespace datarecs::server {

class ApiService;

/// Adapts QtHttpServer to ApiService: converts each request, writes the answer (streaming chunked
/// bodies with back-pressure) and prints one access-log line per request. The log line carries the
/// method, the path without its query, the status, the duration and the actor id, never a credential.
///
/// Requests are not answered where they are parsed: those that arrive in one turn of the event loop are
/// queued and handed to ApiService together once the turn's socket events are done, so they share one
/// transaction (group commit). Their answers are written after it committed, in arrival order.
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
    struct Pending
    {
        QPointer<QTcpSocket> socket;
        qint64 startedNs = 0; // of m_clock, for the access log
        QByteArray method;
        QString path;
        QString sourceIp;
    };
    void answerPending();
    /// \a headOnly: an answer to HEAD, whose headers describe a body that is not sent (RFC 9110 9.3.2).
    void write(QTcpSocket *socket, const ApiResponse &response, bool headOnly);

    ApiService &m_service;
    bool m_accessLog = true;
    QElapsedTimer m_clock;
    QList<ApiRequest> m_requests; // waiting for the end of this event-loop turn
    QList<Pending> m_pending; // their sockets, in the same order
    // The last client address and its text: a connection sends many requests, and turning an address
    // into text cost more than the rest of converting a request.
    QHostAddress m_lastAddress;
    QString m_lastAddressText;
};

} // namespace datarecs::server
