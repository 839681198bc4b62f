#include "AuditRoutes.h"

#include "audit/AuditChain.h"
#include "core/Roles.h"
#include "core/WireFormat.h"
#include "http/Cursor.h"
#include "http/Problem.h"
#include "http/QueryInput.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <memory>

Q_LOGGING_CATEGORY(lcAudit, "datarecs.server.audit", QtWarningMsg)

namespace datarecs::server {

namespace {

const QString EventsList = QStringLiteral("audit-events");
constexpr int ExportBatch = 1000;

QString queryFingerprint(const AuditQuery &q)
{
    return Cursor::fingerprint({q.apiKeyId, q.actorId, q.action, q.outcome,
                                q.since ? QString::number(*q.since) : QString(),
                                q.until ? QString::number(*q.until) : QString(),
                                q.afterId ? QString::number(*q.afterId) : QString()});
}

/// Streams a filtered export in batches, newest first, from a snapshot bound: events recorded after the
/// export started are not included, so the file is one consistent slice.
class AuditExportStream final : public ResponseStream
{
public:
    AuditExportStream(Storage &storage, AuditQuery query, bool csv)
        : m_storage(storage)
        , m_query(std::move(query))
        , m_csv(csv)
    {
        m_query.limit = ExportBatch;
    }

    QByteArray nextChunk() override
    {
        if (m_done)
            return {};
        QByteArray out;
        if (m_csv && !m_headerWritten) {
            out = WireFormat::auditCsvHeader();
            m_headerWritten = true;
        }
        QList<AuditRecord> batch;
        if (!m_storage.auditEvents(m_query, &batch)) {
            qCWarning(lcAudit) << "audit export cut off, the rest cannot be read:" << m_storage.lastError();
            m_failed = m_done = true;
            return {};
        }
        out.reserve(out.size() + batch.size() * 400); // a typical event's row or line
        for (const AuditRecord &e : batch) {
            if (m_csv) {
                WireFormat::appendAuditCsvRow(out, e);
            } else {
                m_json.clear();
                WireFormat::writeAuditEvent(m_json, e);
                out += m_json.bytes();
                out += '\n';
            }
        }
        if (batch.size() < ExportBatch)
            m_done = true;
        else
            m_query.beforeId = batch.last().id;
        return out;
    }

