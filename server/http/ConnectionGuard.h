#pragma once

#include <QObject>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>

namespace datarecs::server {

/// Limits that keep one slow or greedy client from starving the others.
struct ConnectionLimits
{
    int maxConnections = 256; // open connections at once; more are answered 503 and closed
    qint64 maxHeaderBytes = 16 * 1024; // request line and headers; more is 431
    qint64 maxBodyBytes = 64 * 1024; // declared or received body; more is 413
    int requestTimeoutMs = 15000; // from a request's first byte to its last; slower is 408
    int idleTimeoutMs = 60000; // a kept-alive connection with nothing to say is closed
};

/// Shared bookkeeping of the guarded connections of one server.
class ConnectionGuards : public QObject
{
public:
    explicit ConnectionGuards(ConnectionLimits limits, QObject *parent = nullptr);

    /// Watches a new connection: QtHttpServer 6.4 reads whole requests into memory and has no
    /// limits of its own, so this looks at the bytes waiting on the socket before its parser does.
    void watch(QTcpSocket *socket);
    /// The server answered the request on this socket: its request clock stops.
    static void requestAnswered(QTcpSocket *socket);

    int openConnections() const { return m_open; }
    const ConnectionLimits &limits() const { return m_limits; }

private:
    friend class ConnectionGuard;
    ConnectionLimits m_limits;
    int m_open = 0;
};

/// QTcpServer (or QSslServer) whose accepted connections are watched by ConnectionGuards.
/// QAbstractHttpServer takes connections through the virtual nextPendingConnection(), so the guard
/// is in place before the HTTP parser sees a byte.
template<class Base>
class GuardedServer : public Base
{
public:
    explicit GuardedServer(ConnectionGuards *guards)
        : m_guards(guards)
    {
    }
    QTcpSocket *nextPendingConnection() override
    {
        QTcpSocket *socket = Base::nextPendingConnection();
        if (socket)
            m_guards->watch(socket);
        return socket;
    }

private:
    ConnectionGuards *m_guards;
};

} // namespace datarecs::server
