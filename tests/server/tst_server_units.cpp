// The server's building blocks, each checked for what a client would notice: routing answers,
// strict input checking, cursors that cannot be replayed elsewhere, formats on the wire, and that
// secrets stay sealed.
#include "KeyFormat.h"
#include "core/Redaction.h"
#include "core/JsonWriter.h"
#include "core/WireFormat.h"
#include "crypto/Random.h"
#include "crypto/ServerKeyring.h"
#include "http/ApiRequest.h"
#include "http/Cursor.h"
#include "http/JsonInput.h"
#include "http/QueryInput.h"
#include "http/Router.h"
#include "audit/AuditChain.h"
#include "routes/ApiService.h"
#include "storage/SqliteStorage.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace datarecs;
using namespace datarecs::server;

class ServerUnits : public QObject
{
    Q_OBJECT

private:
    static QString problemType(const ApiResponse &r)
    {
        return QJsonDocument::fromJson(r.body).object().value(QStringLiteral("type")).toString();
    }
    static ApiRequest jsonRequest(const QByteArray &body)
    {
        ApiRequest r;
        r.method = "POST";
        r.path = QStringLiteral("/v1/api-keys");
        r.headers.insert("content-type", "application/json; charset=utf-8");
        r.body = body;
        return r;
    }

private slots:
    void keyFormat_composedKeysPassAndAnyChangeFails()
    {
        for (int i = 0; i < 200; ++i) {
            const QString key = KeyFormat::compose(Random::base62(int(KeyFormat::RandomLength)));
            QCOMPARE(key.size(), KeyFormat::TotalLength);
            QVERIFY(KeyFormat::isValid(key));
            QString typo = key;
            const qsizetype at = 4 + (i % (KeyFormat::TotalLength - 4));
            typo[at] = typo.at(at) == u'a' ? u'b' : u'a';
            QCOMPARE(KeyFormat::check(typo), KeyFormat::Check::BadChecksum);
        }
        const QString key = KeyFormat::compose(Random::base62(int(KeyFormat::RandomLength)));
        QCOMPARE(KeyFormat::check(key.toUpper()), KeyFormat::Check::WrongPrefix);
        QCOMPARE(KeyFormat::check(key.chopped(1)), KeyFormat::Check::WrongLength);
        QCOMPARE(KeyFormat::check(key.left(10) + u'-' + key.mid(11)), KeyFormat::Check::BadCharacter);
        QVERIFY(KeyFormat::hint(key).endsWith(key.right(4)));
        QVERIFY(!KeyFormat::hint(key).contains(key.mid(4, 26)));
    }

    void router_knownPathOtherMethod_answersAllowedMethods()
    {
        Router router;
        const auto ok = [](RequestContext &) { return ApiResponse::noContent(); };
        router.add({"GET", QStringLiteral("/v1/api-keys").split(u'/'), ok, true, {}});
        router.add({"POST", QStringLiteral("/v1/api-keys/lookup").split(u'/'), ok, true, {}});
        router.add({"GET", QStringLiteral("/v1/api-keys/{id}").split(u'/'), ok, true, {}});
        router.add({"DELETE", QStringLiteral("/v1/api-keys/{id}").split(u'/'), ok, true, {}});

        const Router::Match get = router.match("GET", QStringLiteral("/v1/api-keys/key_abc"));
        QVERIFY(get.route);
        QCOMPARE(get.params, QStringList{QStringLiteral("key_abc")});
        const Router::Match lookup = router.match("POST", QStringLiteral("/v1/api-keys/lookup"));
        QVERIFY(lookup.route);
        QVERIFY(lookup.params.isEmpty());
        const Router::Match put = router.match("PUT", QStringLiteral("/v1/api-keys/key_abc"));
        QVERIFY(!put.route);
        QCOMPARE(put.allowed, (QByteArrayList{"GET", "DELETE"}));
        const Router::Match missing = router.match("GET", QStringLiteral("/v1/api-keys/key_abc/nope"));
        QVERIFY(!missing.route);
        QVERIFY(missing.allowed.isEmpty());
        QVERIFY(!router.match("GET", QStringLiteral("/v1/api-keys//")).route);
        // The literal path has only its own methods, not those of the parameter beside it.
        const Router::Match getLookup = router.match("GET", QStringLiteral("/v1/api-keys/lookup"));
        QVERIFY(!getLookup.route);
        QCOMPARE(getLookup.allowed, QByteArrayList{"POST"});
        // An encoded slash stays inside its segment, which comes back decoded.
        const Router::Match encoded = router.match("GET", QStringLiteral("/v1/api-keys/key_abc%2Fnope"));
        QVERIFY(encoded.route);
        QCOMPARE(encoded.params, QStringList{QStringLiteral("key_abc/nope")});
    }

