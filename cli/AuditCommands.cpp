#include "AuditCommands.h"

#include "AuditExportToFile.h"
#include "Context.h"
#include "FetchPages.h"
#include "InterruptWatcher.h"
#include "KeyFormat.h"
#include "Terminal.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>

#include <functional>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace datarecs::cli::AuditCommands {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("AuditCommands", text);
}

/// Reads the filter options shared by list and export; fails the context and returns nullopt on a
/// bad value.
std::optional<AuditQuery> readFilters(Context &ctx)
{
    AuditQuery q;
    q.apiKeyId = ctx.args.value(u"api-key-id"_s);
    q.actorId = ctx.args.value(u"actor"_s);
    q.action = ctx.args.value(u"action"_s);
    for (const QString &name : {u"api-key-id"_s, u"actor"_s}) {
        if (KeyFormat::containsCredential(ctx.args.value(name))) {
            ctx.fail(Usage, tr("--%1 holds a secret value (an API key or session token), not an id; it was not "
                               "sent. Ids look like key_... or usr_....")
                                .arg(name));
            return std::nullopt;
        }
    }
    q.outcome = ctx.args.value(u"outcome"_s);
    if (!q.outcome.isEmpty() && q.outcome != u"success" && q.outcome != u"refused" && q.outcome != u"error") {
        ctx.fail(Usage, tr("--outcome must be success, refused or error."));
        return std::nullopt;
    }
    for (const QString &name : {u"since"_s, u"until"_s}) {
        if (!ctx.args.isSet(name)) continue;
        const std::optional<QDateTime> t = Context::parseWhen(ctx.args.value(name), false);
        if (!t) {
            ctx.fail(Usage,
                     tr("--%1 \"%2\" is not a time: use 2026-11-01, 2026-11-01T08:00:00Z, or 7d / 12h for "
                        "that long ago.")
                         .arg(name, ctx.args.value(name)));
            return std::nullopt;
        }
        (name == u"since" ? q.since : q.until) = t;
    }
    return q;
}

QString actorText(const AuditActor &a)
{
    if (a.type == u"anonymous") return u"anonymous"_s;
    return a.name.value_or(a.id.value_or(a.type));
}

QString humanBytes(qint64 n)
{
    if (n < 1024) return u"%1 B"_s.arg(n);
    if (n < 1024 * 1024) return u"%1 KiB"_s.arg(double(n) / 1024, 0, 'f', 1);
    return u"%1 MiB"_s.arg(double(n) / (1024 * 1024), 0, 'f', 1);
}

} // namespace

void list(Context &ctx)
{
    std::optional<AuditQuery> query = readFilters(ctx);
    if (!query) return;
    qsizetype max = 100;
    if (ctx.args.isSet(u"limit"_s)) {
        bool ok = false;
        max = ctx.args.value(u"limit"_s).toInt(&ok);
        if (!ok || max < 1) return ctx.fail(Usage, tr("--limit must be a positive whole number."));
    }
    query->limit = int(std::min<qsizetype>(max, 500));
    const auto page = [&ctx, q = *query](const QString &cursor) { return ctx.client.listAuditEvents(q, cursor); };
    fetchPages<AuditEvent>(ctx, page, max, [&ctx](const QList<AuditEvent> &events) {
        Output::Rows table{
            {u"ID"_s, u"TIME"_s, u"ACTOR"_s, u"ACTION"_s, u"TARGET"_s, u"OUTCOME"_s, u"HTTP"_s, u"SOURCE"_s},
            {}};
        Output::Rows csv{{u"id"_s, u"occurred_at"_s, u"actor_type"_s, u"actor_id"_s, u"actor_name"_s,
                          u"action"_s, u"target_type"_s, u"target_id"_s, u"target_name"_s, u"workspace_id"_s,
                          u"outcome"_s, u"http_status"_s, u"method"_s, u"path"_s, u"source_ip"_s,
                          u"user_agent"_s, u"request_id"_s, u"detail"_s},
                         {}};
        QJsonArray json;
        for (const AuditEvent &e : events) {
            const QString status = e.httpStatus ? QString::number(*e.httpStatus) : QString();
            table.rows.append({QString::number(e.id), e.occurredAt.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s),
                               actorText(e.actor), e.action,
                               e.target ? e.target->name.value_or(e.target->id) : u"-"_s, e.outcome,
                               status.isEmpty() ? u"-"_s : status, e.sourceIp.value_or(u"-"_s)});
            csv.rows.append({QString::number(e.id), Context::csvTime(e.occurredAt), e.actor.type,
                             e.actor.id.value_or(QString()), e.actor.name.value_or(QString()), e.action,
                             e.target ? e.target->type : QString(), e.target ? e.target->id : QString(),
                             e.target ? e.target->name.value_or(QString()) : QString(),
                             e.workspaceId.value_or(QString()), e.outcome, status,
                             e.method.value_or(QString()), e.path.value_or(QString()),
                             e.sourceIp.value_or(QString()), e.userAgent.value_or(QString()),
                             e.requestId.value_or(QString()), e.detail.value_or(QString())});
            json.append(e.toJson());
        }
        if (events.isEmpty() && ctx.output.format() == Output::Format::Table)
            Terminal::err(tr("No audit events match.\n"));
        else
            ctx.output.list(table, csv, json);
        ctx.done();
    });
}

