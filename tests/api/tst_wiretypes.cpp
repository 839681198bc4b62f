// Strict parsing of every wire type: a good answer gives the whole value, and a wrong type or a
// missing required field gives one "malformed response" ApiError naming the field, never a
// half-filled object.
#include "ApiKey.h"
#include "AuditEvent.h"
#include "Identity.h"
#include "Page.h"
#include "Quota.h"
#include "Responses.h"
#include "Role.h"
#include "Workspace.h"

#include <QJsonDocument>
#include <QTest>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

QJsonObject obj(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QJsonObject goodKey()
{
    return obj(R"({"id":"key_AbCdEfGhIjKlMnOp","name":"ci","description":"","role":"admin",
        "workspace":{"id":"ws_1","name":"Prod"},"enabled":true,"status":"enabled","hint":"drk_…AbCd",
        "created_by":{"type":"user","id":"usr_1","name":"Olga Owner"},
        "created_at":"2026-11-27T12:34:56.789Z","updated_at":"2026-11-27T12:34:56.789Z",
        "last_used_at":null,"last_used_ip":null,"expires_at":null,"replaces":null,"replaced_by":null})");
}

QJsonObject goodEvent()
{
    return obj(R"({"id":42,"occurred_at":"2026-11-27T12:34:56.789Z",
        "actor":{"type":"api_key","id":"key_AbCdEfGhIjKlMnOp","name":"ci"},"action":"api_key.request",
        "target":null,"workspace_id":null,"outcome":"refused","http_status":401,"method":"GET",
        "path":"/v1/me","source_ip":"127.0.0.1","user_agent":"curl","request_id":"req_x","detail":null,
        "prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",
        "hash":"a3f5000000000000000000000000000000000000000000000000000000000001"})");
}

QJsonObject goodIdentity()
{
    return obj(R"({"kind":"user","tenant":{"id":"ten_1","name":"Acme"},
        "user":{"id":"usr_1","email":"owner@acme.test","name":"Olga","role":"owner"},"api_key":null,
        "role":"owner","workspace":null,"workspace_roles":[{"workspace":{"id":"ws_1","name":"Prod"},"role":"workspace_admin"}],
        "permissions":["read_api_keys","create_api_key"],"expires_at":"2026-11-28T12:00:00.000Z"})");
}

QJsonObject goodRole()
{
    return obj(R"({"name":"admin","title":"Admin","description":"Manages keys","scope":"platform","rank":80,
        "permissions":["read_api_keys"]})");
}

QJsonObject with(QJsonObject o, const QString &key, const QJsonValue &value)
{
    o.insert(key, value);
    return o;
}

QJsonObject without(QJsonObject o, const QString &key)
{
    o.remove(key);
    return o;
}

/// Parses with the named type's parser; returns the error, if any.
std::optional<ApiError> parse(const QString &type, const QJsonValue &v)
{
    auto check = [](const auto &r) -> std::optional<ApiError> {
        if (r.ok()) return std::nullopt;
        return r.error();
    };
    if (type == u"ApiKey") return check(fromQtJson<ApiKey>(v));
    if (type == u"AuditEvent") return check(fromQtJson<AuditEvent>(v));
    if (type == u"Identity") return check(fromQtJson<Identity>(v));
    if (type == u"Role") return check(fromQtJson<Role>(v));
    if (type == u"Workspace") return check(fromQtJson<Workspace>(v));
    if (type == u"Quota") return check(fromQtJson<Quota>(v));
    if (type == u"KeyPage") return check(fromQtJson<Page<ApiKey>>(v, u"Page"_s));
    if (type == u"Verification") return check(fromQtJson<AuditVerification>(v));
    if (type == u"Login") return check(fromQtJson<LoginResult>(v));
    qFatal("unknown type");
}

} // namespace

