#include "FakeServer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>

FakeServer::FakeServer(QObject *parent) : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FakeServer::onConnection);
}

bool FakeServer::listen(quint16 port)
{
    if (!m_server.listen(QHostAddress::LocalHost, port ? port : m_port))
        return false;
    m_port = m_server.serverPort();
    return true;
}

void FakeServer::close()
{
    m_server.close();
    for (QTcpSocket *s : findChildren<QTcpSocket *>())
        s->abort();
}

bool FakeServer::restart()
{
    close();
    return listen();
}

QUrl FakeServer::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

void FakeServer::on(const QByteArray &method, const QString &path, Reply reply)
{
    on(method, path, [reply](const Request &) { return reply; });
}

void FakeServer::on(const QByteArray &method, const QString &path, Handler handler)
{
    m_routes.insert(method + ' ' + path.toUtf8(), std::move(handler));
}

int FakeServer::count(const QByteArray &method, const QString &path) const
{
    int n = 0;
    for (const Request &r : m_requests)
        n += r.method == method && r.path == path;
    return n;
}

FakeServer::Reply FakeServer::problem(int status, const QString &slug, const QString &detail)
{
    const QJsonObject o{{QStringLiteral("type"), QStringLiteral("https://datarecs.dev/problems/") + slug},
                        {QStringLiteral("title"), slug},
                        {QStringLiteral("status"), status},
                        {QStringLiteral("detail"), detail},
                        {QStringLiteral("request_id"), QStringLiteral("req_fake")}};
    return {status, QJsonDocument(o).toJson(QJsonDocument::Compact), "application/problem+json"};
}

void FakeServer::onConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void FakeServer::serve(QTcpSocket *socket)
{
    // One request per connection: wait until the headers and the announced body are all in.
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    socket->setProperty("buffer", buffer);
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    Request request;
    qsizetype length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length")
            length = value.toLongLong();
        else if (name == "authorization")
            request.authorization = value;
        else if (name == "idempotency-key")
            request.idempotencyKey = value;
    }
    if (buffer.size() < headerEnd + 4 + length)
        return;
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    request.method = requestLine.value(0);
    const QByteArray target = requestLine.value(1);
    const qsizetype q = target.indexOf('?');
    request.path = QString::fromUtf8(q < 0 ? target : target.left(q));
    request.query = q < 0 ? QByteArray() : target.mid(q + 1);
    request.body = buffer.mid(headerEnd + 4, length);
    m_requests.append(request);

    Reply reply;
    if (m_override && request.path != u"/v1/auth/login")
        reply = *m_override;
    else if (const auto it = m_routes.constFind(request.method + ' ' + request.path.toUtf8()); it != m_routes.cend())
        reply = (*it)(request);
    else
        reply = problem(404, QStringLiteral("not-found"), QStringLiteral("no route"));

    QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + " X\r\n";
    if (!reply.body.isEmpty())
        out += "Content-Type: " + reply.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
    out += "X-Request-Id: req_fake\r\nCache-Control: no-store\r\nConnection: close\r\n";
    if (reply.status == 401)
        out += "WWW-Authenticate: Bearer realm=\"datarecs\"\r\n";
    out += "\r\n" + reply.body;
    if (reply.dropConnection) { // what a network that fails mid-request looks like to the client
        QTimer::singleShot(reply.delayMs, socket, [socket] { socket->abort(); });
        return;
    }
    QTimer::singleShot(reply.delayMs, socket, [socket, out] {
        socket->write(out);
        socket->disconnectFromHost();
    });
}