void exportEvents(Context &ctx)
{
    const QString formatName = ctx.args.value(u"format"_s);
    if (formatName != u"csv" && formatName != u"ndjson")
        return ctx.fail(Usage, tr("Pass --format csv or --format ndjson.") + u'\n' + ctx.args.helpHint());
    const ExportFormat format = formatName == u"csv" ? ExportFormat::Csv : ExportFormat::Ndjson;
    const std::optional<AuditQuery> query = readFilters(ctx);
    if (!query) return;

    // Progress only where a person watches it: stderr on a terminal, at most a few times a second.
    const bool showProgress = Terminal::stderrIsTty();
    auto *clock = new QElapsedTimer;
    clock->start();
    auto progress = [showProgress, clock](qint64 bytes) {
        if (showProgress && clock->elapsed() > 200) {
            clock->restart();
            // "\r" back to the line start, "ESC [K" erases what a longer earlier line left behind.
            Terminal::err(tr("\r\x1b[KExporting audit events: %1 received").arg(humanBytes(bytes)));
        }
    };
    auto finishProgress = [showProgress, clock](std::optional<qint64> bytes) {
        delete clock;
        if (showProgress && bytes)
            Terminal::err(tr("\r\x1b[KExported audit events: %1.\n").arg(humanBytes(*bytes)));
        else if (showProgress)
            Terminal::err(u"\r\x1b[K"_s);
    };
    auto *interrupts = new InterruptWatcher(&ctx);

    const QString path = ctx.args.value(u"output"_s);
    if (!path.isEmpty() && path != u"-") {
        auto *download = new AuditExportToFile(&ctx.client, path, &ctx);
        QObject::connect(download, &AuditExportToFile::progress, &ctx, progress);
        QObject::connect(interrupts, &InterruptWatcher::interrupted, download, &AuditExportToFile::cancel);
        QObject::connect(
            download, &AuditExportToFile::finished, &ctx, [&ctx, download, finishProgress, path] {
                if (download->error()) {
                    finishProgress(std::nullopt);
                    return ctx.fail(*download->error());
                }
                finishProgress(download->bytesWritten());
                Terminal::err(tr("Wrote %1 to %2.\n").arg(humanBytes(download->bytesWritten()), path));
                ctx.done();
            });
        download->start(*query, format);
        return;
    }

    auto *out = new QFile(&ctx);
    if (!out->open(STDOUT_FILENO, QIODevice::WriteOnly | QIODevice::Unbuffered))
        return ctx.fail(Failure, tr("Cannot write to standard output."));
    ApiCall<qint64> *call = ctx.client.exportAuditEvents(*query, format, out);
    QObject::connect(call, &ApiJob::progress, &ctx,
                     [progress](qint64 received, qint64) { progress(received); });
    QObject::connect(interrupts, &InterruptWatcher::interrupted, call, &ApiJob::cancel);
    call->onFinished(&ctx, [&ctx, finishProgress](const Result<qint64> &r) {
        finishProgress(r ? std::optional<qint64>(r.value()) : std::nullopt);
        if (!r) return ctx.fail(r.error());
        ctx.done();
    });
}

void verify(Context &ctx)
{
    ctx.client.verifyAuditChain()->onFinished(&ctx, [&ctx](const Result<AuditVerification> &r) {
        if (!r) return ctx.fail(r.error());
        const AuditVerification &v = r.value();
        const QString broken =
            v.firstBrokenId ? u"event %1 (%2)"_s.arg(*v.firstBrokenId).arg(v.firstBrokenReason) : u"-"_s;
        ctx.output.record({{u"Chain intact"_s, v.ok ? u"yes"_s : u"NO"_s},
                           {u"Events checked"_s, QString::number(v.checked)},
                           {u"First broken"_s, broken}},
                          {{u"ok"_s, u"checked"_s, u"first_broken_id"_s, u"first_broken_reason"_s},
                           {{v.ok ? u"true"_s : u"false"_s, QString::number(v.checked),
                             v.firstBrokenId ? QString::number(*v.firstBrokenId) : QString(),
                             v.firstBrokenId ? v.firstBrokenReason : QString()}}},
                          v.toJson());
        if (!v.ok)
            return ctx.fail(VerifyFailed,
                            tr("The audit log's hash chain is broken at %1: events from there on may "
                               "have been altered. Keep a copy and report it to your administrator.")
                                .arg(broken));
        ctx.done();
    });
}

} // namespace datarecs::cli::AuditCommands
