#include "ConnectionGuard.h"

#include "Problem.h"
#include "core/Redaction.h"
#include "crypto/Random.h"

#include <QJsonDocument>

#include <QTimer>

namespace datarecs::server {

namespace {
constexpr char GuardProperty[] = "datarecs_connection_guard";

/// A Content-Length value: decimal digits only (no sign, no spaces inside); -1 for anything else.
qint64 contentLength(QByteArrayView value)
{
    if (value.isEmpty() || value.size() > 18)
        return -1;
    qint64 length = 0;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return -1;
        length = length * 10 + (c - '0');
    }
    return length;
}
} // namespace

/// One connection's watcher, a child of its socket. It is connected to readyRead before the HTTP
/// parser, so it sees each batch of bytes first and can refuse the request before it is buffered.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(ConnectionGuards *guards, QTcpSocket *socket)
        : QObject(socket)
        , m_guards(guards)
        , m_socket(socket)
    {
        ++m_guards->m_open;
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::timedOut);
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::inspect);
        m_timer.start(m_guards->m_limits.idleTimeoutMs);
    }
    ~ConnectionGuard() override { --m_guards->m_open; }

    void answered()
    {
        m_inRequest = false;
        if (m_reading == Reading::Chunked)
            m_reading = Reading::Head;
        m_timer.start(m_guards->m_limits.idleTimeoutMs);
    }

    /// Answers \a problem and closes. A body too large is still arriving: it is read and dropped for a
    /// moment first, because closing with unread bytes resets the connection, and a client still sending
    /// (Qt's network access, curl) then reports a network failure instead of the 413.
    void refuse(const ApiResponse &problem, bool drainBody = false)
    {
        if (m_refused)
            return;
        m_refused = true;
        const QByteArray requestId = Random::id(QLatin1StringView("req_"), 22).toLatin1();
        QJsonObject body = QJsonDocument::fromJson(problem.body).object();
        body.insert(QStringLiteral("request_id"), QString::fromLatin1(requestId));
        body.insert(QStringLiteral("instance"), m_path);
        const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
        QByteArray head = "HTTP/1.1 " + QByteArray::number(problem.status) + " Refused\r\n";
        for (const auto &h : problem.headers)
            head += h.first + ": " + h.second + "\r\n";
        head += "X-Request-Id: " + requestId + "\r\nCache-Control: no-store\r\nContent-Length: "
            + QByteArray::number(json.size()) + "\r\nConnection: close\r\n\r\n";
        // Stop everyone else reading this socket, answer, and close once the answer is out.
        disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        m_socket->write(head + json);
        m_timer.stop();
        if (drainBody) {
            connect(m_socket, &QTcpSocket::readyRead, this, [s = m_socket] { s->skip(s->bytesAvailable()); });
            m_socket->skip(m_socket->bytesAvailable());
            QTimer::singleShot(1000, m_socket, [s = m_socket] { s->disconnectFromHost(); });
            QTimer::singleShot(3000, m_socket, [s = m_socket] { s->abort(); });
            return;
        }
        m_socket->disconnectFromHost();
        QTimer::singleShot(2000, m_socket, [s = m_socket] { s->abort(); });
    }

    bool overCapacity() const { return m_guards->m_open > m_guards->m_limits.maxConnections; }

