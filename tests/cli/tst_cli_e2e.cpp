// The `datarecs` binary end to end against a real datarecs-server with demo data: every command and
// output format, the user guide's rotation procedure done with the CLI alone, refused keys, exit
// codes, and the rule that a key value is printed by create/rotate only.
#include "ApiClient.h"
#include "KeyFormat.h"
#include "ServerFixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

template <typename T> Result<T> await(ApiCall<T> *call)
{
    std::optional<Result<T>> out;
    call->onFinished(call->parent(), [&out](const Result<T> &r) { out = r; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 30000))
        return ApiError(ApiError::Kind::Timeout, u"test waited too long"_s);
    return *out;
}

/// What `create`/`rotate` prints on stdout when it is not a terminal: the value and a line end.
QString secretFrom(const CliRun &r)
{
    return QString::fromUtf8(r.out).trimmed();
}

/// A CSV header line and one record, as header -> value. Only for test data without quoted fields.
QMap<QString, QString> csvRecord(const QByteArray &csv)
{
    const QStringList lines = QString::fromUtf8(csv).split(u"\r\n"_s);
    if (lines.size() < 2) return {};
    const QStringList headers = lines[0].split(u',');
    const QStringList values = lines[1].split(u',');
    QMap<QString, QString> out;
    for (qsizetype i = 0; i < headers.size() && i < values.size(); ++i)
        out.insert(headers[i], values[i]);
    return out;
}

/// The terminal cells the tables tests' text takes: 2 for CJK ideographs, none for combining marks,
/// 1 for the rest (the tests use no other wide characters).
qsizetype cells(const QString &text)
{
    qsizetype n = 0;
    for (const char32_t c : text.toUcs4())
        n += QChar::category(c) == QChar::Mark_NonSpacing ? 0 : (c >= 0x4E00 && c <= 0x9FFF) ? 2 : 1;
    return n;
}

/// Whether a column starts at the same terminal cell on every line of a table: where the header
/// line (starting "ID") has headerText and every other line rowText.
bool linedUp(const QByteArray &table, const QString &headerText, const QString &rowText)
{
    QSet<qsizetype> starts;
    for (const QString &line : QString::fromUtf8(table).split(u'\n', Qt::SkipEmptyParts)) {
        const qsizetype at = line.indexOf(line.startsWith(u"ID "_s) ? headerText : rowText);
        if (at < 0) return false;
        starts.insert(cells(line.left(at)));
    }
    return starts.size() == 1;
}

} // namespace

class TestCliEndToEnd : public QObject
{
    Q_OBJECT
private:
    ServerFixture m_server;
    QTemporaryDir m_home;         // HOME for every run: settings never touch the real one
    QString m_ownerKey;           // an admin key made through the API, used as DATARECS_API_KEY
    QString m_sessionToken;       // must never appear in any output
    QStringList m_printedSecrets; // values create/rotate printed: each exactly once
    QList<QString> m_extraKeyIds; // keys made for the quota test, removed after it