class TestWireTypes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void apiKey_good_parsesEveryField()
    {
        QJsonObject o = goodKey();
        o.insert(u"last_used_at"_s, u"2026-11-27T13:00:00.000Z"_s);
        o.insert(u"last_used_ip"_s, u"10.1.2.3"_s);
        o.insert(u"future_field"_s, 1); // unknown fields are tolerated
        const Result<ApiKey> r = fromQtJson<ApiKey>(o);
        QVERIFY(r.ok());
        const ApiKey &k = r.value();
        QCOMPARE(k.id, u"key_AbCdEfGhIjKlMnOp"_s);
        QCOMPARE(k.workspace->name, u"Prod"_s);
        QVERIFY(k.enabled);
        QCOMPARE(k.createdBy.name, u"Olga Owner"_s);
        QCOMPARE(k.createdAt, QDateTime(QDate(2026, 11, 27), QTime(12, 34, 56, 789), Qt::UTC));
        QCOMPARE(k.lastUsedIp, std::optional<QString>(u"10.1.2.3"_s));
        QVERIFY(!k.expiresAt);
        // What the CLI prints as JSON is the contract's shape again.
        QCOMPARE(fromQtJson<ApiKey>(k.toJson()).value().toJson(), k.toJson());
    }

    void identity_good_parsesUserAndRoles()
    {
        const Result<Identity> r = fromQtJson<Identity>(goodIdentity());
        QVERIFY(r.ok());
        QCOMPARE(r.value().user->email, u"owner@acme.test"_s);
        QCOMPARE(r.value().workspaceRoles.size(), 1);
        QVERIFY(r.value().can(u"create_api_key"_s));
        QVERIFY(!r.value().isApiKey());
    }

    void auditEvent_targetOfAMissingObject_hasNoName()
    {
        // What the server sends for a request about a deleted key (the contract says string).
        QJsonObject o = goodEvent();
        o.insert(u"target"_s, obj(R"({"type":"api_key","id":"key_AbCdEfGhIjKlMnOp","name":null})"));
        const Result<AuditEvent> r = fromQtJson<AuditEvent>(o);
        QVERIFY(r.ok());
        QVERIFY(!r.value().target->name);
        o.insert(u"target"_s, obj(R"({"type":"api_key","name":"x"})"));
        QVERIFY(!fromQtJson<AuditEvent>(o).ok()); // the id is still required
    }

    void auditEvent_good_parses()
    {
        const Result<AuditEvent> r = fromQtJson<AuditEvent>(goodEvent());
        QVERIFY(r.ok());
        QCOMPARE(r.value().id, 42);
        QCOMPARE(r.value().httpStatus, std::optional<qint64>(401));
        QCOMPARE(r.value().actor.type, u"api_key"_s);
    }

    void page_good_parsesItemsAndCursor()
    {
        QJsonObject page{{u"items"_s, QJsonArray{goodKey(), goodKey()}}, {u"next_cursor"_s, u"abc"_s}};
        const Result<Page<ApiKey>> r = fromQtJson<Page<ApiKey>>(page, u"Page"_s);
        QVERIFY(r.ok());
        QCOMPARE(r.value().items.size(), 2);
        QCOMPARE(r.value().nextCursor, std::optional<QString>(u"abc"_s));
        page.insert(u"next_cursor"_s, QJsonValue::Null);
        QVERIFY(!fromQtJson<Page<ApiKey>>(page, u"Page"_s).value().nextCursor);
    }

    void page_long_isReadInOrder_andNamesTheFirstBrokenItem()
    {
        // Long enough to be read by two threads, half each.
        QJsonArray items;
        for (int i = 0; i < 1000; ++i)
            items.append(with(goodKey(), u"name"_s, u"key %1"_s.arg(i)));
        const Result<Page<ApiKey>> r = fromQtJson<Page<ApiKey>>(QJsonObject{{u"items"_s, items}}, u"Page"_s);
        QVERIFY(r.ok());
        QCOMPARE(r.value().items.size(), 1000);
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(r.value().items.at(i).name, u"key %1"_s.arg(i));
        QCOMPARE(r.value().items.last().createdBy.name, u"Olga Owner"_s);

        // A broken item in each half: the earlier one is named, as a reading in one pass would.
        items[700] = with(goodKey(), u"enabled"_s, u"yes"_s);
        const Result<Page<ApiKey>> late = fromQtJson<Page<ApiKey>>(QJsonObject{{u"items"_s, items}}, u"Page"_s);
        QVERIFY(!late.ok());
        QVERIFY2(late.error().detail().contains(u"items[700].enabled"_s), qPrintable(late.error().detail()));
        items[300] = with(goodKey(), u"status"_s, u"lost"_s);
        const Result<Page<ApiKey>> both = fromQtJson<Page<ApiKey>>(QJsonObject{{u"items"_s, items}}, u"Page"_s);
        QVERIFY(!both.ok());
        QVERIFY2(both.error().detail().contains(u"items[300].status"_s), qPrintable(both.error().detail()));
    }

    void smallTypes_good_parse()
    {
        QVERIFY(fromQtJson<Role>(goodRole()).ok());
        QVERIFY(fromQtJson<Workspace>(obj(R"({"id":"ws_1","name":"Prod","description":""})")).ok());
        const Result<Quota> q = fromQtJson<Quota>(obj(R"({"limit":50,"used":12,"remaining":38})"));
        QVERIFY(q.ok());
        QCOMPARE(q.value().remaining, 38);
        const Result<AuditVerification> v = fromQtJson<AuditVerification>(
            obj(R"({"ok":false,"checked":9,"first_broken":{"id":7,"reason":"hash mismatch"}})"));
        QVERIFY(v.ok());
        QCOMPARE(v.value().firstBrokenId, std::optional<qint64>(7));
        QVERIFY(fromQtJson<AuditVerification>(obj(R"({"ok":true,"checked":3,"first_broken":null})")).ok());
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QJsonValue>("json");
        QTest::addColumn<QString>("field"); // the path the error must name

        QTest::newRow("key: not an object") << u"ApiKey"_s << QJsonValue(u"key"_s) << u"ApiKey"_s;
        QTest::newRow("key: missing id")
            << u"ApiKey"_s << QJsonValue(without(goodKey(), u"id"_s)) << u"ApiKey.id"_s;
        QTest::newRow("key: id wrong prefix")
            << u"ApiKey"_s << QJsonValue(with(goodKey(), u"id"_s, u"usr_1"_s)) << u"ApiKey.id"_s;
        QTest::newRow("key: enabled as string")
            << u"ApiKey"_s << QJsonValue(with(goodKey(), u"enabled"_s, u"true"_s)) << u"ApiKey.enabled"_s;
        QTest::newRow("key: description null")
            << u"ApiKey"_s << QJsonValue(with(goodKey(), u"description"_s, QJsonValue::Null))
            << u"ApiKey.description"_s;
        QTest::newRow("key: bad timestamp")
            << u"ApiKey"_s << QJsonValue(with(goodKey(), u"created_at"_s, u"yesterday"_s))
            << u"ApiKey.created_at"_s;
        QTest::newRow("key: unknown status")
            << u"ApiKey"_s << QJsonValue(with(goodKey(), u"status"_s, u"on"_s)) << u"ApiKey.status"_s;
        QTest::newRow("key: workspace wrong type")
            << u"ApiKey"_s << QJsonValue(with(goodKey(), u"workspace"_s, 3)) << u"ApiKey.workspace"_s;
        QTest::newRow("key: creator missing name")
            << u"ApiKey"_s
            << QJsonValue(with(goodKey(), u"created_by"_s, obj(R"({"type":"user","id":"usr_1"})")))
            << u"ApiKey.created_by.name"_s;
        QTest::newRow("key: last_used_at number")
            << u"ApiKey"_s << QJsonValue(with(goodKey(), u"last_used_at"_s, 5)) << u"ApiKey.last_used_at"_s;

        QTest::newRow("event: id fractional")
            << u"AuditEvent"_s << QJsonValue(with(goodEvent(), u"id"_s, 1.5)) << u"AuditEvent.id"_s;
        QTest::newRow("event: missing hash")
            << u"AuditEvent"_s << QJsonValue(without(goodEvent(), u"hash"_s)) << u"AuditEvent.hash"_s;
        QTest::newRow("event: short hash")
            << u"AuditEvent"_s << QJsonValue(with(goodEvent(), u"hash"_s, u"abc"_s)) << u"AuditEvent.hash"_s;
        QTest::newRow("event: bad outcome")
            << u"AuditEvent"_s << QJsonValue(with(goodEvent(), u"outcome"_s, u"maybe"_s))
            << u"AuditEvent.outcome"_s;
        QTest::newRow("event: actor type missing")
            << u"AuditEvent"_s << QJsonValue(with(goodEvent(), u"actor"_s, obj(R"({"id":null,"name":null})")))
            << u"AuditEvent.actor.type"_s;

        QTest::newRow("identity: no tenant")
            << u"Identity"_s << QJsonValue(without(goodIdentity(), u"tenant"_s)) << u"Identity.tenant"_s;
        QTest::newRow("identity: user kind without user")
            << u"Identity"_s << QJsonValue(with(goodIdentity(), u"user"_s, QJsonValue::Null))
            << u"Identity.user"_s;
        QTest::newRow("identity: permissions not strings")
            << u"Identity"_s << QJsonValue(with(goodIdentity(), u"permissions"_s, QJsonArray{1, 2}))
            << u"Identity.permissions"_s;
        QTest::newRow("identity: unknown kind")
            << u"Identity"_s << QJsonValue(with(goodIdentity(), u"kind"_s, u"robot"_s)) << u"Identity.kind"_s;

        QTest::newRow("role: rank string")
            << u"Role"_s << QJsonValue(with(goodRole(), u"rank"_s, u"80"_s)) << u"Role.rank"_s;
        QTest::newRow("role: missing permissions")
            << u"Role"_s << QJsonValue(without(goodRole(), u"permissions"_s)) << u"Role.permissions"_s;
        QTest::newRow("workspace: missing name")
            << u"Workspace"_s << QJsonValue(obj(R"({"id":"ws_1","description":""})")) << u"Workspace.name"_s;
        QTest::newRow("quota: used missing")
            << u"Quota"_s << QJsonValue(obj(R"({"limit":50,"remaining":38})")) << u"Quota.used"_s;
        QTest::newRow("quota: negative")
            << u"Quota"_s << QJsonValue(obj(R"({"limit":-1,"used":0,"remaining":0})")) << u"Quota.limit"_s;
        QTest::newRow("page: items not array")
            << u"KeyPage"_s << QJsonValue(obj(R"({"items":{},"next_cursor":null})")) << u"Page.items"_s;
        // It would ask for the first page again, and a client that follows cursors would loop.
        QTest::newRow("page: empty cursor")
            << u"KeyPage"_s << QJsonValue(obj(R"({"items":[],"next_cursor":""})")) << u"Page.next_cursor"_s;
        QTest::newRow("page: one bad item")
            << u"KeyPage"_s
            << QJsonValue(QJsonObject{{u"items"_s, QJsonArray{goodKey(), without(goodKey(), u"role"_s)}},
                                      {u"next_cursor"_s, QJsonValue::Null}})
            << u"Page.items[1].role"_s;
        QTest::newRow("verify: broken without detail")
            << u"Verification"_s << QJsonValue(obj(R"({"ok":false,"checked":3,"first_broken":null})"))
            << u"first_broken"_s;
        QTest::newRow("login: token not a session")
            << u"Login"_s
            << QJsonValue(obj(R"({"token":"abc","token_type":"Bearer","expires_at":"2026-11-27T12:00:00.000Z",
                 "user":{"id":"usr_1","email":"a@b","name":"A","role":null}})"))
            << u"Login.token"_s;
    }

    void malformed()
    {
        QFETCH(QString, type);
        QFETCH(QJsonValue, json);
        QFETCH(QString, field);
        const std::optional<ApiError> error = parse(type, json);
        QVERIFY2(error, "a malformed answer must not parse");
        QCOMPARE(error->kind(), ApiError::Kind::MalformedResponse);
        QCOMPARE(error->kindName(), u"malformed response"_s);
        QVERIFY2(error->detail().contains(field), qPrintable(error->detail()));
        QVERIFY(!error->userMessage().isEmpty());
    }

    void parseObject_rejectsNonJsonAndArrays()
    {
        QVERIFY(!JsonDocument::parseObject("<html>", u"X"_s).ok());
        QVERIFY(!JsonDocument::parseObject("[1]", u"X"_s).ok());
        QVERIFY(!JsonDocument::parseObject("", u"X"_s).ok());
        QVERIFY(!JsonDocument::parseObject("{\"a\":1", u"X"_s).ok()); // cut short
        QVERIFY(!JsonDocument::parseObject("{} {}", u"X"_s).ok()); // something after the object
        QVERIFY(!JsonDocument::parseObject("{\"a\":\"\xff\"}", u"X"_s).ok()); // not UTF-8
        const Result<JsonDocument> bad = JsonDocument::parseObject("{\"a\":", u"KeyPage"_s);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().kind(), ApiError::Kind::MalformedResponse);
        QVERIFY2(bad.error().detail().startsWith(u"KeyPage: not JSON"_s), qPrintable(bad.error().detail()));
        QVERIFY(JsonDocument::parseObject("{}", u"X"_s).ok());
    }

    void apiKey_fieldsInAnyOrder_parseAlike()
    {
        // The reader expects the server's field order and looks from where the last field was found;
        // any other order (here reversed) must give the same key.
        const QByteArray inOrder = R"({"id":"key_AbCdEfGhIjKlMnOp","name":"ci","description":"d","role":"admin",
            "workspace":{"id":"ws_1","name":"Prod"},"enabled":true,"status":"enabled","hint":"drk_…AbCd",
            "created_by":{"type":"user","id":"usr_1","name":"Olga Owner"},
            "created_at":"2026-11-27T12:34:56.789Z","updated_at":"2026-11-27T12:34:57.000Z",
            "last_used_at":"2026-11-27T13:00:00Z","last_used_ip":"10.1.2.3","expires_at":null,"replaces":null,
            "replaced_by":"key_ZyXwVuTsRqPoNmLk"})";
        const QByteArray reversed = R"({"replaced_by":"key_ZyXwVuTsRqPoNmLk","replaces":null,"expires_at":null,
            "last_used_ip":"10.1.2.3","last_used_at":"2026-11-27T13:00:00Z","updated_at":"2026-11-27T12:34:57.000Z",
            "created_at":"2026-11-27T12:34:56.789Z","created_by":{"name":"Olga Owner","id":"usr_1","type":"user"},
            "hint":"drk_…AbCd","status":"enabled","enabled":true,"workspace":{"name":"Prod","id":"ws_1"},
            "role":"admin","description":"d","name":"ci","id":"key_AbCdEfGhIjKlMnOp"})";
        const Result<ApiKey> a = parseJson<ApiKey>(inOrder, u"ApiKey"_s);
        const Result<ApiKey> b = parseJson<ApiKey>(reversed, u"ApiKey"_s);
        QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().detail()));
        QVERIFY2(b.ok(), qPrintable(b.ok() ? QString() : b.error().detail()));
        QCOMPARE(a.value().toJson(), b.value().toJson());
        QCOMPARE(a.value().name, u"ci"_s);
        QCOMPARE(a.value().hint, u"drk_…AbCd"_s); // UTF-8 read as such
        QCOMPARE(a.value().replacedBy, std::optional<QString>(u"key_ZyXwVuTsRqPoNmLk"_s));
        QCOMPARE(a.value().lastUsedAt, QDateTime(QDate(2026, 11, 27), QTime(13, 0), Qt::UTC));
    }

    void integers_wholeNumbersOnly()
    {
        QVERIFY(parseJson<Quota>(R"({"limit":50,"used":12,"remaining":38})", u"Quota"_s).ok());
        QVERIFY(parseJson<Quota>(R"({"limit":50.0,"used":1.2e1,"remaining":38})", u"Quota"_s).ok());
        QCOMPARE(parseJson<Quota>(R"({"limit":50.0,"used":1.2e1,"remaining":38})", u"Quota"_s).value().used, 12);
        for (const char *bad : {R"({"limit":50.5,"used":12,"remaining":38})", R"({"limit":"50","used":12,"remaining":38})",
                                R"({"limit":1e300,"used":12,"remaining":38})", R"({"limit":true,"used":12,"remaining":38})"}) {
            const Result<Quota> q = parseJson<Quota>(QByteArray(bad), u"Quota"_s);
            QVERIFY2(!q.ok(), bad);
            QVERIFY2(q.error().detail().contains(u"Quota.limit"_s), qPrintable(q.error().detail()));
        }
    }

    void createdKey_rejectsMalformedSecret_withoutEchoingIt()
    {
        QJsonObject o{{u"api_key"_s, goodKey()}, {u"secret"_s, u"drk_notAValidKeyAtAll"_s}};
        const Result<CreatedApiKey> r = fromQtJson<CreatedApiKey>(o);
        QVERIFY(!r.ok());
        QVERIFY(!r.error().detail().contains(u"notAValid"_s));
        QVERIFY(!r.error().userMessage().contains(u"notAValid"_s));
    }
};

QTEST_GUILESS_MAIN(TestWireTypes)
#include "tst_wiretypes.moc"