    void cursor_replayedUnderOtherFiltersOrListIsRefused()
    {
        const QString fp = Cursor::fingerprint({QStringLiteral("enabled"), QStringLiteral("ci")});
        const QString cursor = Cursor::encode(QStringLiteral("api-keys"), fp, {{QStringLiteral("i"), 42}});
        const auto decoded = Cursor::decode(cursor, QStringLiteral("api-keys"), fp);
        QVERIFY(decoded);
        QCOMPARE(decoded->value(QStringLiteral("i")).toInt(), 42);
        QVERIFY(!Cursor::decode(cursor, QStringLiteral("audit-events"), fp));
        QVERIFY(!Cursor::decode(cursor, QStringLiteral("api-keys"), Cursor::fingerprint({QStringLiteral("all")})));
        QVERIFY(!Cursor::decode(QStringLiteral("not a cursor!"), QStringLiteral("api-keys"), fp));
        QVERIFY(!Cursor::decode(QString(600, u'A'), QStringLiteral("api-keys"), fp));
        // A forged position must never reach an out-of-range conversion.
        QCOMPARE(*Cursor::integer({{QStringLiteral("b"), 12345}}, QStringLiteral("b")), 12345);
        QVERIFY(!Cursor::integer({{QStringLiteral("b"), 1e300}}, QStringLiteral("b")));
        QVERIFY(!Cursor::integer({{QStringLiteral("b"), -1}}, QStringLiteral("b")));
        QVERIFY(!Cursor::integer({{QStringLiteral("b"), 1.5}}, QStringLiteral("b")));
        QVERIFY(!Cursor::integer({{QStringLiteral("b"), QStringLiteral("7")}}, QStringLiteral("b")));
                // Filters ("a","bc") and ("ab","c") must not share a fingerprint.
        QVERIFY(Cursor::fingerprint({QStringLiteral("a"), QStringLiteral("bc")})
                != Cursor::fingerprint({QStringLiteral("ab"), QStringLiteral("c")}));
    }

    void jsonInput_collectsEveryProblemAtOnce()
    {
        QJsonObject body;
        QVERIFY(!JsonInput::parse(jsonRequest(R"({"name": 5, "role": "admin", "colour": "red", "description": "x"})"),
                                  &body));
        JsonInput input(body, {QStringLiteral("name"), QStringLiteral("role"), QStringLiteral("description")});
        QVERIFY(!input.string(QStringLiteral("name"), true, 1, 100));
        QCOMPARE(input.string(QStringLiteral("role"), true, 1, 40).value_or(QString()), QStringLiteral("admin"));
        QVERIFY(!input.ok());
        const QJsonObject problem = QJsonDocument::fromJson(input.problem().body).object();
        QCOMPARE(problem.value(QStringLiteral("status")).toInt(), 400);
        const QJsonArray errors = problem.value(QStringLiteral("errors")).toArray();
        QCOMPARE(errors.size(), 2);
        QStringList fields;
        for (const QJsonValue &e : errors)
            fields << e.toObject().value(QStringLiteral("field")).toString();
        QVERIFY(fields.contains(QStringLiteral("colour")));
        QVERIFY(fields.contains(QStringLiteral("name")));
    }

