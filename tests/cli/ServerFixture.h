#pragma once

// Shared by the CLI end-to-end suites: a real datarecs-server on loopback with demo data in a fresh
// folder, and a way to run the real `datarecs` binary against it and keep everything it printed.

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

struct CliRun
{
    QStringList args;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QString describe() const
    {
        return QStringLiteral("datarecs %1 -> %2\nstdout: %3\nstderr: %4")
            .arg(args.join(u' '))
            .arg(exitCode)
            .arg(QString::fromUtf8(out.left(2000)), QString::fromUtf8(err.left(2000)));
    }
    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
};

class ServerFixture
{
public:
    /// Starts the server; returns an empty string on success, else what went wrong.
    QString start()
    {
        if (!m_data.isValid()) return QStringLiteral("no temporary folder");
        m_server.setProgram(QStringLiteral(DATARECS_SERVER_BIN));
        // Port 0: the server binds a free port itself and names it in its "listening on" line, so no
        // test running beside this one can take the port between choosing and binding it.
        m_server.setArguments({QStringLiteral("serve"), QStringLiteral("--data-dir"), m_data.path(),
                               QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                               QStringLiteral("--demo")});
        m_server.setProcessChannelMode(QProcess::SeparateChannels);
        m_server.start();
        if (!m_server.waitForStarted(10000))
            return QStringLiteral("datarecs-server did not start: ") + m_server.errorString();
        QElapsedTimer clock;
        clock.start();
        QByteArray seen;
        while (clock.elapsed() < 120000) {
            m_server.waitForReadyRead(500);
            seen += m_server.readAllStandardOutput();
            const qsizetype at = seen.indexOf("datarecs-server listening on ");
            if (at >= 0 && seen.indexOf('\n', at) > at) {
                const QByteArray line = seen.mid(at, seen.indexOf('\n', at) - at).trimmed();
                m_url = QString::fromLatin1(line.mid(line.lastIndexOf(' ') + 1));
                break;
            }
            if (m_server.state() != QProcess::Running)
                return QStringLiteral("datarecs-server exited: ") +
                       QString::fromUtf8(m_server.readAllStandardError());
        }
        if (m_url.isEmpty()) return QStringLiteral("datarecs-server never said it was listening");
        QFile creds(m_data.filePath(QStringLiteral("demo-credentials.json")));
        if (!creds.open(QIODevice::ReadOnly)) return QStringLiteral("no demo-credentials.json");
        const QJsonArray tenants =
            QJsonDocument::fromJson(creds.readAll()).object().value(u"tenants").toArray();
        for (const QJsonValue &t : tenants)
            for (const QJsonValue &u : t.toObject().value(u"users").toArray())
                m_passwords.insert(u.toObject().value(u"email").toString(),
                                   u.toObject().value(u"password").toString());
        return {};
    }

    void stop()
    {
        // DATARECS_TEST_KEEP_SERVER=N keeps the server running N more seconds, to look at after a failure.
        if (const int seconds = qEnvironmentVariableIntValue("DATARECS_TEST_KEEP_SERVER")) {
            qInfo().noquote() << "keeping datarecs-server at" << m_url << "data" << m_data.path() << "for"
                              << seconds << "s";
            QTest::qWait(seconds * 1000);
        }
        if (m_server.state() == QProcess::Running) {
            m_server.terminate();
            if (!m_server.waitForFinished(10000)) m_server.kill();
            m_server.waitForFinished(5000);
        }
    }

    QString url() const { return m_url; }
    QString dataDir() const { return m_data.path(); }
    QString password(const QString &email) const { return m_passwords.value(email); }

    /// Runs `datarecs args...` with stdin fed from input, the given environment additions (a
    /// null value unsets, an empty one sets the variable to nothing), and DATARECS_SERVER pointing at
    /// this server unless overridden.
    CliRun run(const QStringList &args, const QMap<QString, QString> &env = {}, const QByteArray &input = {})
    {
        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.remove(QStringLiteral("DATARECS_API_KEY"));
        e.insert(QStringLiteral("DATARECS_SERVER"), m_url);
        for (auto it = env.cbegin(); it != env.cend(); ++it) {
            if (it.value().isNull())
                e.remove(it.key());
            else
                e.insert(it.key(), it.value());
        }
        p.setProcessEnvironment(e);
        p.start(QStringLiteral(DATARECS_CLI_BIN), args);
        p.waitForStarted(10000);
        p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(60000);
        CliRun r;
        r.args = args;
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        m_runs.append(r);
        return r;
    }

    const QList<CliRun> &runs() const { return m_runs; }

private:
    QTemporaryDir m_data;
    QProcess m_server;
    QString m_url;
    QHash<QString, QString> m_passwords;
    QList<CliRun> m_runs;
};

#define CLI_VERIFY(cond, run) QVERIFY2(cond, qPrintable((run).describe()))
