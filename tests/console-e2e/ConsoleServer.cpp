#include "ConsoleServer.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

ConsoleServer::~ConsoleServer()
{
    stop();
}

QString ConsoleServer::start()
{
    if (!m_data.isValid())
        return QStringLiteral("no temporary folder");
    // The first start takes port 0 and reads the port the server announces, so no test running beside
    // this one can take it between choosing and binding; a restart reuses it, as a restarted server would.
    QStringList args{QStringLiteral("serve"), QStringLiteral("--data-dir"), m_data.filePath(QStringLiteral("data")),
                     QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(m_port)};
    if (!m_seeded)
        args << QStringLiteral("--demo"); // the first start seeds; a restart keeps the same data
    m_process.setProgram(QStringLiteral(DATARECS_SERVER_BIN));
    m_process.setArguments(args);
    // Into a file, not a pipe: nobody reads a pipe once the test runs, and a full one would block the server.
    const QString log = m_data.filePath(QStringLiteral("server.log"));
    QFile::remove(log);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(log);
    m_process.start();
    if (!m_process.waitForStarted(10000))
        return QStringLiteral("datarecs-server did not start: ") + m_process.errorString();
    QByteArray seen;
    const QDeadlineTimer deadline(120000);
    static const QRegularExpression listening(QStringLiteral("datarecs-server listening on http://127\\.0\\.0\\.1:(\\d+)\n"));
    QRegularExpressionMatch announced;
    while (!(announced = listening.match(QString::fromUtf8(seen))).hasMatch()) {
        if (deadline.hasExpired() || m_process.state() != QProcess::Running)
            return QStringLiteral("datarecs-server did not come up:\n") + QString::fromUtf8(seen);
        m_process.waitForFinished(200);
        QFile file(log);
        if (file.open(QIODevice::ReadOnly))
            seen = file.readAll();
    }
    m_port = announced.captured(1).toUShort();
    if (!m_seeded) {
        m_seeded = true;
        QFile creds(m_data.filePath(QStringLiteral("data/demo-credentials.json")));
        if (!creds.open(QIODevice::ReadOnly))
            return QStringLiteral("no demo-credentials.json");
        const QJsonArray tenants = QJsonDocument::fromJson(creds.readAll()).object().value(u"tenants").toArray();
        for (const QJsonValue &t : tenants) {
            for (const QJsonValue &u : t.toObject().value(u"users").toArray())
                m_passwords.insert(u.toObject().value(u"email").toString(),
                                   u.toObject().value(u"password").toString());
        }
    }
    return {};
}

void ConsoleServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}
