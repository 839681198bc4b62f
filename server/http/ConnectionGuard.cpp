#include "ConnectionGuard.h"

#include "Problem.h"
#include "core/Redaction.h"
#include "crypto/Random.h"

#include <QJsonDocument>

#include <QTimer>

namespace datarecs::server {

namespace {
constexpr char GuardProperty[] = "datarecs_connection_guard";
}

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
        m_timer.start(m_guards->m_limits.idleTimeoutMs);
    }

    void refuse(const ApiResponse &problem)
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
        m_socket->disconnectFromHost();
        QTimer::singleShot(2000, m_socket, [s = m_socket] { s->abort(); });
    }

    bool overCapacity() const { return m_guards->m_open > m_guards->m_limits.maxConnections; }

private:
    void inspect()
    {
        const ConnectionLimits &limits = m_guards->m_limits;
        if (!m_inRequest && m_socket->bytesAvailable() > 0) {
            m_inRequest = true;
            m_timer.start(limits.requestTimeoutMs);
        }
        // Only what is there: peek() allocates (and clears) as much as it is asked for.
        const QByteArray waiting =
            m_socket->peek(qMin(m_socket->bytesAvailable(), limits.maxHeaderBytes + limits.maxBodyBytes + 4096));
        const qsizetype headerEnd = waiting.indexOf("\r\n\r\n");
        const qsizetype lineEnd = waiting.indexOf('\n');
        const QByteArrayView firstLine = QByteArrayView(waiting).first(lineEnd < 0 ? waiting.size() : lineEnd);
        const qsizetype pathStart = firstLine.indexOf(' ') + 1;
        if (pathStart > 0) {
            const qsizetype pathEnd = firstLine.indexOf(' ', pathStart);
            QByteArrayView target = firstLine.sliced(pathStart, (pathEnd < 0 ? firstLine.size() : pathEnd) - pathStart);
            target = target.first(qMin<qsizetype>(target.size(), 300));
            const qsizetype query = target.indexOf('?');
            m_path = redactSecrets(QString::fromLatin1(query < 0 ? target : target.first(query)));
        }
        if (headerEnd < 0) {
            if (waiting.size() > limits.maxHeaderBytes)
                refuse(Problem::make(431, QStringLiteral("headers-too-large"),
                                     QStringLiteral("Request headers too large"),
                                     QStringLiteral("The request line and headers are limited to %1 bytes.")
                                         .arg(limits.maxHeaderBytes)));
            return;
        }
        if (headerEnd > limits.maxHeaderBytes) {
            refuse(Problem::make(431, QStringLiteral("headers-too-large"), QStringLiteral("Request headers too large"),
                                 QStringLiteral("The request line and headers are limited to %1 bytes.")
                                     .arg(limits.maxHeaderBytes)));
            return;
        }
        qint64 declared = 0;
        for (const QByteArray &line : waiting.left(headerEnd).split('\n')) {
            if (line.size() > 15 && line.left(15).compare("content-length:", Qt::CaseInsensitive) == 0)
                declared = line.mid(15).trimmed().toLongLong();
        }
        const qint64 bodySoFar = waiting.size() - headerEnd - 4;
        if (declared > limits.maxBodyBytes || bodySoFar > limits.maxBodyBytes + 4096)
            refuse(Problem::payloadTooLarge(limits.maxBodyBytes));
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
