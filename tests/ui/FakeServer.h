#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QUrl>

#include <functional>

/// A scripted HTTP/1.1 server on loopback for widget tests: answers "METHOD /path" with canned
/// replies, records every request, and can stop listening to play a server that went away. The real
/// server is exercised by the end-to-end suite; this one makes failures easy to stage.
class FakeServer : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QString path; ///< without the query
        QByteArray query;
        QByteArray authorization;
        QByteArray idempotencyKey;
        QByteArray body;
    };
    struct Reply
    {
        int status = 200;
        QByteArray body;
        QByteArray contentType = "application/json";
        int delayMs = 0; ///< a slow server: the answer leaves this long after the request came
        bool dropConnection = false; ///< the request is read whole, then the connection closed unanswered
    };
    using Handler = std::function<Reply(const Request &)>;

    explicit FakeServer(QObject *parent = nullptr);

    bool listen(quint16 port = 0);
    void close();
    /// For cleanup(): listens again on the same port, whatever the test did (close() plays a server that
    /// went away), so the next test finds it answering at the URL it knows.
    bool restart();
    QUrl url() const;

    void on(const QByteArray &method, const QString &path, Reply reply);
    void on(const QByteArray &method, const QString &path, Handler handler);
    /// Every route answers this instead (e.g. a 401 for an ended session); an empty reply turns it off.
    void overrideAll(std::optional<Reply> reply) { m_override = std::move(reply); }

    QList<Request> requests() const { return m_requests; }
    void clearRequests() { m_requests.clear(); }
    int count(const QByteArray &method, const QString &path) const;

    static Reply problem(int status, const QString &slug, const QString &detail);
    /// The request is read whole and the connection closed: the server may have acted, nobody hears.
    static Reply lostAnswer()
    {
        Reply r;
        r.dropConnection = true;
        return r;
    }

private:
    void onConnection();
    void serve(QTcpSocket *socket);

    QTcpServer m_server;
    quint16 m_port = 0;
    QHash<QByteArray, Handler> m_routes;
    std::optional<Reply> m_override;
    QList<Request> m_requests;
};
