#include "HttpServer.h"

#include "ApiRequest.h"
#include "ConnectionGuard.h"
#include "routes/ApiService.h"
#include "core/Redaction.h"
#include "core/WireFormat.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <cstdio>

namespace datarecs::server {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

QString sourceAddress(const QHostAddress &address)
{
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    return mapped ? QHostAddress(v4).toString() : address.toString();
}

/// Writes a streamed body as HTTP/1.1 chunks, producing the next piece only when the socket has
/// drained, so a large export never piles up in memory. It lives as long as the socket.
class ChunkPump : public QObject
{
public:
    ChunkPump(std::shared_ptr<ResponseStream> stream, QTcpSocket *socket)
        : QObject(socket)
        , m_stream(std::move(stream))
        , m_socket(socket)
    {
        connect(socket, &QTcpSocket::bytesWritten, this, &ChunkPump::pump);
        QTimer::singleShot(0, this, &ChunkPump::pump);
    }

private:
    void pump()
    {
        constexpr qint64 HighWater = 256 * 1024;
        while (m_socket->bytesToWrite() < HighWater) {
            const QByteArray chunk = m_stream->nextChunk();
            if (chunk.isEmpty()) {
                m_socket->write("0\r\n\r\n");
                disconnect(m_socket, nullptr, this, nullptr);
                deleteLater();
                return;
            }
            m_socket->write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
        }
    }

    std::shared_ptr<ResponseStream> m_stream;
    QTcpSocket *m_socket;
};

} // namespace

HttpServer::HttpServer(ApiService &service, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_service(service)
{
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QElapsedTimer timer;
    timer.start();
    ApiRequest api;
    api.method = methodName(request.method());
    api.path = request.url().path();
    api.query = request.query();
    for (const auto &header : request.headers())
        api.headers.insert(header.first.toLower(), header.second);
    api.body = request.body();
    api.sourceIp = sourceAddress(request.remoteAddress());

    const ApiService::Result result = m_service.handle(api);
    const ApiResponse &response = result.response;

    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(QHttpServerResponder::StatusCode(response.status));
    for (const auto &header : response.headers)
        responder.writeHeader(header.first, header.second);
    if (response.stream) {
        responder.writeHeader("Transfer-Encoding", "chunked");
        responder.writeBody(QByteArray());
        new ChunkPump(response.stream, socket);
    } else {
        responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
        responder.writeBody(response.body);
    }

    ConnectionGuards::requestAnswered(socket);
    if (m_accessLog) {
        const QByteArray line = WireFormat::timestamp(QDateTime::currentMSecsSinceEpoch()).toLatin1() + ' '
            + api.method + ' ' + redactSecrets(api.path).toUtf8().left(200) + ' ' + QByteArray::number(response.status) + ' '
            + QByteArray::number(double(timer.nsecsElapsed()) / 1e6, 'f', 2) + "ms actor="
            + (result.actorId.isEmpty() ? QByteArray("-") : result.actorId.toLatin1()) + " ip="
            + api.sourceIp.toLatin1() + ' ' + response.header("X-Request-Id") + '\n';
        std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    }
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // Never reached: handleRequest answers every request, unknown routes included.
}

} // namespace datarecs::server
