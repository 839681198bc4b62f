#pragma once

// A scripted HTTP/1.1 server on 127.0.0.1 for the client's unit tests: each incoming request takes
// the next scripted action (answer, drop the connection, or hang). Good enough for one request per
// connection ("Connection: close"); the real server is exercised by the end-to-end tests.

#include <QList>
#include <QTcpServer>
#include <QTimer>
#include <QTcpSocket>

#include <deque>

class FakeHttpServer : public QObject
{
public:
    struct Action
    {
        enum Kind { Respond, Drop, Hang, Trickle } kind = Respond;
        int status = 200;
        QByteArray body;
        QList<std::pair<QByteArray, QByteArray>> headers;
        QList<QByteArray> chunks; ///< Respond with chunked encoding instead of body, when set
        bool truncate = false;    ///< announce a longer body than the chunks, then close
    };
    struct Seen
    {
        QByteArray method;
        QByteArray target;
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QByteArray header(const QByteArray &name) const
        {
            for (const auto &[k, v] : headers)
                if (k.compare(name, Qt::CaseInsensitive) == 0) return v;
            return {};
        }
    };

    FakeHttpServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
            }
        });
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    void respond(int status, const QByteArray &body, QList<std::pair<QByteArray, QByteArray>> headers = {})
    {
        Action a;
        a.status = status;
        a.body = body;
        a.headers = std::move(headers);
        m_script.push_back(a);
    }
    void drop() { m_script.push_back(Action{Action::Drop, 0, {}, {}, {}, false}); }
    void hang() { m_script.push_back(Action{Action::Hang, 0, {}, {}, {}, false}); }
    /// A 200 that announces a long JSON body, then sends one space every intervalMs, never ending.
    void trickle(int intervalMs) { m_script.push_back(Action{Action::Trickle, intervalMs, {}, {}, {}, false}); }
    void stream(QList<QByteArray> chunks, bool truncate = false)
    {
        Action a;
        a.chunks = std::move(chunks);
        a.truncate = truncate;
        a.headers = {{"Content-Type", "text/csv"}};
        m_script.push_back(a);
    }
    const QList<Seen> &requests() const { return m_seen; }
    int connections() const { return int(m_seen.size()); }

private:
    void onData(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        Seen seen;
        const QList<QByteArray> lines = buf.left(end).split('\n');
        const QList<QByteArray> first = lines.first().trimmed().split(' ');
        seen.method = first.value(0);
        seen.target = first.value(1);
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            const QByteArray k = lines[i].left(colon).trimmed(), v = lines[i].mid(colon + 1).trimmed();
            seen.headers.append({k, v});
            if (k.compare("content-length", Qt::CaseInsensitive) == 0) length = v.toLongLong();
        }
        if (buf.size() < end + 4 + length) return;
        seen.body = buf.mid(end + 4, length);
        m_buffers.remove(s);
        m_seen.append(seen);
        disconnect(s, &QTcpSocket::readyRead, this, nullptr);

        Action a;
        if (!m_script.empty()) {
            a = m_script.front();
            m_script.pop_front();
        } else {
            a.status = 500;
        }
        if (a.kind == Action::Drop) {
            s->abort();
            return;
        }
        if (a.kind == Action::Hang) return;
        if (a.kind == Action::Trickle) {
            s->write("HTTP/1.1 200 X\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n");
            auto *drip = new QTimer(s); // status holds the interval
            connect(drip, &QTimer::timeout, s, [s] { s->write(" "); });
            drip->start(a.status);
            return;
        }
        QByteArray out = "HTTP/1.1 " + QByteArray::number(a.status) + " X\r\nConnection: close\r\n";
        for (const auto &[k, v] : a.headers)
            out += k + ": " + v + "\r\n";
        if (a.truncate) {
            // Announce more than is sent, then close: a transfer broken midway.
            const QByteArray sent = a.chunks.join();
            out += "Content-Length: " + QByteArray::number(sent.size() + 100) + "\r\n\r\n" + sent;
        } else if (a.chunks.isEmpty()) {
            out += "Content-Length: " + QByteArray::number(a.body.size()) + "\r\n\r\n" + a.body;
        } else {
            out += "Transfer-Encoding: chunked\r\n\r\n";
            for (const QByteArray &c : a.chunks)
                out += QByteArray::number(c.size(), 16) + "\r\n" + c + "\r\n";
            out += "0\r\n\r\n";
        }
        s->write(out);
        s->flush();
        s->disconnectFromHost();
    }

    QTcpServer m_server;
    std::deque<Action> m_script;
    QList<Seen> m_seen;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};
