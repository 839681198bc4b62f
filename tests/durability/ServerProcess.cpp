#include "ServerProcess.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>

namespace datarecs::test {

namespace {

QString serverBinary()
{
    const QString fromEnv = qEnvironmentVariable("DATARECS_SERVER_BIN");
    return fromEnv.isEmpty() ? QStringLiteral(DATARECS_SERVER_BINARY) : fromEnv;
}

} // namespace

CommandRun runServerCommand(const QStringList &arguments, int timeoutMs)
{
    QProcess p;
    p.start(serverBinary(), arguments);
    if (!p.waitForFinished(timeoutMs))
        p.kill();
    p.waitForFinished(5000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

ServerProcess::~ServerProcess()
{
    stop();
}

bool ServerProcess::start(const QStringList &options)
{
    stop();
    m_error.clear();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->start(serverBinary(), QStringList{QStringLiteral("serve")} + options
                                         + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                                       QStringLiteral("--no-access-log")});
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 60000 && m_process->state() != QProcess::NotRunning) {
        m_process->waitForReadyRead(200);
        out += m_process->readAllStandardOutput();
        const qsizetype at = out.indexOf("listening on ");
        const qsizetype end = at < 0 ? -1 : out.indexOf('\n', at);
        if (end > 0) {
            m_base = QString::fromUtf8(out.mid(at + 13, end - at - 13)).trimmed();
            return true;
        }
    }
    m_error = QStringLiteral("datarecs-server did not start: %1 %2")
                  .arg(QString::fromUtf8(out), QString::fromUtf8(m_process->readAllStandardError()));
    m_process.reset();
    return false;
}

void ServerProcess::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(20000))
            m_process->kill();
        m_process->waitForFinished(5000);
    }
    m_process.reset();
}

void ServerProcess::kill()
{
    if (!m_process)
        return;
    m_process->kill(); // SIGKILL on Unix
    m_process->waitForFinished(10000);
    m_process.reset();
}

QJsonObject Exchange::json() const
{
    return QJsonDocument::fromJson(body).object();
}

void Client::send(const QByteArray &method, const QString &url, const QByteArray &bearer, const QByteArray &body,
                  const QList<QPair<QByteArray, QByteArray>> &headers, Done done)
{
    QNetworkRequest request{QUrl(url)};
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    request.setTransferTimeout(30000);
    QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
    ++m_pending;
    QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, done = std::move(done)] {
        Exchange e;
        e.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        e.body = reply->readAll();
        e.requestId = reply->rawHeader("X-Request-Id");
        e.replayed = reply->rawHeader("Idempotent-Replayed") == "true";
        reply->deleteLater();
        --m_pending;
        if (done)
            done(e);
    });
}

bool Client::wait(int timeoutMs)
{
    if (m_pending == 0)
        return true;
    QDeadlineTimer deadline(timeoutMs);
    QEventLoop loop;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (m_pending == 0 || deadline.hasExpired())
            loop.quit();
    });
    tick.start(10);
    loop.exec();
    return m_pending == 0;
}

Exchange Client::call(const QByteArray &method, const QString &url, const QByteArray &bearer, const QByteArray &body)
{
    Exchange result;
    send(method, url, bearer, body, {}, [&result](const Exchange &e) { result = e; });
    wait();
    return result;
}

QString ownerPasswordFrom(const QString &initOutput)
{
    const QRegularExpression password(QStringLiteral("Owner password[^:]*: (\\S+)"));
    return password.match(initOutput).captured(1);
}

} // namespace datarecs::test