private:
    /// QtHttpServer 6.4 reads everything waiting on each readyRead (inside a socket transaction), so
    /// the bytes seen here are always new ones. They are followed through the HTTP/1.1 framing: a
    /// request's head, then its body, then the next request's head. A body arriving in several pieces
    /// is therefore never mistaken for an overlong head.
    void inspect()
    {
        const ConnectionLimits &limits = m_guards->m_limits;
        const qint64 available = m_socket->bytesAvailable();
        if (available <= 0)
            return;
        if (!m_inRequest) {
            m_inRequest = true;
            m_timer.start(limits.requestTimeoutMs);
        }
        const QByteArray fresh = m_socket->peek(available);
        QByteArrayView rest(fresh);
        while (!rest.isEmpty() && !m_refused) {
            switch (m_reading) {
            case Reading::Head:
                rest = readHead(rest);
                break;
            case Reading::Body: {
                const qint64 taken = qMin<qint64>(rest.size(), m_bodyLeft);
                m_bodyLeft -= taken;
                rest = rest.sliced(taken);
                if (m_bodyLeft == 0)
                    m_reading = Reading::Head;
                break;
            }
            case Reading::Chunked:
                // The end of a chunked body is not tracked; the request's answer ends it (answered()).
                m_chunkedBytes += rest.size();
                rest = {};
                if (m_chunkedBytes > limits.maxBodyBytes + 4096)
                    refuse(Problem::payloadTooLarge(limits.maxBodyBytes), true);
                break;
            }
        }
    }

    /// Takes the head's bytes from the front of \a bytes and returns what follows the head.
    QByteArrayView readHead(QByteArrayView bytes)
    {
        const ConnectionLimits &limits = m_guards->m_limits;
        const qint64 cap = limits.maxHeaderBytes + 4; // the head may end exactly at the limit
        QByteArrayView head;
        QByteArrayView after;
        if (m_head.isEmpty()) {
            // The usual case, a whole head in one read, needs no copy.
            const qsizetype end = bytes.first(qMin<qint64>(bytes.size(), cap)).indexOf("\r\n\r\n");
            if (end >= 0) {
                head = bytes.first(end);
                after = bytes.sliced(end + 4);
            } else {
                m_head = bytes.first(qMin<qint64>(bytes.size(), cap)).toByteArray();
            }
        } else {
            const qsizetype before = m_head.size();
            m_head.append(bytes.first(qMin<qint64>(bytes.size(), cap - before)));
            const qsizetype end = m_head.indexOf("\r\n\r\n", qMax<qsizetype>(0, before - 3));
            if (end >= 0) {
                head = QByteArrayView(m_head).first(end);
                after = bytes.sliced(end + 4 - before);
            }
        }
        notePath(head.isNull() ? QByteArrayView(m_head) : head);
        if (head.isNull()) {
            if (m_head.size() > limits.maxHeaderBytes)
                refuseHeadersTooLarge();
            return {};
        }
        if (head.size() > limits.maxHeaderBytes) {
            refuseHeadersTooLarge();
            return {};
        }
        qint64 declared = -1;
        bool chunked = false;
        bool ambiguous = false;
        for (qsizetype from = 0; from < head.size();) {
            qsizetype eol = head.indexOf('\n', from);
            if (eol < 0)
                eol = head.size();
            const QByteArrayView line = head.sliced(from, eol - from);
            from = eol + 1;
            if (line.size() >= 15 && line.first(15).compare("content-length:", Qt::CaseInsensitive) == 0) {
                const qint64 length = contentLength(line.sliced(15).trimmed());
                ambiguous = ambiguous || length < 0 || (declared >= 0 && length != declared);
                declared = length;
            } else if (line.size() > 18 && line.first(18).compare("transfer-encoding:", Qt::CaseInsensitive) == 0) {
                chunked = line.sliced(18).trimmed().toByteArray().toLower().contains("chunked");
            }
        }
        m_head.clear();
        // Where the body ends must be beyond doubt (RFC 9112 6.3): with two lengths, a length that is
        // not a number, or a length beside chunked framing, this guard and the HTTP parser could each
        // take a different part of the bytes for the next request.
        if (ambiguous || (chunked && declared >= 0)) {
            refuse(Problem::make(400, QStringLiteral("malformed-request"), QStringLiteral("The request's framing is ambiguous"),
                                 QStringLiteral("Send one Content-Length with a decimal number, or chunked framing, "
                                                "not both.")));
            return {};
        }
        if (declared > limits.maxBodyBytes) {
            refuse(Problem::payloadTooLarge(limits.maxBodyBytes), true);
            return {};
        }
        if (chunked) {
            m_reading = Reading::Chunked;
            m_chunkedBytes = 0;
        } else if (declared > 0) {
            m_reading = Reading::Body;
            m_bodyLeft = declared;
        }
        return after;
    }

    /// Remembers the path of the request being read, without its query, for a refusal's instance.
    void notePath(QByteArrayView head)
    {
        const qsizetype lineEnd = head.indexOf('\n');
        const QByteArrayView firstLine = lineEnd < 0 ? head : head.first(lineEnd);
        const qsizetype pathStart = firstLine.indexOf(' ') + 1;
        if (pathStart <= 0)
            return;
        const qsizetype pathEnd = firstLine.indexOf(' ', pathStart);
        QByteArrayView target = firstLine.sliced(pathStart, (pathEnd < 0 ? firstLine.size() : pathEnd) - pathStart);
        target = target.first(qMin<qsizetype>(target.size(), 300));
        const qsizetype query = target.indexOf('?');
        m_path = redactSecrets(QString::fromLatin1(query < 0 ? target : target.first(query)));
    }

    void refuseHeadersTooLarge()
    {
        refuse(Problem::make(431, QStringLiteral("headers-too-large"), QStringLiteral("Request headers too large"),
                             QStringLiteral("The request line and headers are limited to %1 bytes.")
                                 .arg(m_guards->m_limits.maxHeaderBytes)));
    }

    void timedOut()
    {
        if (m_inRequest)
            refuse(Problem::make(408, QStringLiteral("request-timeout"), QStringLiteral("Request took too long"),
                                 QStringLiteral("The whole request must arrive within %1 seconds.")
                                     .arg(m_guards->m_limits.requestTimeoutMs / 1000)));
        else
            m_socket->disconnectFromHost();
    }

    ConnectionGuards *m_guards;
    QTcpSocket *m_socket;
    QTimer m_timer;
    bool m_inRequest = false;
    bool m_refused = false;
    enum class Reading { Head, Body, Chunked };
    Reading m_reading = Reading::Head;
    QByteArray m_head; // a head that came in pieces, until its blank line (at most the limit + 4)
    qint64 m_bodyLeft = 0; // Body: bytes of the declared length still to come
    qint64 m_chunkedBytes = 0; // Chunked: bytes received so far
    QString m_path = QStringLiteral("/"); // of the request being read, for the problem's instance
};

ConnectionGuards::ConnectionGuards(ConnectionLimits limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
{
}

void ConnectionGuards::watch(QTcpSocket *socket)
{
    // Streamed answers are written in pieces; without this, Nagle's algorithm and delayed ACKs hold the
    // last piece of a kept-alive answer back for tens of milliseconds.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto *guard = new ConnectionGuard(this, socket);
    socket->setProperty(GuardProperty, QVariant::fromValue<QObject *>(guard));
    if (guard->overCapacity())
        guard->refuse(Problem::make(503, QStringLiteral("server-busy"), QStringLiteral("Too many connections"),
                                    QStringLiteral("The server has too many open connections; retry shortly.")));
}

void ConnectionGuards::requestAnswered(QTcpSocket *socket)
{
    if (auto *guard = static_cast<ConnectionGuard *>(socket->property(GuardProperty).value<QObject *>()))
        guard->answered();
}

} // namespace datarecs::server
