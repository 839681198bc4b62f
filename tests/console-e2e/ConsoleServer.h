#pragma once

#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

/// A real datarecs-server for the console's end-to-end tests: a fresh data folder with demo data on
/// a free loopback port. It can be stopped and started again on the same port and data, to play a
/// server that goes away in the middle of a session and comes back.
class ConsoleServer
{
public:
    ~ConsoleServer();

    /// Returns an empty string on success, else what went wrong (with the server's output).
    QString start();
    void stop();
    bool isRunning() const { return m_process.state() == QProcess::Running; }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }
    QString password(const QString &email) const { return m_passwords.value(email); }

private:
    QTemporaryDir m_data;
    QProcess m_process;
    quint16 m_port = 0;
    bool m_seeded = false;
    QHash<QString, QString> m_passwords;
};