    CliRun cli(const QStringList &args, QMap<QString, QString> env = {}, const QByteArray &input = {})
    {
        if (!env.contains(u"DATARECS_API_KEY"_s)) env.insert(u"DATARECS_API_KEY"_s, m_ownerKey);
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"XDG_CONFIG_HOME"_s, m_home.path() + u"/.config"_s);
        return m_server.run(args, env, input);
    }

    /// Creates a key with the CLI (stdout not a terminal: the value alone) and returns {id, value}.
    std::pair<QString, QString> createKey(const QString &name, const QString &role = u"admin"_s)
    {
        const CliRun r =
            cli({u"api-key"_s, u"create"_s, u"--name"_s, name, u"--role"_s, role, u"--output"_s, u"json"_s});
        if (r.exitCode != 0) qWarning().noquote() << r.describe();
        const QString secret = secretFrom(r);
        m_printedSecrets.append(secret);
        const QString id = QJsonDocument::fromJson(r.err.left(r.err.lastIndexOf('}') + 1))
                               .object()
                               .value(u"api_key"_s)
                               .toObject()
                               .value(u"id"_s)
                               .toString();
        return {id, secret};
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString problem = m_server.start();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // Bootstrap through the library: sign in as the demo owner, make an admin key for the CLI.
        ApiClient client;
        client.setBaseUrl(QUrl(m_server.url()));
        const Result<LoginResult> login =
            await(client.login(u"owner@acme.test"_s, m_server.password(u"owner@acme.test"_s)));
        QVERIFY2(login.ok(), qPrintable(login.ok() ? QString() : login.error().userMessage()));
        m_sessionToken = login.value().token;
        client.setCredential(m_sessionToken);
        const Result<CreatedApiKey> key =
            await(client.createApiKey({u"e2e-cli"_s, u"CLI tests"_s, u"admin"_s, {}, {}}));
        QVERIFY2(key.ok(), qPrintable(key.ok() ? QString() : key.error().userMessage()));
        m_ownerKey = key.value().secret;
    }

    void cleanupTestCase() { m_server.stop(); }

    void help_forEveryCommand_hasUsageAndExample_data()
    {
        QTest::addColumn<QStringList>("command");
        for (const char *c :
             {"login", "logout", "whoami", "api-key list", "api-key show", "api-key create", "api-key update",
              "api-key enable", "api-key disable", "api-key delete", "api-key rotate", "api-key check",
              "audit list", "audit export", "audit verify", "roles", "workspaces", "quota"})
            QTest::newRow(c) << QString::fromLatin1(c).split(u' ');
    }

    void help_forEveryCommand_hasUsageAndExample()
    {
        QFETCH(QStringList, command);
        const CliRun r = cli(command + QStringList{u"--help"_s});
        CLI_VERIFY(r.exitCode == 0, r);
        const QString out = QString::fromUtf8(r.out);
        CLI_VERIFY(out.startsWith(u"Usage: datarecs "_s + command.join(u' ')), r);
        CLI_VERIFY(out.contains(u"Examples:\n  datarecs "_s + command.join(u' ')), r);
    }

    void help_topAndGroups()
    {
        for (const QStringList &args :
             {QStringList{u"--help"_s}, QStringList{u"help"_s}, QStringList{u"api-key"_s, u"--help"_s},
              QStringList{u"audit"_s, u"--help"_s}, QStringList{u"help"_s, u"api-key"_s, u"rotate"_s}}) {
            const CliRun r = cli(args);
            CLI_VERIFY(r.exitCode == 0 && r.out.startsWith("Usage: datarecs"), r);
        }
        const CliRun v = cli({u"--version"_s});
        CLI_VERIFY(v.exitCode == 0 && v.out.startsWith("datarecs "), v);
    }

    void unknownOption_isNamed_evenBeforeAValue_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error");
        QTest::newRow("mistyped, with its value")
            << QStringList{u"api-key"_s, u"list"_s, u"--stauts"_s, u"stale"_s}
            << u"Unknown option 'stauts'."_s;
        QTest::newRow("mistyped filter")
            << QStringList{u"audit"_s, u"list"_s, u"--sinec"_s, u"7d"_s} << u"Unknown option 'sinec'."_s;
        QTest::newRow("before the command") << QStringList{u"--stauts"_s, u"stale"_s, u"api-key"_s, u"list"_s}
                                            << u"Unknown option 'stauts'."_s;
        QTest::newRow("value after =")
            << QStringList{u"api-key"_s, u"list"_s, u"--stauts=stale"_s} << u"Unknown option 'stauts'."_s;
        QTest::newRow("no value") << QStringList{u"api-key"_s, u"list"_s, u"--stauts"_s}
                                  << u"Unknown option 'stauts'."_s;
        QTest::newRow("single dash, read as a long option")
            << QStringList{u"api-key"_s, u"list"_s, u"-stauts"_s, u"stale"_s} << u"Unknown option 'stauts'."_s;
        QTest::newRow("a real extra argument")
            << QStringList{u"roles"_s, u"extra"_s} << u"Unexpected argument 'extra'."_s;
    }

    void unknownOption_isNamed_evenBeforeAValue()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        const CliRun r = cli(args);
        CLI_VERIFY(r.exitCode == 2 && r.err.startsWith("datarecs: " + error.toUtf8() + '\n'), r);
    }

    void bashCompletion_findsTheCommandPastOptions_andCompletesHelp_data()
    {
        QTest::addColumn<QStringList>("words"); // as typed; the last one is being completed
        QTest::addColumn<QString>("offered");
        const QString apiKeySubcommands = u"check create delete disable enable list rotate show update"_s;
        QTest::newRow("command") << QStringList{u""_s}
                                 << u"api-key audit help login logout quota roles whoami workspaces"_s;
        QTest::newRow("help command")
            << QStringList{u"help"_s, u""_s} << u"api-key audit login logout quota roles whoami workspaces"_s;
        QTest::newRow("help subcommand") << QStringList{u"help"_s, u"api-key"_s, u""_s} << apiKeySubcommands;
        QTest::newRow("help, complete")
            << QStringList{u"help"_s, u"audit"_s, u"export"_s, u""_s} << QString();
        QTest::newRow("subcommand") << QStringList{u"api-key"_s, u""_s} << apiKeySubcommands;
        QTest::newRow("subcommand after a global option")
            << QStringList{u"--output"_s, u"json"_s, u"api-key"_s, u""_s} << apiKeySubcommands;
        QTest::newRow("subcommand after --option=value")
            << QStringList{u"--output"_s, u"="_s, u"json"_s, u"api-key"_s, u""_s} << apiKeySubcommands;
        QTest::newRow("options after a global option")
            << QStringList{u"--server"_s, u"http://h"_s, u"audit"_s, u"export"_s, u"--"_s}
            << u"--action --actor --api-key-id --format --help --outcome --output --server --since --until"_s;
        QTest::newRow("value after a global option")
            << QStringList{u"--output"_s, u"json"_s, u"api-key"_s, u"list"_s, u"--status"_s, u"st"_s}
            << u"stale"_s;
        QTest::newRow("value after =")
            << QStringList{u"api-key"_s, u"list"_s, u"--status"_s, u"="_s, u"st"_s} << u"stale"_s;
    }

    void bashCompletion_findsTheCommandPastOptions_andCompletesHelp()
    {
        QFETCH(QStringList, words);
        QFETCH(QString, offered);
        const QString bash = QStandardPaths::findExecutable(u"bash"_s);
        if (bash.isEmpty()) QSKIP("no bash here");
        // Calls the completion function as bash does on TAB, with the words of the line.
        QProcess p;
        p.start(bash,
                QStringList{u"--norc"_s, u"--noprofile"_s, u"-c"_s,
                            u"source \"$0\" && COMP_WORDS=(\"$@\") && COMP_CWORD=$(($# - 1)) && _datarecs; "
                            "printf '%s\\n' \"${COMPREPLY[@]}\""_s,
                            QStringLiteral(DATARECS_COMPLETION_SCRIPT), u"datarecs"_s} +
                    words);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.readAllStandardError(), QByteArray());
        QStringList got = QString::fromUtf8(p.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        got.sort();
        QCOMPARE(got.join(u' '), offered);
    }

    void usageErrors_exitWith2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{};
        QTest::newRow("unknown command") << QStringList{u"frobnicate"_s};
        QTest::newRow("group without subcommand") << QStringList{u"api-key"_s};
        QTest::newRow("unknown option") << QStringList{u"api-key"_s, u"list"_s, u"--colour"_s};
        QTest::newRow("option of another command") << QStringList{u"quota"_s, u"--api-key-id"_s, u"key_x"_s};
        QTest::newRow("extra argument") << QStringList{u"roles"_s, u"extra"_s};
        QTest::newRow("bad output format") << QStringList{u"roles"_s, u"--output"_s, u"xml"_s};
        QTest::newRow("show without id") << QStringList{u"api-key"_s, u"show"_s};
        QTest::newRow("malformed id") << QStringList{u"api-key"_s, u"show"_s, u"--api-key-id"_s, u"abc"_s};
        QTest::newRow("create without role") << QStringList{u"api-key"_s, u"create"_s, u"--name"_s, u"x"_s};
        QTest::newRow("create bad expiry")
            << QStringList{u"api-key"_s, u"create"_s, u"--name"_s,    u"x"_s,
                           u"--role"_s,  u"admin"_s,  u"--expires"_s, u"soon"_s};
        QTest::newRow("bad status") << QStringList{u"api-key"_s, u"list"_s, u"--status"_s, u"sleepy"_s};
        QTest::newRow("bad since") << QStringList{u"audit"_s, u"list"_s, u"--since"_s, u"last tuesday"_s};
        QTest::newRow("bad outcome") << QStringList{u"audit"_s, u"list"_s, u"--outcome"_s, u"meh"_s};
        QTest::newRow("export without format") << QStringList{u"audit"_s, u"export"_s};
        QTest::newRow("update with nothing")
            << QStringList{u"api-key"_s, u"update"_s, u"--api-key-id"_s, u"key_AAAAAAAAAAAAAAAA"_s};
        // Said before sending: a body this large would be refused as a whole, not field by field.
        QTest::newRow("description over 500 characters")
            << QStringList{u"api-key"_s, u"create"_s, u"--name"_s, u"x"_s, u"--role"_s, u"admin"_s,
                           u"--description"_s, QString(100000, u'd')};
        QTest::newRow("update with a name over 100 characters")
            << QStringList{u"api-key"_s, u"update"_s, u"--api-key-id"_s, u"key_AAAAAAAAAAAAAAAA"_s, u"--name"_s,
                           QString(101, u'n')};
        QTest::newRow("server rejects name") << QStringList{u"api-key"_s,       u"create"_s, u"--name"_s,
                                                            QString(150, u'n'), u"--role"_s, u"admin"_s};
    }

    void usageErrors_exitWith2()
    {
        QFETCH(QStringList, args);
        const CliRun r = cli(args);
        CLI_VERIFY(r.exitCode == 2, r);
        CLI_VERIFY(r.err.startsWith("datarecs: "), r);
        CLI_VERIFY(r.out.isEmpty(), r);
    }

    void blankOrRepeatedOptions_areRefused_beforeAnythingIsSent()
    {
        // `--workspace "$WS"` with WS unset in a script: refused, not a key for every workspace.
        const QString name = u"blank workspace option"_s;
        const CliRun blank = cli({u"api-key"_s, u"create"_s, u"--name"_s, name, u"--role"_s, u"admin"_s,
                                  u"--workspace"_s, u""_s});
        CLI_VERIFY(blank.exitCode == 2 && blank.err.contains("--workspace is empty") && blank.out.isEmpty(), blank);
        const CliRun found = cli({u"api-key"_s, u"list"_s, u"--search"_s, name, u"--output"_s, u"json"_s});
        CLI_VERIFY(found.exitCode == 0 && found.json().array().isEmpty(), found);
        const CliRun blankFilter = cli({u"audit"_s, u"list"_s, u"--api-key-id"_s, u" "_s});
        CLI_VERIFY(blankFilter.exitCode == 2 && blankFilter.out.isEmpty(), blankFilter);

        // Two ids: Qt's parser keeps the last, so this used to disable the second key alone, exit 0.
        const auto [first, firstValue] = createKey(u"repeated option one"_s);
        const auto [second, secondValue] = createKey(u"repeated option two"_s);
        const CliRun twice =
            cli({u"api-key"_s, u"disable"_s, u"--api-key-id"_s, first, u"--api-key-id"_s, second});
        CLI_VERIFY(twice.exitCode == 2 && twice.err.contains("--api-key-id is given more than once"), twice);
        for (const QString &id : {first, second}) {
            const CliRun shown = cli({u"api-key"_s, u"show"_s, u"--api-key-id"_s, id, u"--output"_s, u"json"_s});
            CLI_VERIFY(shown.exitCode == 0 && shown.json().object().value(u"enabled"_s).toBool(), shown);
            const CliRun removed = cli({u"api-key"_s, u"delete"_s, u"--api-key-id"_s, id, u"--yes"_s});
            CLI_VERIFY(removed.exitCode == 0, removed);
        }

        // What stays allowed: an empty search lists everything, and the last output format wins.
        const CliRun everything =
            cli({u"--output"_s, u"csv"_s, u"api-key"_s, u"list"_s, u"--search"_s, u""_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(everything.exitCode == 0 && everything.json().array().size() >= 30, everything);

        // An empty DATARECS_SERVER is a CI variable that did not come through, not "the last login's".
        const CliRun noServer = cli({u"quota"_s}, {{u"DATARECS_SERVER"_s, u""_s}});
        CLI_VERIFY(noServer.exitCode == 2 && noServer.err.contains("DATARECS_SERVER is set but empty"), noServer);
    }

    void auditExport_givenAFormatAsOutput_refusesRatherThanWriteAFileOfThatName()
    {
        // Global options may come first, where --output is a format; for an export it names the file.
        QTemporaryDir cwd;
        QVERIFY(cwd.isValid());
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(cwd.path()));
        const CliRun r = cli({u"--output"_s, u"json"_s, u"audit"_s, u"export"_s, u"--format"_s, u"ndjson"_s});
        QDir::setCurrent(before);
        CLI_VERIFY(r.exitCode == 2 && r.err.contains("--format") && r.out.isEmpty(), r);
        QVERIFY2(!QFile::exists(cwd.filePath(u"json"_s)), "a file named json was written");
    }

    void listsThatNeverEnd_stopWithAnError()
    {
        // A faulty server whose every page is empty and points to a next one: the CLI used to follow
        // it for ever.
        QProcess fake;
        fake.start(u"python3"_s, {QStringLiteral(DATARECS_ENDLESS_PAGES_SCRIPT)});
        QVERIFY(fake.waitForStarted(10000) && fake.waitForReadyRead(10000));
        const QString server = u"http://127.0.0.1:"_s + QString::fromLatin1(fake.readLine().trimmed());
        for (const QStringList &command : {QStringList{u"api-key"_s, u"list"_s}, QStringList{u"audit"_s, u"list"_s}}) {
            const CliRun r = cli(command + QStringList{u"--server"_s, server});
            CLI_VERIFY(r.exitCode == 1 && r.err.contains("did not move on") && r.out.isEmpty(), r);
        }
        fake.kill();
        fake.waitForFinished(5000);

        // Real pages whose cursors go round in a circle, A, B, A...
        QProcess cycle;
        cycle.start(u"python3"_s, {QStringLiteral(DATARECS_ENDLESS_PAGES_SCRIPT), u"cycle"_s,
                                   QString::number(QUrl(m_server.url()).port())});
        QVERIFY(cycle.waitForStarted(10000) && cycle.waitForReadyRead(10000));
        const QString circle = u"http://127.0.0.1:"_s + QString::fromLatin1(cycle.readLine().trimmed());
        for (const QStringList &command : {QStringList{u"api-key"_s, u"list"_s}, QStringList{u"audit"_s, u"list"_s, u"--limit"_s, u"1000"_s}}) {
            const CliRun r = cli(command + QStringList{u"--server"_s, circle});
            CLI_VERIFY(r.exitCode == 1 && r.err.contains("did not move on") && r.out.isEmpty(), r);
        }
        cycle.kill();
        cycle.waitForFinished(5000);
    }

    void show_multiLineDescription_staysUnderItsLabel()
    {
        // A description may hold line breaks; at the start of a line its text could pass for fields.
        ApiClient client;
        client.setBaseUrl(QUrl(m_server.url()));
        client.setCredential(m_ownerKey);
        const Result<CreatedApiKey> key = await(client.createApiKey(
            {u"multi-line description"_s, u"first line\nEnabled: no\nExpires: 2026-12-01 00:00"_s, u"admin"_s, {}, {}}));
        QVERIFY2(key.ok(), qPrintable(key.ok() ? QString() : key.error().userMessage()));
        const QString id = key.value().apiKey.id;
        const CliRun shown = cli({u"api-key"_s, u"show"_s, u"--api-key-id"_s, id});
        CLI_VERIFY(shown.exitCode == 0, shown);
        const QStringList lines = QString::fromUtf8(shown.out).split(u'\n');
        CLI_VERIFY(lines.filter(QRegularExpression(u"^Enabled:"_s)).size() == 1, shown);
        CLI_VERIFY(lines.filter(QRegularExpression(u"^Expires:"_s)).size() == 1, shown);
        CLI_VERIFY(lines.filter(QRegularExpression(u"^Description: +first line$"_s)).size() == 1, shown);
        CLI_VERIFY(lines.filter(QRegularExpression(u"^ +Enabled: no$"_s)).size() == 1, shown);
        QVERIFY(await(client.deleteApiKey(id)).ok());
    }

    void apiKeyList_inEveryFormat_showsTheConsolesMetadata()
    {
        const CliRun table = cli({u"api-key"_s, u"list"_s});
        CLI_VERIFY(table.exitCode == 0, table);
        const QByteArray header = table.out.left(table.out.indexOf('\n'));
        for (const char *column :
             {"ID", "NAME", "ROLE", "WORKSPACE", "STATUS", "CREATED BY", "CREATED", "LAST USED"})
            CLI_VERIFY(header.contains(column), table);

        const CliRun json = cli({u"api-key"_s, u"list"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(json.exitCode == 0 && json.json().isArray(), json);
        const QJsonArray keys = json.json().array();
        QVERIFY(keys.size() >= 30);
        const QJsonObject first = keys.first().toObject();
        for (const char *field : {"id", "name", "role", "enabled", "status", "created_by", "created_at",
                                  "last_used_at", "hint", "workspace"})
            QVERIFY2(first.contains(QLatin1StringView(field)), field);
        QCOMPARE(table.out.count('\n'), keys.size() + 1);

        const CliRun csv = cli({u"api-key"_s, u"list"_s, u"--output"_s, u"csv"_s});
        CLI_VERIFY(csv.exitCode == 0, csv);
        CLI_VERIFY(csv.out.startsWith(
                       "id,name,description,role,workspace_id,workspace_name,enabled,status,hint,"
                       "created_by_id,created_by_name,created_at,last_used_at,last_used_ip,expires_at,"
                       "updated_at,replaces,replaced_by\r\n"),
                   csv);
        QCOMPARE(csv.out.count("\r\n"), keys.size() + 1);

        const CliRun limited = cli({u"api-key"_s, u"list"_s, u"--limit"_s, u"3"_s, u"--output"_s, u"json"_s});
        QCOMPARE(limited.json().array().size(), 3);
        const CliRun disabled =
            cli({u"api-key"_s, u"list"_s, u"--status"_s, u"disabled"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(disabled.exitCode == 0, disabled);
        for (const QJsonValue &k : disabled.json().array())
            QCOMPARE(k.toObject().value(u"enabled"_s).toBool(), false);
        const CliRun search =
            cli({u"api-key"_s, u"list"_s, u"--search"_s, u"e2e-cli"_s, u"--output"_s, u"json"_s});
        QCOMPARE(search.json().array().size(), 1);
        const CliRun stale =
            cli({u"api-key"_s, u"list"_s, u"--status"_s, u"rotation-due"_s, u"--output"_s, u"csv"_s});
        CLI_VERIFY(stale.exitCode == 0, stale);
    }

    void apiKeyShow_inEveryFormat()
    {
        const CliRun list =
            cli({u"api-key"_s, u"list"_s, u"--search"_s, u"e2e-cli"_s, u"--output"_s, u"json"_s});
        const QString id = list.json().array().first().toObject().value(u"id"_s).toString();
        const CliRun json = cli({u"api-key"_s, u"show"_s, u"--api-key-id"_s, id, u"--output"_s, u"json"_s});
        CLI_VERIFY(json.exitCode == 0 && json.json().object().value(u"id"_s).toString() == id, json);
        QCOMPARE(json.json().object().value(u"description"_s).toString(), u"CLI tests"_s);
        const CliRun table = cli({u"api-key"_s, u"show"_s, u"--api-key-id"_s, id});
        CLI_VERIFY(table.exitCode == 0 && table.out.contains("Created by:") &&
                       table.out.contains("Last used:"),
                   table);
        const CliRun csv = cli({u"api-key"_s, u"show"_s, u"--api-key-id"_s, id, u"--output"_s, u"csv"_s});
        CLI_VERIFY(csv.exitCode == 0 && csv.out.startsWith("id,name,description,role,"), csv);
        const CliRun missing = cli({u"api-key"_s, u"show"_s, u"--api-key-id"_s, u"key_AAAAAAAAAAAAAAAA"_s});
        CLI_VERIFY(missing.exitCode == 5 && missing.err.contains("Not found"), missing);
    }

    void directory_inEveryFormat()
    {
        const CliRun roles = cli({u"roles"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(roles.exitCode == 0 && roles.json().array().size() == 5, roles);
        const CliRun rolesTable = cli({u"roles"_s});
        CLI_VERIFY(rolesTable.out.contains("workspace_viewer"), rolesTable);
        const CliRun rolesCsv = cli({u"roles"_s, u"--output"_s, u"csv"_s});
        CLI_VERIFY(rolesCsv.out.startsWith("name,title,scope,rank,description,permissions\r\n"), rolesCsv);

        const CliRun ws = cli({u"workspaces"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(ws.exitCode == 0 && !ws.json().array().isEmpty(), ws);
        CLI_VERIFY(cli({u"workspaces"_s}).out.startsWith("ID"), ws);
        CLI_VERIFY(cli({u"workspaces"_s, u"--output"_s, u"csv"_s}).out.startsWith("id,name,description\r\n"),
                   ws);

        const CliRun quota = cli({u"quota"_s, u"--output"_s, u"json"_s});
        const QJsonObject q = quota.json().object();
        CLI_VERIFY(quota.exitCode == 0 && q.value(u"limit"_s).toInt() ==
                                              q.value(u"used"_s).toInt() + q.value(u"remaining"_s).toInt(),
                   quota);
        CLI_VERIFY(cli({u"quota"_s}).out.startsWith("Limit:"), quota);
        CLI_VERIFY(cli({u"quota"_s, u"--output"_s, u"csv"_s}).out.startsWith("limit,used,remaining\r\n"),
                   quota);
    }

    void whoami_inEveryFormat()
    {
        const CliRun json = cli({u"whoami"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(json.exitCode == 0, json);
        QCOMPARE(json.json().object().value(u"kind"_s).toString(), u"api_key"_s);
        QCOMPARE(json.json().object().value(u"api_key"_s).toObject().value(u"name"_s).toString(),
                 u"e2e-cli"_s);
        const CliRun table = cli({u"whoami"_s});
        CLI_VERIFY(table.out.contains("API key:") && table.out.contains("e2e-cli"), table);
        CLI_VERIFY(cli({u"whoami"_s, u"--output"_s, u"csv"_s}).out.startsWith("server,kind,tenant_id,"),
                   table);
    }

    void csv_ofOneRecord_hasRawValues_andTheListsColumnsForKeys()
    {
        const QRegularExpression rfc3339(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"_s);
        const CliRun created =
            cli({u"api-key"_s, u"create"_s, u"--name"_s, u"e2e-csv-record"_s, u"--role"_s,
                 u"workspace_viewer"_s, u"--expires"_s, u"30d"_s, u"--output"_s, u"csv"_s});
        CLI_VERIFY(created.exitCode == 0, created);
        m_printedSecrets.append(secretFrom(created));
        // The list's CSV is the reference: true/false, full timestamps, empty for none.
        const CliRun list =
            cli({u"api-key"_s, u"list"_s, u"--search"_s, u"e2e-csv-record"_s, u"--output"_s, u"csv"_s});
        CLI_VERIFY(list.exitCode == 0 && list.out.count("\r\n") == 2, list);
        const QMap<QString, QString> listed = csvRecord(list.out);
        const QString id = listed.value(u"id"_s);
        QCOMPARE(listed.value(u"enabled"_s), u"true"_s);
        QVERIFY2(rfc3339.match(listed.value(u"expires_at"_s)).hasMatch(), qPrintable(list.describe()));
        QCOMPARE(listed.value(u"last_used_at"_s), QString());
        QCOMPARE(listed.value(u"workspace_id"_s), QString());

        // The same header and row from create (its details on stderr) and show.
        CLI_VERIFY(created.err.startsWith(list.out), created);
        const CliRun show = cli({u"api-key"_s, u"show"_s, u"--api-key-id"_s, id, u"--output"_s, u"csv"_s});
        CLI_VERIFY(show.exitCode == 0 && show.out == list.out, show);
        const CliRun off = cli({u"api-key"_s, u"disable"_s, u"--api-key-id"_s, id, u"--output"_s, u"csv"_s});
        CLI_VERIFY(off.exitCode == 0 && off.out.startsWith(list.out.left(list.out.indexOf("\r\n") + 2)), off);
        QCOMPARE(csvRecord(off.out).value(u"enabled"_s), u"false"_s);
        QCOMPARE(csvRecord(off.out).value(u"status"_s), u"disabled"_s);

        const CliRun who = cli({u"whoami"_s, u"--output"_s, u"csv"_s});
        CLI_VERIFY(who.exitCode == 0, who);
        const QMap<QString, QString> me = csvRecord(who.out);
        CLI_VERIFY(me.value(u"kind"_s) == u"api_key" && me.value(u"api_key_name"_s) == u"e2e-cli" &&
                       me.value(u"tenant_id"_s).startsWith(u"ten_"_s) && me.value(u"role"_s) == u"admin" &&
                       me.value(u"user_id"_s).isEmpty() && me.value(u"workspace_id"_s).isEmpty() &&
                       me.value(u"expires_at"_s).isEmpty(),
                   who);

        const CliRun verify = cli({u"audit"_s, u"verify"_s, u"--output"_s, u"csv"_s});
        CLI_VERIFY(verify.exitCode == 0 &&
                       verify.out.startsWith("ok,checked,first_broken_id,first_broken_reason\r\ntrue,") &&
                       verify.out.endsWith(",,\r\n"),
                   verify);
    }

    void tables_lineUpWideAndCombiningCharacters()
    {
        // A CJK character takes two terminal cells, a combining accent none.
        for (const QString &name : {u"cells ascii"_s, u"cells 数据同步 東京"_s, u"cells e\u0301te\u0301"_s})
            QVERIFY(!createKey(name, u"workspace_viewer"_s).first.isEmpty());
        // The C library knows the widths under a UTF-8 locale, as a terminal showing UTF-8 has.
        const QMap<QString, QString> utf8{{u"LC_ALL"_s, u"C.UTF-8"_s}};
        const CliRun keys = cli({u"api-key"_s, u"list"_s, u"--search"_s, u"cells "_s}, utf8);
        CLI_VERIFY(keys.exitCode == 0 && keys.out.count('\n') == 4, keys);
        CLI_VERIFY(linedUp(keys.out, u"ROLE"_s, u"workspace_viewer"_s), keys);
        const CliRun audit =
            cli({u"audit"_s, u"list"_s, u"--action"_s, u"api_key.create"_s, u"--limit"_s, u"3"_s}, utf8);
        CLI_VERIFY(audit.exitCode == 0 && audit.out.contains("数据同步"), audit);
        CLI_VERIFY(linedUp(audit.out, u"OUTCOME"_s, u"success"_s), audit);
    }

    void create_printsTheValueAloneOnStdout_andDetailsOnStderr()
    {
        for (const QString &format : {u"json"_s, u"table"_s, u"csv"_s}) {
            const CliRun r =
                cli({u"api-key"_s, u"create"_s, u"--name"_s, u"e2e-create-"_s + format, u"--role"_s,
                     u"workspace_viewer"_s, u"--description"_s, u"made by the CLI test"_s, u"--expires"_s,
                     u"30d"_s, u"--output"_s, format});
            CLI_VERIFY(r.exitCode == 0, r);
            const QString secret = secretFrom(r);
            m_printedSecrets.append(secret);
            CLI_VERIFY(r.out == secret.toUtf8() + '\n', r); // `> key.txt` captures just the key
            CLI_VERIFY(KeyFormat::isValid(secret), r);
            CLI_VERIFY(r.err.contains("cannot be shown again"), r);
            CLI_VERIFY(r.err.contains("e2e-create-" + format.toUtf8()), r);
        }
    }

    void rotationProcedure_ofTheUserGuide_withTheCliAlone()
    {
        // The system still uses the old key.
        const auto [oldId, oldValue] = createKey(u"deploy-old"_s);
        QVERIFY(!oldId.isEmpty());
        const CliRun usingOld =
            cli({u"whoami"_s, u"--output"_s, u"json"_s}, {{u"DATARECS_API_KEY"_s, oldValue}});
        CLI_VERIFY(usingOld.exitCode == 0, usingOld);

        // 1. Create a new key. 2. Use it. 3. Disable the old one, then delete it.
        const auto [newId, newValue] = createKey(u"deploy-new"_s);
        const CliRun usingNew =
            cli({u"whoami"_s, u"--output"_s, u"json"_s}, {{u"DATARECS_API_KEY"_s, newValue}});
        CLI_VERIFY(usingNew.exitCode == 0, usingNew);
        QCOMPARE(usingNew.json().object().value(u"api_key"_s).toObject().value(u"id"_s).toString(), newId);

        const CliRun disable = cli({u"api-key"_s, u"disable"_s, u"--api-key-id"_s, oldId});
        CLI_VERIFY(disable.exitCode == 0 && disable.out.contains("refused"), disable);
        const CliRun refused = cli({u"whoami"_s}, {{u"DATARECS_API_KEY"_s, oldValue}});
        CLI_VERIFY(refused.exitCode == 3, refused);
        CLI_VERIFY(refused.err.contains("The server refused the key: check it was copied exactly (keys are "
                                        "case-sensitive) and that it is not disabled."),
                   refused);
        CLI_VERIFY(refused.err.contains("invalid-token"), refused);

        const CliRun del = cli({u"api-key"_s, u"delete"_s, u"--api-key-id"_s, oldId, u"--yes"_s});
        CLI_VERIFY(del.exitCode == 0 && del.out.contains(oldId.toUtf8()), del);
        const CliRun gone = cli({u"api-key"_s, u"show"_s, u"--api-key-id"_s, oldId});
        CLI_VERIFY(gone.exitCode == 5, gone);
        const CliRun stillNew = cli({u"whoami"_s}, {{u"DATARECS_API_KEY"_s, newValue}});
        CLI_VERIFY(stillNew.exitCode == 0, stillNew);

        // The audit log recorded the refused request of the disabled key.
        const CliRun audit = cli({u"audit"_s, u"list"_s, u"--api-key-id"_s, oldId, u"--outcome"_s,
                                  u"refused"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(audit.exitCode == 0 && !audit.json().array().isEmpty(), audit);
    }

    void rotateCommand_makesAReplacement_andTheOldKeyStaysEnabled()
    {
        const auto [oldId, oldValue] = createKey(u"terraform"_s, u"workspace_admin"_s);
        Q_UNUSED(oldValue);
        const CliRun r = cli({u"api-key"_s, u"rotate"_s, u"--api-key-id"_s, oldId, u"--output"_s, u"json"_s});
        CLI_VERIFY(r.exitCode == 0, r);
        const QString newValue = secretFrom(r);
        m_printedSecrets.append(newValue);
        CLI_VERIFY(KeyFormat::isValid(newValue) && r.out == newValue.toUtf8() + '\n', r);
        const QJsonObject meta = QJsonDocument::fromJson(r.err.left(r.err.lastIndexOf('}') + 1)).object();
        QCOMPARE(meta.value(u"replaces"_s).toObject().value(u"id"_s).toString(), oldId);
        QCOMPARE(meta.value(u"api_key"_s).toObject().value(u"role"_s).toString(), u"workspace_admin"_s);
        CLI_VERIFY(r.err.contains("stays enabled"), r);
        const CliRun old = cli({u"api-key"_s, u"show"_s, u"--api-key-id"_s, oldId, u"--output"_s, u"json"_s});
        QCOMPARE(old.json().object().value(u"enabled"_s).toBool(), true);
        QCOMPARE(old.json().object().value(u"replaced_by"_s).toString(),
                 meta.value(u"api_key"_s).toObject().value(u"id"_s).toString());
        const CliRun usingNew = cli({u"whoami"_s}, {{u"DATARECS_API_KEY"_s, newValue}});
        CLI_VERIFY(usingNew.exitCode == 0, usingNew);
    }

    void enableAndDisable_inEveryFormat()
    {
        const auto [id, value] = createKey(u"toggle"_s, u"workspace_viewer"_s);
        const CliRun off = cli({u"api-key"_s, u"disable"_s, u"--api-key-id"_s, id, u"--output"_s, u"json"_s});
        CLI_VERIFY(off.exitCode == 0 && off.json().object().value(u"status"_s).toString() == u"disabled",
                   off);
        CLI_VERIFY(cli({u"whoami"_s}, {{u"DATARECS_API_KEY"_s, value}}).exitCode == 3, off);
        const CliRun on = cli({u"api-key"_s, u"enable"_s, u"--api-key-id"_s, id, u"--output"_s, u"csv"_s});
        CLI_VERIFY(on.exitCode == 0 && on.out.startsWith("id,name,"), on);
        CLI_VERIFY(cli({u"whoami"_s}, {{u"DATARECS_API_KEY"_s, value}}).exitCode == 0, on);
        const CliRun renamed = cli({u"api-key"_s, u"update"_s, u"--api-key-id"_s, id, u"--name"_s,
                                    u"toggled"_s, u"--description"_s, u"renamed by the test"_s});
        CLI_VERIFY(renamed.exitCode == 0 && renamed.out.contains("toggled"), renamed);
    }

    void delete_withoutYes_offTerminal_refusesAndKeepsTheKey()
    {
        const auto [id, value] = createKey(u"keep-me"_s, u"workspace_viewer"_s);
        const CliRun r = cli({u"api-key"_s, u"delete"_s, u"--api-key-id"_s, id});
        CLI_VERIFY(r.exitCode == 2 && r.err.contains("--yes"), r);
        CLI_VERIFY(cli({u"whoami"_s}, {{u"DATARECS_API_KEY"_s, value}}).exitCode == 0, r);
        const CliRun json =
            cli({u"api-key"_s, u"delete"_s, u"--api-key-id"_s, id, u"--yes"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(json.exitCode == 0 && json.json().object().value(u"deleted"_s).toBool(), json);
        CLI_VERIFY(cli({u"whoami"_s}, {{u"DATARECS_API_KEY"_s, value}}).exitCode == 3, json);
    }

    void check_readsTheValueFromStdin_andNeverPrintsIt()
    {
        const auto [id, value] = createKey(u"checked"_s, u"workspace_viewer"_s);
        const CliRun ok =
            cli({u"api-key"_s, u"check"_s, u"--output"_s, u"json"_s}, {}, value.toUtf8() + '\n');
        CLI_VERIFY(ok.exitCode == 0 && ok.json().object().value(u"id"_s).toString() == id, ok);
        QString typo = value;
        typo[12] = typo[12] == u'a' ? u'b' : u'a';
        const CliRun bad = cli({u"api-key"_s, u"check"_s}, {}, typo.toUtf8());
        CLI_VERIFY(bad.exitCode == 2 && bad.err.contains("checksum"), bad);
        const CliRun unknown =
            cli({u"api-key"_s, u"check"_s}, {}, KeyFormat::compose(QString(30, u'Z')).toUtf8());
        CLI_VERIFY(unknown.exitCode == 5, unknown);
        const CliRun empty = cli({u"api-key"_s, u"check"_s}, {}, {});
        CLI_VERIFY(empty.exitCode == 2, empty);
    }

    void audit_listExportVerify_inEveryFormat()
    {
        const CliRun json = cli({u"audit"_s, u"list"_s, u"--limit"_s, u"20"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(json.exitCode == 0 && json.json().array().size() == 20, json);
        const CliRun filtered = cli({u"audit"_s, u"list"_s, u"--action"_s, u"api_key.disable"_s, u"--since"_s,
                                     u"1h"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(filtered.exitCode == 0 && !filtered.json().array().isEmpty(), filtered);
        for (const QJsonValue &e : filtered.json().array())
            QCOMPARE(e.toObject().value(u"action"_s).toString(), u"api_key.disable"_s);
        // More than one page (the server's maximum is 500): the CLI follows the cursor.
        const CliRun paged = cli({u"audit"_s, u"list"_s, u"--limit"_s, u"620"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(paged.exitCode == 0 && paged.json().array().size() == 620, paged);
        QSet<qint64> ids;
        for (const QJsonValue &e : paged.json().array())
            ids.insert(e.toObject().value(u"id"_s).toInteger());
        QCOMPARE(ids.size(), 620);
        const CliRun table = cli({u"audit"_s, u"list"_s, u"--limit"_s, u"5"_s});
        CLI_VERIFY(table.exitCode == 0 && table.out.startsWith("ID") && table.out.count('\n') == 6, table);
        const CliRun csv = cli({u"audit"_s, u"list"_s, u"--limit"_s, u"5"_s, u"--output"_s, u"csv"_s});
        CLI_VERIFY(csv.exitCode == 0 && csv.out.startsWith("id,occurred_at,actor_type,") &&
                       csv.out.count("\r\n") >= 6,
                   csv);

        QTemporaryDir dir;
        const QString file = dir.filePath(u"audit.csv"_s);
        const CliRun exportCsv = cli({u"audit"_s, u"export"_s, u"--format"_s, u"csv"_s, u"--output"_s, file});
        CLI_VERIFY(exportCsv.exitCode == 0, exportCsv);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        QVERIFY(content.startsWith(
            "id,occurred_at,actor_type,actor_id,actor_name,action,target_type,target_id,"
            "target_name,workspace_id,outcome,http_status,method,path,source_ip,user_agent,"
            "request_id,detail,prev_hash,hash"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"audit.csv"_s});

        const CliRun ndjson =
            cli({u"audit"_s, u"export"_s, u"--format"_s, u"ndjson"_s, u"--since"_s, u"1h"_s});
        CLI_VERIFY(ndjson.exitCode == 0 && !ndjson.out.isEmpty(), ndjson);
        for (const QByteArray &line : ndjson.out.trimmed().split('\n'))
            QVERIFY2(QJsonDocument::fromJson(line).isObject(), line.constData());

        const CliRun verify = cli({u"audit"_s, u"verify"_s, u"--output"_s, u"json"_s});
        CLI_VERIFY(verify.exitCode == 0 && verify.json().object().value(u"ok"_s).toBool(), verify);
        CLI_VERIFY(cli({u"audit"_s, u"verify"_s}).out.startsWith("Chain intact:   yes"), verify);
    }

    void forbidden_forAViewerKey_exitsWith4()
    {
        const auto [id, value] = createKey(u"viewer"_s, u"workspace_viewer"_s);
        Q_UNUSED(id);
        const CliRun r = cli({u"api-key"_s, u"create"_s, u"--name"_s, u"nope"_s, u"--role"_s, u"admin"_s},
                             {{u"DATARECS_API_KEY"_s, value}});
        CLI_VERIFY(r.exitCode == 4 && r.err.contains("not allowed"), r);
        CLI_VERIFY(r.out.isEmpty(), r);
        const CliRun audit = cli({u"audit"_s, u"list"_s}, {{u"DATARECS_API_KEY"_s, value}});
        CLI_VERIFY(audit.exitCode == 4, audit);
    }

    void credentialProblems_haveTheirExitCodes()
    {
        const CliRun malformed = cli({u"whoami"_s}, {{u"DATARECS_API_KEY"_s, u"drk_copiedBadly"_s}});
        CLI_VERIFY(malformed.exitCode == 3 && malformed.err.contains("DATARECS_API_KEY"), malformed);
        const CliRun unknownKey =
            cli({u"whoami"_s}, {{u"DATARECS_API_KEY"_s, KeyFormat::compose(QString(30, u'Q'))}});
        CLI_VERIFY(unknownKey.exitCode == 3 && unknownKey.err.contains("copied exactly"), unknownKey);
        QTemporaryDir emptyHome;
        const CliRun notSignedIn = m_server.run(
            {u"whoami"_s}, {{u"HOME"_s, emptyHome.path()}, {u"XDG_CONFIG_HOME"_s, emptyHome.path()}});
        CLI_VERIFY(notSignedIn.exitCode == 3 && notSignedIn.err.contains("datarecs login"), notSignedIn);
        const CliRun noServer = m_server.run({u"whoami"_s}, {{u"DATARECS_SERVER"_s, QString()},
                                                             {u"HOME"_s, emptyHome.path()},
                                                             {u"XDG_CONFIG_HOME"_s, emptyHome.path()},
                                                             {u"DATARECS_API_KEY"_s, m_ownerKey}});
        CLI_VERIFY(noServer.exitCode == 2 && noServer.err.contains("--server"), noServer);
    }

    void network_unreachableAndPlainHttp_exitWith7()
    {
        // A port held by a socket that is bound but not listening: connecting is refused, and no
        // server started meanwhile by a test running in parallel can take the port over (a port
        // merely closed again could be, and then answered 401 instead).
        QTcpSocket holder;
        QVERIFY(holder.bind(QHostAddress::LocalHost, 0, QAbstractSocket::DontShareAddress));
        const quint16 closedPort = holder.localPort();
        const CliRun down = cli({u"quota"_s, u"--server"_s, u"http://127.0.0.1:%1"_s.arg(closedPort)});
        CLI_VERIFY(down.exitCode == 7 && down.err.contains("Could not reach"), down);
        // A refused connection sent nothing: no talk of a key that may exist.
        const CliRun createDown = cli({u"api-key"_s, u"create"_s, u"--name"_s, u"never sent"_s, u"--role"_s,
                                       u"admin"_s, u"--server"_s, u"http://127.0.0.1:%1"_s.arg(closedPort)});
        CLI_VERIFY(createDown.exitCode == 7 && !createDown.err.contains("idempotency"), createDown);
        // Refused before anything is sent: no traffic leaves the machine.
        const CliRun insecure = cli({u"quota"_s, u"--server"_s, u"http://datarecs.example.com"_s});
        CLI_VERIFY(insecure.exitCode == 7 && insecure.err.contains("https://"), insecure);
        const CliRun badUrl = cli({u"quota"_s, u"--server"_s, u"datarecs.example.com"_s});
        CLI_VERIFY(badUrl.exitCode == 2, badUrl);
    }

    void create_whoseAnswerIsLost_saysHowToGetThatKey_withoutASecondOne()
    {
        // Every answer to POST /v1/api-keys is lost on the way back, the client's retries' too.
        QProcess proxy;
        proxy.start(u"python3"_s, {QStringLiteral(DATARECS_DROP_ANSWERS_SCRIPT),
                                   QString::number(QUrl(m_server.url()).port())});
        QVERIFY(proxy.waitForStarted(10000) && proxy.waitForReadyRead(10000));
        const QString port = QString::fromLatin1(proxy.readLine().trimmed());
        const QString viaProxy = u"http://127.0.0.1:"_s + port;
        const QString name = u"lost answer"_s;
        const QStringList create{u"api-key"_s, u"create"_s, u"--name"_s, name, u"--role"_s, u"admin"_s};
        // "90d" is another time on each run, and a repeat whose body differs is refused (exit 8): the
        // hint gives the time that was sent.
        const QStringList relativeExpiry{u"--expires"_s, u"90d"_s};

        const CliRun lost = cli(create + relativeExpiry + QStringList{u"--server"_s, viaProxy});
        proxy.kill();
        proxy.waitForFinished(5000);
        CLI_VERIFY(lost.exitCode == 7 && lost.out.isEmpty(), lost);
        static const QRegularExpression hint(
            u"may have created the key.*--idempotency-key (\\S+) and putting --expires (\\S+) in place of --expires 90d"_s,
            QRegularExpression::DotMatchesEverythingOption);
        const QRegularExpressionMatch m = hint.match(QString::fromUtf8(lost.err));
        CLI_VERIFY(m.hasMatch(), lost);

        // As the message says: the same command with that key gets the key that was made, value included.
        const CliRun again = cli(create + QStringList{u"--expires"_s, m.captured(2), u"--idempotency-key"_s, m.captured(1)});
        CLI_VERIFY(again.exitCode == 0, again);
        const QString secret = secretFrom(again);
        m_printedSecrets.append(secret);
        QCOMPARE(KeyFormat::check(secret), KeyFormat::Check::Valid);
        const CliRun list = cli({u"api-key"_s, u"list"_s, u"--output"_s, u"json"_s});
        int named = 0;
        for (const QJsonValue &k : QJsonDocument::fromJson(list.out).array())
            named += k.toObject().value(u"name"_s).toString() == name;
        QCOMPARE(named, 1);

        const CliRun malformed = cli(create + QStringList{u"--idempotency-key"_s, u"two words"_s});
        CLI_VERIFY(malformed.exitCode == 2 && malformed.err.contains("visible ASCII"), malformed);
    }

    void create_interruptedWhileUnderWay_saysHowToGetThatKey()
    {
        // The server makes the key but its answer is held back; the CLI gets SIGTERM meanwhile, as
        // from a CI job's timeout. It used to die without a word about the key.
        QProcess proxy;
        proxy.start(u"python3"_s, {QStringLiteral(DATARECS_DROP_ANSWERS_SCRIPT),
                                   QString::number(QUrl(m_server.url()).port()), u"hold"_s});
        QVERIFY(proxy.waitForStarted(10000) && proxy.waitForReadyRead(10000));
        const QString port = QString::fromLatin1(proxy.readLine().trimmed());
        const QString name = u"interrupted create"_s;
        const QStringList create{u"api-key"_s, u"create"_s, u"--name"_s, name, u"--role"_s, u"admin"_s};

        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(u"DATARECS_API_KEY"_s, m_ownerKey);
        e.insert(u"DATARECS_SERVER"_s, u"http://127.0.0.1:"_s + port);
        e.insert(u"HOME"_s, m_home.path());
        e.insert(u"XDG_CONFIG_HOME"_s, m_home.path() + u"/.config"_s);
        p.setProcessEnvironment(e);
        p.start(QStringLiteral(DATARECS_CLI_BIN), create);
        QVERIFY(p.waitForStarted(10000));
        // Only once the server has the request (waitForReadyRead alone may return before it does).
        QByteArray said;
        QElapsedTimer waited;
        waited.start();
        while (!said.contains("lost the answer") && waited.elapsed() < 20000) {
            proxy.waitForReadyRead(100);
            said += proxy.readAllStandardOutput();
        }
        QVERIFY2(said.contains("lost the answer"), said.constData());
        p.terminate();
        QVERIFY(p.waitForFinished(10000));
        proxy.kill();
        proxy.waitForFinished(5000);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 130,
                 qPrintable(u"exit %1 (%2): %3"_s.arg(p.exitCode()).arg(p.exitStatus()).arg(err)));
        QVERIFY2(p.readAllStandardOutput().isEmpty(), qPrintable(err));
        static const QRegularExpression hint(u"may have created the key.*--idempotency-key (\\S+)"_s,
                                             QRegularExpression::DotMatchesEverythingOption);
        const QRegularExpressionMatch m = hint.match(err);
        QVERIFY2(m.hasMatch(), qPrintable(err));

        const CliRun again = cli(create + QStringList{u"--idempotency-key"_s, m.captured(1)});
        CLI_VERIFY(again.exitCode == 0, again);
        m_printedSecrets.append(secretFrom(again));
        const CliRun list = cli({u"api-key"_s, u"list"_s, u"--search"_s, name, u"--output"_s, u"json"_s});
        CLI_VERIFY(list.exitCode == 0 && list.json().array().size() == 1, list);
    }

    void quotaExceeded_exitsWith6()
    {
        // Fill the tenant's quota through the API, then ask the CLI for one more.
        ApiClient client;
        client.setBaseUrl(QUrl(m_server.url()));
        client.setCredential(m_ownerKey);
        for (int i = 0; i < 60; ++i) {
            const Result<CreatedApiKey> r =
                await(client.createApiKey({u"filler-%1"_s.arg(i), {}, u"workspace_viewer"_s, {}, {}}));
            if (!r) break;
            m_extraKeyIds.append(r.value().apiKey.id);
        }
        const CliRun r =
            cli({u"api-key"_s, u"create"_s, u"--name"_s, u"one-too-many"_s, u"--role"_s, u"admin"_s});
        CLI_VERIFY(r.exitCode == 6 && r.err.contains("limit"), r);
        CLI_VERIFY(r.out.isEmpty(), r);
        for (const QString &id : std::as_const(m_extraKeyIds))
            await(client.deleteApiKey(id));
    }

    void create_whoseValueCannotBeWritten_failsAndSaysSo()
    {
        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(u"DATARECS_SERVER"_s, m_server.url());
        e.insert(u"DATARECS_API_KEY"_s, m_ownerKey);
        e.insert(u"HOME"_s, m_home.path());
        p.setProcessEnvironment(e);
        p.setStandardOutputFile(u"/dev/full"_s); // a full disk
        p.start(QStringLiteral(DATARECS_CLI_BIN),
                {u"api-key"_s, u"create"_s, u"--name"_s, u"e2e-lost-value"_s, u"--role"_s, u"workspace_viewer"_s});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(p.exitCode() == 1, err.constData());
        QVERIFY2(err.contains("could not be written") && err.contains("Delete it"), err.constData());
        QVERIFY2(!err.contains("was written to standard output"), err.constData());
        QVERIFY2(!QString::fromUtf8(err).contains(QRegularExpression(u"drk_[0-9A-Za-z]{30}"_s)), err.constData());
        // The same for any answer a script would read: a list that did not get out is no success.
        p.start(QStringLiteral(DATARECS_CLI_BIN), {u"api-key"_s, u"list"_s, u"--output"_s, u"json"_s});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
    }

    void keyValue_givenAsAnId_isNeitherEchoedNorSent()
    {
        for (const QStringList &args : {QStringList{u"api-key"_s, u"show"_s, u"--api-key-id"_s, m_ownerKey},
                                        QStringList{u"api-key"_s, u"disable"_s, u"--api-key-id"_s, m_ownerKey},
                                        QStringList{u"audit"_s, u"list"_s, u"--api-key-id"_s, m_ownerKey}}) {
            const CliRun r = cli(args);
            CLI_VERIFY(r.exitCode == 2 && r.err.contains("secret value"), r);
            CLI_VERIFY(!r.err.contains(m_ownerKey.toUtf8()) && !r.out.contains(m_ownerKey.toUtf8()), r);
        }
    }

    void secrets_areNeverPrinted_exceptOnceByCreateOrRotate()
    {
        // Runs last (Qt Test keeps declaration order): looks through everything every run printed.
        QVERIFY(m_printedSecrets.size() >= 10);
        for (const QString &secret : std::as_const(m_printedSecrets)) {
            int seen = 0;
            for (const CliRun &run : m_server.runs()) {
                seen += int(run.out.count(secret.toUtf8()) + run.err.count(secret.toUtf8()));
                QVERIFY2(!run.err.contains(secret.toUtf8()), qPrintable(run.describe()));
            }
            QCOMPARE(seen, 1);
        }
        for (const CliRun &run : m_server.runs()) {
            QVERIFY2(!run.out.contains(m_ownerKey.toUtf8()) && !run.err.contains(m_ownerKey.toUtf8()),
                     qPrintable(run.describe()));
            QVERIFY(!run.out.contains(m_sessionToken.toUtf8()) && !run.err.contains(m_sessionToken.toUtf8()));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliEndToEnd)
#include "tst_cli_e2e.moc"
