#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace datarecs::test {

/// The outcome of one datarecs-server command run to completion (init, set-quota, audit-verify).
struct CommandRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

/// Runs `datarecs-server ARGS...` and waits for it to finish.
CommandRun runServerCommand(const QStringList &arguments, int timeoutMs = 120000);

/// A `datarecs-server serve` process on a loopback port the system picked.
class ServerProcess
{
public:
    ~ServerProcess();

    /// Starts serve with the given options (plus --listen 127.0.0.1:0 --no-access-log) and waits for its
    /// "listening" line. False (with error()) when it exits or stays silent.
    bool start(const QStringList &options);
    /// SIGTERM and wait: the clean shutdown an operator does.
    void stop();
    /// SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
    void kill();

    QString error() const { return m_error; }
    QString url(const QString &path) const { return m_base + path; }

private:
    std::unique_ptr<QProcess> m_process;
    QString m_base;
    QString m_error;
};

/// One HTTP exchange as the tests see it.
struct Exchange
{
    int status = 0; // 0: no HTTP answer (connection refused or reset)
    QByteArray body;
    QByteArray requestId;
    bool replayed = false;

    QJsonObject json() const;
};

/// A thin asynchronous client: send() queues a request; wait() runs the event loop until every queued
/// request has finished or the time is up.
class Client
{
public:
    using Done = std::function<void(const Exchange &)>;

    void send(const QByteArray &method, const QString &url, const QByteArray &bearer, const QByteArray &body = {},
              const QList<QPair<QByteArray, QByteArray>> &headers = {}, Done done = {});
    /// False if requests were still pending at the deadline.
    bool wait(int timeoutMs = 60000);
    int pending() const { return m_pending; }

    /// send() and wait() for one request.
    Exchange call(const QByteArray &method, const QString &url, const QByteArray &bearer, const QByteArray &body = {});

private:
    QNetworkAccessManager m_nam;
    int m_pending = 0;
};

/// The Owner password that `init` prints once.
QString ownerPasswordFrom(const QString &initOutput);

} // namespace datarecs::test