    bool failed() const override { return m_failed; }

private:
    Storage &m_storage;
    AuditQuery m_query;
    bool m_csv;
    bool m_headerWritten = false;
    bool m_done = false;
    bool m_failed = false;
    JsonWriter m_json;
};

} // namespace

AuditRoutes::AuditRoutes(ServiceContext &context)
    : m_context(context)
{
}

void AuditRoutes::install(Router &router, ServiceContext &context)
{
    auto self = std::make_shared<AuditRoutes>(AuditRoutes(context));
    auto bind = [self](ApiResponse (AuditRoutes::*fn)(RequestContext &)) {
        return [self, fn](RequestContext &rc) { return (self.get()->*fn)(rc); };
    };
    const auto seg = [](const char *path) { return QString::fromLatin1(path).split(u'/'); };
    router.add({"GET", seg("/v1/audit-events"), bind(&AuditRoutes::list), true, {}});
    router.add({"GET", seg("/v1/audit-events/export"), bind(&AuditRoutes::exportEvents), true, {}});
    router.add({"GET", seg("/v1/audit-events/verify"), bind(&AuditRoutes::verify), true, {}});
}

std::optional<ApiResponse> AuditRoutes::readFilters(RequestContext &rc, AuditQuery *q, QueryInput &input)
{
    q->tenantId = rc.caller.tenantId;
    q->workspaceScope = rc.caller.queryScope();
    q->apiKeyId = input.id(QStringLiteral("api_key_id"), {QStringLiteral("key")});
    q->actorId = input.id(QStringLiteral("actor_id"), {QStringLiteral("usr"), QStringLiteral("key")});
    q->action = input.oneOf(QStringLiteral("action"),
                            {QStringLiteral("auth.login"), QStringLiteral("auth.logout"), QStringLiteral("api_key.create"),
                             QStringLiteral("api_key.update"), QStringLiteral("api_key.enable"),
                             QStringLiteral("api_key.disable"), QStringLiteral("api_key.rotate"),
                             QStringLiteral("api_key.delete"), QStringLiteral("api_key.request")},
                            {});
    q->outcome = input.oneOf(QStringLiteral("outcome"),
                             {QStringLiteral("success"), QStringLiteral("refused"), QStringLiteral("error")}, {});
    q->since = input.timestamp(QStringLiteral("since"));
    q->until = input.timestamp(QStringLiteral("until"));
    q->afterId = input.int64(QStringLiteral("after_id"), 0);
    if (input.problem())
        return input.problem();
    if (q->since && q->until && *q->since >= *q->until)
        return Problem::invalidParameter(QStringLiteral("until"), QStringLiteral("must be later than since"));
    if (!rc.caller.can(Permission::ReadAudit))
        return Problem::forbidden(QStringLiteral("Requires permission read_audit (Owner or Admin)."));
    return std::nullopt;
}

ApiResponse AuditRoutes::list(RequestContext &rc)
{
    static const QStringList filters = {QStringLiteral("api_key_id"), QStringLiteral("actor_id"),
                                        QStringLiteral("action"),     QStringLiteral("outcome"),
                                        QStringLiteral("since"),      QStringLiteral("until"),
                                        QStringLiteral("after_id"),   QStringLiteral("limit"),
                                        QStringLiteral("cursor")};
    QueryInput input(rc.request.query, filters);
    AuditQuery q;
    const int limit = input.integer(QStringLiteral("limit"), 1, 500, 100);
    const QString cursor = input.cursor();
    if (auto problem = readFilters(rc, &q, input))
        return *problem;
    const QString fingerprint = queryFingerprint(q);
    if (!cursor.isEmpty()) {
        const auto position = Cursor::decode(cursor, EventsList, fingerprint);
        const auto beforeId = position ? Cursor::integer(*position, QStringLiteral("b")) : std::nullopt;
        if (!beforeId)
            return Problem::invalidCursor();
        q.beforeId = *beforeId;
    }
    q.limit = limit + 1;
    QList<AuditRecord> events;
    if (!m_context.storage.auditEvents(q, &events)) {
        qCWarning(lcAudit) << "cannot read audit events:" << m_context.storage.lastError();
        return Problem::internalError();
    }
    QString next;
    if (events.size() > limit) {
        events.resize(limit);
        next = Cursor::encode(EventsList, fingerprint, {{QStringLiteral("b"), double(events.last().id)}});
    }
    JsonWriter out;
    out.startObject();
    out.key("items");
    out.startArray();
    for (const AuditRecord &e : std::as_const(events))
        WireFormat::writeAuditEvent(out, e);
    out.endArray();
    out.key("next_cursor");
    out.stringOrNull(next);
    out.endObject();
    return ApiResponse::json(200, out.bytes());
}

ApiResponse AuditRoutes::exportEvents(RequestContext &rc)
{
    static const QStringList filters = {QStringLiteral("api_key_id"), QStringLiteral("actor_id"),
                                        QStringLiteral("action"),     QStringLiteral("outcome"),
                                        QStringLiteral("since"),      QStringLiteral("until"),
                                        QStringLiteral("after_id"),   QStringLiteral("format")};
    QueryInput input(rc.request.query, filters);
    AuditQuery q;
    const bool csv = input.oneOf(QStringLiteral("format"), {QStringLiteral("csv"), QStringLiteral("ndjson")},
                                 QStringLiteral("csv"))
        == QStringLiteral("csv");
    if (auto problem = readFilters(rc, &q, input))
        return *problem;
    // Bound the export to what exists now, so it ends even while new events keep arriving.
    AuditQuery newest = q;
    newest.limit = 1;
    QList<AuditRecord> head;
    if (!m_context.storage.auditEvents(newest, &head)) {
        qCWarning(lcAudit) << "cannot read audit events:" << m_context.storage.lastError();
        return Problem::internalError();
    }
    q.beforeId = head.isEmpty() ? 0 : head.first().id + 1;

    ApiResponse response;
    response.status = 200;
    response.setHeader("Content-Type", csv ? "text/csv; charset=utf-8" : "application/x-ndjson");
    response.setHeader("Content-Disposition",
                       csv ? "attachment; filename=\"audit-events.csv\"" : "attachment; filename=\"audit-events.ndjson\"");
    if (head.isEmpty()) {
        response.body = csv ? WireFormat::auditCsvHeader() : QByteArray();
        return response;
    }
    response.stream = std::make_shared<AuditExportStream>(m_context.storage, q, csv);
    return response;
}

ApiResponse AuditRoutes::verify(RequestContext &rc)
{
    if (QueryInput input(rc.request.query, {}); input.problem())
        return *input.problem();
    if (!rc.caller.can(Permission::ReadAudit))
        return Problem::forbidden(QStringLiteral("Requires permission read_audit (Owner or Admin)."));
    const AuditChain::VerifyResult result = AuditChain::verify(m_context.storage, rc.caller.tenantId);
    // brokenId 0: the chain could not be read, which says nothing of whether it is intact.
    if (!result.ok && result.brokenId == 0) {
        qCWarning(lcAudit).noquote() << "audit verification could not read the chain:" << result.reason;
        return Problem::internalError();
    }
    QJsonValue broken(QJsonValue::Null);
    if (!result.ok)
        broken = QJsonObject{{QStringLiteral("id"), result.brokenId}, {QStringLiteral("reason"), result.reason}};
    return ApiResponse::json(200, {{QStringLiteral("ok"), result.ok},
                                   {QStringLiteral("checked"), result.checked},
                                   {QStringLiteral("first_broken"), broken}});
}

} // namespace datarecs::server