    void jsonInput_refusesBadBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QString>("type");
        QTest::newRow("malformed") << QByteArray("{\"name\":") << QByteArray("application/json")
                                   << QStringLiteral("invalid-json");
        QTest::newRow("array") << QByteArray("[1,2]") << QByteArray("application/json") << QStringLiteral("invalid-json");
        QTest::newRow("invalid utf-8") << QByteArray("{\"name\":\"\xff\xfe\"}") << QByteArray("application/json")
                                       << QStringLiteral("invalid-json");
        QTest::newRow("form encoded") << QByteArray("name=x") << QByteArray("application/x-www-form-urlencoded")
                                      << QStringLiteral("unsupported-media-type");
        QTest::newRow("no content type") << QByteArray("{}") << QByteArray() << QStringLiteral("unsupported-media-type");
    }
    void jsonInput_refusesBadBodies()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(QString, type);
        ApiRequest request = jsonRequest(body);
        request.headers.insert("content-type", contentType);
        QJsonObject out;
        const auto problem = JsonInput::parse(request, &out);
        QVERIFY(problem);
        QCOMPARE(problemType(*problem), QStringLiteral("https://datarecs.dev/problems/") + type);
    }

    void jsonInput_textRules()
    {
        QJsonObject body{{QStringLiteral("name"), QStringLiteral("  deploy  ")},
                         {QStringLiteral("bell"), QStringLiteral("a\u0007b")},
                         {QStringLiteral("long"), QString(101, u'x')},
                         {QStringLiteral("notes"), QStringLiteral("line one\nline two")},
                         {QStringLiteral("override"), QStringLiteral("invoice\u202Egnp.exe")},
                         {QStringLiteral("isolate"), QStringLiteral("a\u2067b\u2069")},
                         {QStringLiteral("hebrew"), QStringLiteral("מפתח פריסה")}};
        JsonInput input(body, body.keys());
        QCOMPARE(*input.string(QStringLiteral("name"), true, 1, 100), QStringLiteral("deploy"));
        QVERIFY(!input.string(QStringLiteral("bell"), true, 1, 100));
        QVERIFY(!input.string(QStringLiteral("long"), true, 1, 100));
        QVERIFY(!input.string(QStringLiteral("notes"), true, 0, 500));
        QVERIFY(input.string(QStringLiteral("notes"), true, 0, 500, JsonInput::Text::MultiLine));
        // Text that overrides the direction of what follows is refused; right-to-left text is not.
        QVERIFY(!input.string(QStringLiteral("override"), true, 1, 100));
        QVERIFY(!input.string(QStringLiteral("isolate"), true, 0, 500, JsonInput::Text::MultiLine));
        QCOMPARE(*input.string(QStringLiteral("hebrew"), true, 1, 100), QStringLiteral("מפתח פריסה"));
    }

    void queryInput_unknownRepeatedOrOutOfRangeParameters()
    {
        QueryInput unknown(QUrlQuery(QStringLiteral("limt=5")), {QStringLiteral("limit")});
        QVERIFY(unknown.problem());
        QueryInput repeated(QUrlQuery(QStringLiteral("limit=5&limit=6")), {QStringLiteral("limit")});
        QVERIFY(repeated.problem());
        QueryInput range(QUrlQuery(QStringLiteral("limit=0")), {QStringLiteral("limit")});
        range.integer(QStringLiteral("limit"), 1, 200, 50);
        QVERIFY(range.problem());
        QueryInput good(QUrlQuery(QStringLiteral("limit=7&since=2026-01-02T03:04:05Z")),
                        {QStringLiteral("limit"), QStringLiteral("since")});
        QCOMPARE(good.integer(QStringLiteral("limit"), 1, 200, 50), 7);
        QCOMPARE(*good.timestamp(QStringLiteral("since")), 1767323045000LL);
        QVERIFY(!good.problem());
    }

    void wireFormat_timestamps()
    {
        QCOMPARE(WireFormat::timestamp(0), QStringLiteral("1970-01-01T00:00:00.000Z"));
        QCOMPARE(*WireFormat::parseTimestamp(QStringLiteral("2026-11-27T12:00:00.5+01:00")), 1795777200500LL);
        QCOMPARE(*WireFormat::parseTimestamp(QStringLiteral("2026-11-27T11:00:00.123456Z")), 1795777200123LL);
        QVERIFY(!WireFormat::parseTimestamp(QStringLiteral("2026-11-27T12:00:00")));
        QVERIFY(!WireFormat::parseTimestamp(QStringLiteral("2026-13-27T12:00:00Z")));
        QVERIFY(!WireFormat::parseTimestamp(QStringLiteral("yesterday")));
    }

    void jsonWriter_writesValidJson_withEveryEscapeTheRfcNeeds()
    {
        JsonWriter out;
        out.startObject();
        out.key("text");
        out.string(QStringLiteral("quote \" backslash \\ tab\t line\n nul") + QChar(0) + QStringLiteral(" bell") +
                   QChar(7) + QStringLiteral(" é ✓"));
        out.key("empty");
        out.stringOrNull(QString());
        out.key("list");
        out.startArray();
        out.integer(-9007199254740993LL);
        out.boolean(true);
        out.startObject();
        out.endObject();
        out.startArray();
        out.endArray();
        out.latin1("anonymous");
        out.endArray();
        out.key("last");
        out.boolean(false);
        out.endObject();

        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(out.bytes(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + u' ' + QString::fromUtf8(out.bytes())));
        const QJsonObject o = doc.object();
        QCOMPARE(o.value(u"text").toString(), QStringLiteral("quote \" backslash \\ tab\t line\n nul") + QChar(0) +
                                                   QStringLiteral(" bell") + QChar(7) + QStringLiteral(" é ✓"));
        QVERIFY(o.value(u"empty").isNull());
        const QJsonArray list = o.value(u"list").toArray();
        QCOMPARE(list.size(), 5);
        QCOMPARE(list.at(4).toString(), QStringLiteral("anonymous"));
        QVERIFY(out.bytes().contains("-9007199254740993")); // exact, not through a double
        QVERIFY(out.bytes().contains("\\u0000") && out.bytes().contains("\\u0007"));
        QCOMPARE(o.value(u"last").toBool(true), false);

        out.clear();
        out.startArray();
        out.null();
        out.endArray();
        QCOMPARE(out.bytes(), QByteArray("[null]"));
    }

    void wireFormat_csvQuotesAndDefusesFormulas()
    {
        AuditRecord e;
        e.id = 7;
        e.actorName = QStringLiteral("=HYPERLINK(\"x\")");
        e.userAgent = QStringLiteral("agent, with comma");
        const QByteArray row = WireFormat::auditCsvRow(e);
        QVERIFY(row.contains("\"'=HYPERLINK(\"\"x\"\")\""));
        QVERIFY(row.contains("\"agent, with comma\""));
        QVERIFY(row.endsWith("\r\n"));
        QCOMPARE(row.count(','), WireFormat::auditCsvHeader().count(',') + 1); // one comma sits inside quotes

        // Text outside ASCII is written as UTF-8, quoted only when it needs quoting; numbers as digits.
        e.actorName = QStringLiteral("Zoë's key");
        e.detail = QStringLiteral("naïve, \"quoted\"");
        e.httpStatus = 403;
        const QByteArray utf8Row = WireFormat::auditCsvRow(e);
        QVERIFY(utf8Row.startsWith("7,1970-01-01T00:00:00.000Z,anonymous,,Zo\xc3\xab's key,"));
        QVERIFY(utf8Row.contains(",403,"));
        QVERIFY(utf8Row.contains(",\"na\xc3\xafve, \"\"quoted\"\"\","));
    }

    void redaction_hidesCredentialShapes()
    {
        const QString key = KeyFormat::compose(Random::base62(int(KeyFormat::RandomLength)));
        const QString redacted = redactSecrets(QStringLiteral("/v1/api-keys/") + key + QStringLiteral("?x=drs_abcdef"));
        QVERIFY(!redacted.contains(key));
        QVERIFY(!redacted.contains(QStringLiteral("drs_abcdef")));
        QCOMPARE(redactSecrets(QStringLiteral("/v1/api-keys/key_abc")), QStringLiteral("/v1/api-keys/key_abc"));
    }

    void keyring_persistsAndSealsUnderContext()
    {
        QTemporaryDir dir;
        QByteArray first;
        {
            ServerKeyring keyring;
            QString error;
            QVERIFY2(keyring.load(dir.path(), &error), qPrintable(error));
            first = keyring.hmac("value");
            const QByteArray sealed = keyring.seal("plain", "context-a");
            QVERIFY(!sealed.contains("plain"));
            bool ok = false;
            QCOMPARE(keyring.open(sealed, "context-a", &ok), QByteArray("plain"));
            QVERIFY(ok);
            keyring.open(sealed, "context-b", &ok);
            QVERIFY(!ok);
        }
        const QString masterPath = dir.filePath(QStringLiteral("master.key"));
        const QFileDevice::Permissions perms = QFile::permissions(masterPath);
        QVERIFY(perms.testFlag(QFileDevice::ReadOwner));
        QVERIFY(!(perms & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther
                           | QFileDevice::WriteOther)));
        ServerKeyring again;
        QString error;
        QVERIFY(again.load(dir.path(), &error));
        QCOMPARE(again.hmac("value"), first);
        QVERIFY(ServerKeyring::equal(first, again.hmac("value")));
        QVERIFY(!ServerKeyring::equal(first, again.hmac("other")));

        // A master key readable by others is refused rather than used.
        QFile::setPermissions(masterPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
        ServerKeyring loose;
        QVERIFY(!loose.load(dir.path(), &error));
        QVERIFY2(error.contains(QStringLiteral("chmod 600")), qPrintable(error));
    }

    // The admin key the batch tests authenticate with, made by the tenant's owner usr_owner.
    static ApiKeyRecord batchKey(const ServerKeyring &keyring, const QString &tenantId, const QString &secret,
                                 qint64 now)
    {
        ApiKeyRecord key;
        key.id = QStringLiteral("key_batch");
        key.tenantId = tenantId;
        key.name = QStringLiteral("batch");
        key.role = QStringLiteral("admin");
        key.secretHmac = keyring.hmac(secret.toLatin1());
        key.hint = KeyFormat::hint(secret);
        key.createdByType = QStringLiteral("user");
        key.createdById = QStringLiteral("usr_owner");
        key.createdByName = QStringLiteral("owner@acme.test");
        key.createdAt = key.updatedAt = now;
        return key;
    }

    // Requests that arrive together share one transaction; each is still judged on what the ones before
    // it did, and each is on record in arrival order.
    void apiService_batch_keyDisabledInTheBatchIsRefusedAtOnce()
    {
        QTemporaryDir dir;
        ServerKeyring keyring;
        QString error;
        QVERIFY2(keyring.load(dir.path(), &error), qPrintable(error));
        SqliteStorage storage(dir.path());
        QVERIFY2(storage.open(), qPrintable(storage.lastError()));

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const TenantRecord tenant{QStringLiteral("ten_batch"), QStringLiteral("Acme"), 50, now};
        const UserRecord owner{QStringLiteral("usr_owner"), tenant.id, QStringLiteral("owner@acme.test"),
                               QStringLiteral("Owner"), QStringLiteral("unused"), QStringLiteral("owner"), now};
        const QString token = QStringLiteral("drs_") + Random::base62(43);
        const SessionRecord session{keyring.hmac(token.toLatin1()), owner.id, tenant.id, now, now + 3600 * 1000};
        const QString secret = KeyFormat::compose(Random::base62(int(KeyFormat::RandomLength)));
        const ApiKeyRecord key = batchKey(keyring, tenant.id, secret, now);
        QVERIFY(storage.begin());
        QVERIFY(storage.insertTenant(tenant) && storage.insertUser(owner) && storage.insertSession(session)
                && storage.insertApiKey(key));
        QVERIFY(storage.commit());

        ServiceContext context{storage, keyring, {}, {}};
        ApiService service(context);
        const auto request = [](const QByteArray &method, const QString &path, const QString &credential) {
            ApiRequest r;
            r.method = method;
            r.path = path;
            r.headers.insert("authorization", "Bearer " + credential.toLatin1());
            r.sourceIp = QStringLiteral("192.0.2.7");
            return r;
        };
        const ApiRequest me = request("GET", QStringLiteral("/v1/me"), secret);
        const QList<ApiService::Result> results = service.handleBatch(
            {me, me, request("POST", QStringLiteral("/v1/api-keys/key_batch/disable"), token), me,
             request("GET", QStringLiteral("/v1/health"), {})});
        QCOMPARE(results.size(), 5);
        QCOMPARE(results.at(0).response.status, 200);
        QCOMPARE(results.at(1).response.status, 200);
        QCOMPARE(results.at(2).response.status, 200);
        QCOMPARE(results.at(3).response.status, 401); // disabled by the request before it
        QCOMPARE(results.at(4).response.status, 200);

        // Health writes nothing; the four others are on record in the order they arrived.
        AuditQuery query;
        query.tenantId = tenant.id;
        QList<AuditRecord> events = storage.auditEvents(query);
        std::reverse(events.begin(), events.end());
        QCOMPARE(events.size(), 4);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(events.at(i).requestId.toLatin1(), results.at(i).response.header("X-Request-Id"));
        QCOMPARE(events.at(2).action, QStringLiteral("api_key.disable"));
        QCOMPARE(events.at(3).httpStatus, 401);
        const AuditChain::VerifyResult verified = AuditChain::verify(storage, tenant.id);
        QVERIFY2(verified.ok, qPrintable(verified.reason));

        const std::optional<ApiKeyRecord> used = storage.apiKeyById(tenant.id, key.id);
        QVERIFY(used && used->lastUsedAt);
        QVERIFY(*used->lastUsedAt >= now);
        QCOMPARE(used->lastUsedIp, QStringLiteral("192.0.2.7"));
        QVERIFY(!used->enabled);
    }

    // A batch's audit records are written just before its commit: an audit query later in the batch
    // still sees them, and a record the database refuses at that point costs only its own request.
    void apiService_batch_auditReadsSeeTheBatch_andARefusedRecordFailsOnlyItsRequest()
    {
        QTemporaryDir dir;
        ServerKeyring keyring;
        QString error;
        QVERIFY2(keyring.load(dir.path(), &error), qPrintable(error));
        SqliteStorage storage(dir.path());
        QVERIFY2(storage.open(), qPrintable(storage.lastError()));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const TenantRecord tenant{QStringLiteral("ten_batch"), QStringLiteral("Acme"), 50, now};
        const QString secret = KeyFormat::compose(Random::base62(int(KeyFormat::RandomLength)));
        const ApiKeyRecord key = batchKey(keyring, tenant.id, secret, now);
        QVERIFY(storage.insertTenant(tenant) && storage.insertApiKey(key));
        // What a full disk would do to one record in the middle of a batch.
        QSqlQuery trigger(storage.connection());
        QVERIFY(trigger.exec(QStringLiteral("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
                                            "WHEN NEW.user_agent = 'refuse-me' BEGIN SELECT RAISE(ABORT, 'no'); END")));

        ServiceContext context{storage, keyring, {}, {}};
        ApiService service(context);
        const auto request = [&secret](const QString &path, const QByteArray &agent = {}) {
            ApiRequest r;
            r.method = "GET";
            r.path = path;
            r.headers.insert("authorization", "Bearer " + secret.toLatin1());
            if (!agent.isEmpty()) r.headers.insert("user-agent", agent);
            r.sourceIp = QStringLiteral("192.0.2.7");
            return r;
        };
        const ApiRequest me = request(QStringLiteral("/v1/me"));
        QList<ApiService::Result> results =
            service.handleBatch({me, me, request(QStringLiteral("/v1/audit-events"))});
        QCOMPARE(results.at(2).response.status, 200);
        const QJsonArray listed =
            QJsonDocument::fromJson(results.at(2).response.body).object().value(QStringLiteral("items")).toArray();
        QCOMPARE(listed.size(), 2); // the two before it; its own record is written after its answer is built
        QCOMPARE(listed.at(0).toObject().value(QStringLiteral("request_id")).toString().toLatin1(),
                 results.at(1).response.header("X-Request-Id"));

        results = service.handleBatch({me, request(QStringLiteral("/v1/me"), "refuse-me"), me});
        QCOMPARE(results.at(0).response.status, 200);
        QCOMPARE(results.at(1).response.status, 500);
        QCOMPARE(results.at(2).response.status, 200);
        AuditQuery query;
        query.tenantId = tenant.id;
        QList<AuditRecord> events = storage.auditEvents(query);
        QCOMPARE(events.size(), 5);
        QCOMPARE(events.at(0).requestId.toLatin1(), results.at(2).response.header("X-Request-Id"));
        QCOMPARE(events.at(1).requestId.toLatin1(), results.at(0).response.header("X-Request-Id"));
        const AuditChain::VerifyResult verified = AuditChain::verify(storage, tenant.id);
        QVERIFY2(verified.ok, qPrintable(verified.reason));
        QCOMPARE(verified.checked, 5);
    }
};

QTEST_GUILESS_MAIN(ServerUnits)
#include "tst_server_units.moc"
