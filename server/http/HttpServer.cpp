#include "HttpServer.h"

#include "ApiRequest.h"
#include "ConnectionGuard.h"
#include "routes/ApiService.h"
#include "core/Redaction.h"
#include "core/WireFormat.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <utility>

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

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Status"; // clients read the code; the phrase is only for people
    }
}

QString sourceAddress(const QHostAddress &address)
{
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    return mapped ? QHostAddress(v4).toString() : address.toString();
}

/// True if a and b have the same text: same protocol, bytes and scope. (QHostAddress's own == takes
/// 127.0.0.1 and ::1 to be equal.)
bool sameAddress(const QHostAddress &a, const QHostAddress &b)
{
    if (a.protocol() != b.protocol() || a.scopeId() != b.scopeId())
        return false;
    const Q_IPV6ADDR x = a.toIPv6Address();
    const Q_IPV6ADDR y = b.toIPv6Address();
    return std::memcmp(&x, &y, sizeof x) == 0;
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
        // Started both by a zero timer and by bytesWritten, whichever comes first; the other may still
        // call once the body has ended.
        if (m_ended)
            return;
        while (m_socket->bytesToWrite() < HighWater) {
            const QByteArray chunk = m_stream->nextChunk();
            if (chunk.isEmpty()) {
                m_ended = true;
                disconnect(m_socket, nullptr, this, nullptr);
                deleteLater();
                if (m_stream->failed())
                    m_socket->abort();
                else
                    m_socket->write("0\r\n\r\n");
                return;
            }
            m_socket->write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
        }
    }

    std::shared_ptr<ResponseStream> m_stream;
    QTcpSocket *m_socket;
    bool m_ended = false;
};

} // namespace

HttpServer::HttpServer(ApiService &service, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_service(service)
{
    m_clock.start();
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ApiRequest api;
    api.method = methodName(request.method());
    // Kept percent-encoded: the router splits before decoding, and the access log and audit records
    // then never hold a raw control character or line break from the request line.
    api.path = request.url().path(QUrl::FullyEncoded);
    api.query = request.query();
    for (const auto &header : request.headers())
        api.headers.insert(header.first.toLower(), header.second);
    api.body = request.body();
    const QHostAddress address = request.remoteAddress();
    if (m_lastAddressText.isEmpty() || !sameAddress(address, m_lastAddress)) {
        m_lastAddressText = sourceAddress(address);
        m_lastAddress = address;
    }
    api.sourceIp = m_lastAddressText;

    // Answered once this turn's other sockets have had their say: a queued call runs after the socket
    // notifications the event loop is delivering now.
    if (m_requests.isEmpty())
        QMetaObject::invokeMethod(this, &HttpServer::answerPending, Qt::QueuedConnection);
    m_pending.append({socket, m_clock.nsecsElapsed(), api.method, api.path, api.sourceIp});
    m_requests.append(std::move(api));
    return true;
}

void HttpServer::answerPending()
{
    const QList<Pending> pending = std::exchange(m_pending, {});
    const QList<ApiService::Result> results = m_service.handleBatch(std::exchange(m_requests, {}));
    for (qsizetype i = 0; i < pending.size(); ++i) {
        const Pending &p = pending.at(i);
        const ApiService::Result &result = results.at(i);
        // The client may have gone while its request waited; what was done is committed and audited.
        if (p.socket && p.socket->state() == QAbstractSocket::ConnectedState) {
            write(p.socket, result.response, p.method == "HEAD");
            ConnectionGuards::requestAnswered(p.socket);
        }
        if (m_accessLog) {
            const double ms = double(m_clock.nsecsElapsed() - p.startedNs) / 1e6;
            const QByteArray line = WireFormat::timestamp(QDateTime::currentMSecsSinceEpoch()).toLatin1() + ' '
                + p.method + ' ' + redactSecrets(p.path).toUtf8().left(200) + ' '
                + QByteArray::number(result.response.status) + ' ' + QByteArray::number(ms, 'f', 2) + "ms actor="
                + (result.actorId.isEmpty() ? QByteArray("-") : result.actorId.toLatin1()) + " ip="
                + p.sourceIp.toLatin1() + ' ' + result.response.header("X-Request-Id") + '\n';
            std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
        }
    }
}

void HttpServer::write(QTcpSocket *socket, const ApiResponse &response, bool headOnly)
{
    // One buffer and one write per answer: QHttpServerResponder writes every piece of every header
    // separately, which cost more than the rest of a small answer.
    QByteArray out;
    out.reserve(256 + response.body.size());
    out += "HTTP/1.1 ";
    out += QByteArray::number(response.status);
    out += ' ';
    out += reasonPhrase(response.status);
    out += "\r\n";
    for (const auto &header : response.headers) {
        out += header.first;
        out += ": ";
        out += header.second;
        out += "\r\n";
    }
    if (response.stream) {
        out += "Transfer-Encoding: chunked\r\n\r\n";
        socket->write(out);
        if (!headOnly)
            new ChunkPump(response.stream, socket);
        return;
    }
    out += "Content-Length: ";
    out += QByteArray::number(response.body.size());
    out += "\r\n\r\n";
    if (!headOnly)
        out += response.body;
    socket->write(out);
    // Sent now rather than on the next write notification: one system call instead of three.
    socket->flush();
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // Never reached: handleRequest takes every request, unknown routes included.
}

} // namespace datarecs::server
