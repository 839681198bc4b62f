#include "ApiKeyCommands.h"

#include "Context.h"
#include "FetchPages.h"
#include "InterruptWatcher.h"
#include "KeyFormat.h"
#include "Terminal.h"

#include <QJsonArray>

#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;

namespace datarecs::cli::ApiKeyCommands {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ApiKeyCommands", text);
}

QString workspaceText(const ApiKey &k)
{
    return k.workspace ? k.workspace->name : u"-"_s;
}

QString lastUsedText(const ApiKey &k)
{
    if (!k.lastUsedAt) return u"never"_s;
    QString s = Context::tableTime(k.lastUsedAt);
    if (k.lastUsedIp) s += u" from "_s + *k.lastUsedIp;
    return s;
}

QList<Output::Field> fieldsOf(const ApiKey &k)
{
    return {{u"ID"_s, k.id},
            {u"Name"_s, k.name},
            {u"Description"_s, k.description},
            {u"Role"_s, k.role},
            {u"Workspace"_s, k.workspace ? u"%1 (%2)"_s.arg(k.workspace->name, k.workspace->id) : u"-"_s},
            {u"Status"_s, k.status},
            {u"Enabled"_s, k.enabled ? u"yes"_s : u"no"_s},
            {u"Hint"_s, k.hint},
            {u"Created by"_s, u"%1 (%2)"_s.arg(k.createdBy.name, k.createdBy.id)},
            {u"Created"_s, Context::tableTime(k.createdAt)},
            {u"Updated"_s, Context::tableTime(k.updatedAt)},
            {u"Last used"_s, lastUsedText(k)},
            {u"Expires"_s, Context::tableTime(k.expiresAt, u"never"_s)},
            {u"Replaces"_s, k.replaces.value_or(u"-"_s)},
            {u"Replaced by"_s, k.replacedBy.value_or(u"-"_s)}};
}

/// A key as CSV: raw values (true/false, RFC 3339 times, empty for none), the same columns for
/// `list` and for the commands that print one key, so a script reads both alike.
const QStringList &csvHeaders()
{
    static const QStringList headers{
        u"id"_s,           u"name"_s,           u"description"_s,     u"role"_s,
        u"workspace_id"_s, u"workspace_name"_s, u"enabled"_s,         u"status"_s,
        u"hint"_s,         u"created_by_id"_s,  u"created_by_name"_s, u"created_at"_s,
        u"last_used_at"_s, u"last_used_ip"_s,   u"expires_at"_s,      u"updated_at"_s,
        u"replaces"_s,     u"replaced_by"_s};
    return headers;
}

QStringList csvRow(const ApiKey &k)
{
    return {k.id,
            k.name,
            k.description,
            k.role,
            k.workspace ? k.workspace->id : QString(),
            k.workspace ? k.workspace->name : QString(),
            k.enabled ? u"true"_s : u"false"_s,
            k.status,
            k.hint,
            k.createdBy.id,
            k.createdBy.name,
            Context::csvTime(k.createdAt),
            Context::csvTime(k.lastUsedAt),
            k.lastUsedIp.value_or(QString()),
            Context::csvTime(k.expiresAt),
            Context::csvTime(k.updatedAt),
            k.replaces.value_or(QString()),
            k.replacedBy.value_or(QString())};
}

void printKey(Context &ctx, const ApiKey &k, Output::Stream stream = Output::Stream::Stdout)
{
    ctx.output.record(fieldsOf(k), {csvHeaders(), {csvRow(k)}}, k.toJson(), stream);
}

/// The id option, required by every command that acts on one key.
std::optional<QString> requireId(Context &ctx)
{
    const QString id = ctx.args.value(u"api-key-id"_s).trimmed();
    if (id.isEmpty()) {
        ctx.fail(Usage, tr("Which key? Pass --api-key-id key_... (see 'datarecs api-key list').") + u'\n' +
                            ctx.args.helpHint());
        return std::nullopt;
    }
    return id;
}

/// Prints a new key and its value; false (the command has failed) when the value could not be written.
bool printCreated(Context &ctx, const CreatedApiKey &created)
{
    QJsonObject json{
        {u"api_key"_s, created.apiKey.toJson()},
        {u"replaces"_s, created.replaces ? QJsonValue(created.replaces->toJson()) : QJsonValue()}};
    // With a terminal on stdout a person reads it all there; otherwise stdout gets the value alone so
    // that `> key.txt` or `$(...)` captures exactly the key, and the details go to stderr.
    const bool valueAlone = !Terminal::stdoutIsTty() || ctx.output.format() == Output::Format::Json;
    const Output::Stream metaStream = valueAlone ? Output::Stream::Stderr : Output::Stream::Stdout;
    ctx.output.record(fieldsOf(created.apiKey), {csvHeaders(), {csvRow(created.apiKey)}}, json, metaStream);
    if (created.replaces) {
        const QString note = tr("\nThis key replaces %1, which stays enabled: once every system uses the new "
                                "value, run 'datarecs api-key disable --api-key-id %1', then delete it.\n")
                                 .arg(created.replaces->id);
        if (valueAlone)
            Terminal::err(note);
        else
            Terminal::out(note); // a failed write shows when the value is written below
    }
    const bool written = valueAlone
        ? Terminal::out(created.secret + u'\n')
        : Terminal::out(tr("\nKey value (shown only this once; store it in your secret manager now):\n\n  %1\n\n")
                            .arg(created.secret));
    if (!written) {
        // The server has the key but nobody has its value: say so rather than exit 0 over a lost key.
        ctx.fail(Failure, tr("API key %1 was created, but its value could not be written to standard output (%2), "
                             "and it cannot be shown again. Delete it ('datarecs api-key delete --api-key-id %1') "
                             "and create another.")
                              .arg(created.apiKey.id, Terminal::stdoutError()));
        return false;
    }
    if (valueAlone)
        Terminal::err(
            tr("The key value was written to standard output. It cannot be shown again: store it in "
               "your secret manager now.\n"));
    return true;
}

/// The Idempotency-Key for a create or rotate: --idempotency-key when the user repeats one whose answer
/// was lost, else a new one. Empty (the command has failed) when the given one is not valid.
QString idempotencyKeyOf(Context &ctx)
{
    if (!ctx.args.isSet(u"idempotency-key"_s))
        return ApiClient::newIdempotencyKey();
    const QString key = ctx.args.value(u"idempotency-key"_s);
    const bool visibleAscii = std::all_of(key.cbegin(), key.cend(), [](QChar c) { return c > u' ' && c <= u'~'; });
    if (key.isEmpty() || key.size() > 255 || !visibleAscii) {
        ctx.fail(Usage, tr("--idempotency-key takes 1 to 255 visible ASCII characters: pass the one an earlier "
                           "attempt printed."));
        return {};
    }
    return key;
}

/// Ends a create or rotate that failed. Without an answer the key may exist all the same, its value
/// with nobody: say how to fetch that answer rather than let a second attempt make a second key.
/// A relative --expires ("90d") names another time on each run, and a second attempt with a body that
/// differs is refused: the hint gives the time this attempt sent.
void failCreate(Context &ctx, const ApiError &error, const QString &idempotencyKey,
                const std::optional<QDateTime> &expiresAt)
{
    if (error.kind() == ApiError::Kind::MalformedResponse)
        return ctx.fail(exitCodeFor(error),
                        error.userMessage() + u'\n' +
                            tr("The server answered, so it has probably created the key, but the value could not be "
                               "read: find the key with 'datarecs api-key list' and delete it."));
    const bool noAnswer = error.kind() == ApiError::Kind::Network || error.kind() == ApiError::Kind::Timeout ||
        error.kind() == ApiError::Kind::Cancelled;
    if (!noAnswer || !error.mayHaveArrived())
        return ctx.fail(error);
    const QString expiresText = ctx.args.value(u"expires"_s);
    const QString repeat = expiresAt && Context::isRelativeWhen(expiresText)
        ? tr("adding --idempotency-key %1 and putting --expires %2 in place of --expires %3")
              .arg(idempotencyKey, expiresAt->toUTC().toString(Qt::ISODate), expiresText)
        : tr("adding --idempotency-key %1").arg(idempotencyKey);
    ctx.fail(exitCodeFor(error),
             error.userMessage() + u'\n' +
                 tr("The server may have created the key all the same. To get its value without creating a "
                    "second key, run the same command again within an hour, %1")
                     .arg(repeat));
}

/// Ctrl-C or a CI job's SIGTERM during a create or rotate ends it through failCreate(), which says how
/// to get the key the server may have made, rather than killing the process without a word.
void cancelOnInterrupt(Context &ctx, ApiJob *call)
{
    auto *interrupts = new InterruptWatcher(&ctx);
    QObject::connect(interrupts, &InterruptWatcher::interrupted, call, &ApiJob::cancel);
}

/// False (the command has failed) when --name or --description is longer than the server takes: said
/// here, before a body of that size is refused as too large or cut off in transit.
bool textsFit(Context &ctx)
{
    const struct { QString option; qsizetype limit; } limits[] = {{u"name"_s, KeyNameMaxLength},
                                                                  {u"description"_s, KeyDescriptionMaxLength}};
    for (const auto &[option, limit] : limits) {
        const qsizetype characters = QStringView(ctx.args.value(option).trimmed()).toUcs4().size();
        if (characters > limit) {
            ctx.fail(Usage, tr("--%1 has %2 characters; the most is %3.").arg(option).arg(characters).arg(limit));
            return false;
        }
    }
    return true;
}

std::optional<QDateTime> optionalWhen(Context &ctx, const QString &option, bool &ok)
{
    ok = true;
    if (!ctx.args.isSet(option)) return std::nullopt;
    const std::optional<QDateTime> t = Context::parseWhen(ctx.args.value(option), true);
    if (!t) {
        ok = false;
        ctx.fail(Usage, tr("--%1 \"%2\" is not a date: use 2027-03-01, 2027-03-01T08:00:00Z or 90d.")
                            .arg(option, ctx.args.value(option)));
    }
    return t;
}

void finishWithKey(Context &ctx, ApiCall<ApiKey> *call, std::function<QString(const ApiKey &)> sentence)
{
    call->onFinished(&ctx, [&ctx, sentence](const Result<ApiKey> &r) {
        if (!r) return ctx.fail(r.error());
        if (ctx.output.format() == Output::Format::Table)
            Terminal::out(sentence(r.value()) + u'\n');
        else
            printKey(ctx, r.value());
        ctx.done();
    });
}

} // namespace

void list(Context &ctx)
{
    ApiKeyQuery query;
    const QString status = ctx.args.value(u"status"_s);
    static const QStringList statuses{u"all"_s,     u"enabled"_s, u"disabled"_s,
                                      u"expired"_s, u"stale"_s,   u"rotation-due"_s};
    if (!status.isEmpty() && !statuses.contains(status))
        return ctx.fail(Usage, tr("--status must be one of %1.").arg(statuses.join(u", "_s)));
    query.status = QString(status).replace(u'-', u'_');
    query.search = ctx.args.value(u"search"_s);
    query.workspaceId = ctx.args.value(u"workspace"_s);
    bool ok = true;
    for (const QString &name : {u"stale-days"_s, u"rotation-days"_s, u"limit"_s}) {
        if (!ctx.args.isSet(name)) continue;
        const int n = ctx.args.value(name).toInt(&ok);
        if (!ok || n < 1) return ctx.fail(Usage, tr("--%1 must be a positive whole number.").arg(name));
        (name == u"stale-days"      ? query.staleDays
         : name == u"rotation-days" ? query.rotationDays
                                    : query.limit) = n;
    }
    const qsizetype max = query.limit.value_or(std::numeric_limits<int>::max());
    query.limit = int(std::min<qsizetype>(max, 1000));
    const auto page = [&ctx, query](const QString &cursor) { return ctx.client.listApiKeys(query, cursor); };
    fetchPages<ApiKey>(ctx, page, max, [&ctx](const QList<ApiKey> &keys) {
        Output::Rows table{{u"ID"_s, u"NAME"_s, u"ROLE"_s, u"WORKSPACE"_s, u"STATUS"_s, u"CREATED BY"_s,
                            u"CREATED"_s, u"LAST USED"_s, u"EXPIRES"_s},
                           {}};
        Output::Rows csv{csvHeaders(), {}};
        QJsonArray json;
        for (const ApiKey &k : keys) {
            table.rows.append({k.id, k.name, k.role, workspaceText(k), k.status, k.createdBy.name,
                               Context::tableTime(k.createdAt), lastUsedText(k),
                               Context::tableTime(k.expiresAt, u"never"_s)});
            csv.rows.append(csvRow(k));
            json.append(k.toJson());
        }
        if (keys.isEmpty() && ctx.output.format() == Output::Format::Table)
            Terminal::err(tr("No API keys match.\n"));
        else
            ctx.output.list(table, csv, json);
        ctx.done();
    });
}

void show(Context &ctx)
{
    const std::optional<QString> id = requireId(ctx);
    if (!id) return;
    ctx.client.apiKey(*id)->onFinished(&ctx, [&ctx](const Result<ApiKey> &r) {
        if (!r) return ctx.fail(r.error());
        printKey(ctx, r.value());
        ctx.done();
    });
}

void create(Context &ctx)
{
    NewApiKey key;
    key.name = ctx.args.value(u"name"_s);
    key.role = ctx.args.value(u"role"_s);
    key.description = ctx.args.value(u"description"_s);
    key.workspaceId = ctx.args.value(u"workspace"_s);
    if (key.name.trimmed().isEmpty() || key.role.isEmpty())
        return ctx.fail(Usage, tr("A key needs --name and --role (see 'datarecs roles').") + u'\n' +
                                   ctx.args.helpHint());
    if (!textsFit(ctx)) return;
    bool ok = true;
    key.expiresAt = optionalWhen(ctx, u"expires"_s, ok);
    if (!ok) return;
    // One idempotency key for this logical create, kept across the client's retries.
    const QString idempotencyKey = idempotencyKeyOf(ctx);
    if (idempotencyKey.isEmpty()) return;
    ApiCall<CreatedApiKey> *call = ctx.client.createApiKey(key, idempotencyKey);
    cancelOnInterrupt(ctx, call);
    call->onFinished(&ctx, [&ctx, idempotencyKey, expiresAt = key.expiresAt](const Result<CreatedApiKey> &r) {
            if (!r) return failCreate(ctx, r.error(), idempotencyKey, expiresAt);
            if (printCreated(ctx, r.value()))
                ctx.done();
        });
}

void update(Context &ctx)
{
    const std::optional<QString> id = requireId(ctx);
    if (!id) return;
    std::optional<QString> name, description;
    if (ctx.args.isSet(u"name"_s)) name = ctx.args.value(u"name"_s);
    if (ctx.args.isSet(u"description"_s)) description = ctx.args.value(u"description"_s);
    if (!name && !description)
        return ctx.fail(Usage, tr("Nothing to change: pass --name and/or --description."));
    if (!textsFit(ctx)) return;
    finishWithKey(ctx, ctx.client.updateApiKey(*id, name, description),
                  [](const ApiKey &k) { return tr("Updated API key %1 (%2).").arg(k.id, k.name); });
}

void enable(Context &ctx)
{
    const std::optional<QString> id = requireId(ctx);
    if (!id) return;
    finishWithKey(ctx, ctx.client.enableApiKey(*id), [](const ApiKey &k) {
        return tr("Enabled API key %1 (%2): requests with it are accepted again.").arg(k.id, k.name);
    });
}

void disable(Context &ctx)
{
    const std::optional<QString> id = requireId(ctx);
    if (!id) return;
    finishWithKey(ctx, ctx.client.disableApiKey(*id), [](const ApiKey &k) {
        return tr("Disabled API key %1 (%2): requests with it are now refused.").arg(k.id, k.name);
    });
}

namespace {

void deleteNow(Context &ctx, const QString &id)
{
    ctx.client.deleteApiKey(id)->onFinished(&ctx, [&ctx, id](const Result<NoContent> &r) {
        if (!r) return ctx.fail(r.error());
        switch (ctx.output.format()) {
        case Output::Format::Table:
            Terminal::out(tr("Deleted API key %1.\n").arg(id));
            break;
        case Output::Format::Json:
            Terminal::out(Output::json(QJsonObject{{u"id"_s, id}, {u"deleted"_s, true}}));
            break;
        case Output::Format::Csv:
            Terminal::out(Output::csv({u"id"_s, u"deleted"_s}, {{id, u"true"_s}}));
            break;
        }
        ctx.done();
    });
}

} // namespace

void remove(Context &ctx)
{
    const std::optional<QString> id = requireId(ctx);
    if (!id) return;
    if (ctx.args.isSet(u"yes"_s)) return deleteNow(ctx, *id);
    if (!Terminal::stdinIsTty())
        return ctx.fail(Usage,
                        tr("Refusing to delete without confirmation: pass --yes when not on a terminal."));
    // Name the key in the question, so nobody confirms the wrong id.
    ctx.client.apiKey(*id)->onFinished(&ctx, [&ctx](const Result<ApiKey> &r) {
        if (!r) return ctx.fail(r.error());
        const ApiKey &k = r.value();
        const QString answer =
            Terminal::readLine(tr("Delete API key %1 (\"%2\", %3)? Requests with it will be refused and this "
                                  "cannot be undone. Type yes to delete: ")
                                   .arg(k.id, k.name, k.status))
                .value_or(QString())
                .trimmed()
                .toLower();
        if (answer != u"yes" && answer != u"y") return ctx.fail(Failure, tr("Not deleted."));
        deleteNow(ctx, k.id);
    });
}

void rotate(Context &ctx)
{
    const std::optional<QString> id = requireId(ctx);
    if (!id) return;
    RotateOptions options;
    if (ctx.args.isSet(u"name"_s)) options.name = ctx.args.value(u"name"_s);
    if (ctx.args.isSet(u"description"_s)) options.description = ctx.args.value(u"description"_s);
    if (!textsFit(ctx)) return;
    bool ok = true;
    options.expiresAt = optionalWhen(ctx, u"expires"_s, ok);
    if (!ok) return;
    const QString idempotencyKey = idempotencyKeyOf(ctx);
    if (idempotencyKey.isEmpty()) return;
    ApiCall<CreatedApiKey> *call = ctx.client.rotateApiKey(*id, options, idempotencyKey);
    cancelOnInterrupt(ctx, call);
    call->onFinished(&ctx, [&ctx, idempotencyKey, expiresAt = options.expiresAt](const Result<CreatedApiKey> &r) {
            if (!r) return failCreate(ctx, r.error(), idempotencyKey, expiresAt);
            if (printCreated(ctx, r.value()))
                ctx.done();
        });
}

void check(Context &ctx)
{
    const std::optional<QString> line = Terminal::readSecret(tr("API key value: "));
    const QString value = line.value_or(QString()).trimmed();
    if (value.isEmpty())
        return ctx.fail(Usage, tr("No key value on standard input: run 'datarecs api-key check < key.txt'."));
    const KeyFormat::Check local = KeyFormat::check(value);
    if (local != KeyFormat::Check::Valid) return ctx.fail(Usage, KeyFormat::describe(local));
    ctx.client.lookupApiKey(value)->onFinished(&ctx, [&ctx](const Result<ApiKey> &r) {
        if (!r && r.error().is(u"not-found"))
            return ctx.fail(NotFound,
                            tr("The value is well formed, but no key of yours has it: it may have been "
                               "deleted, or belong to another tenant or workspace."));
        if (!r) return ctx.fail(r.error());
        if (ctx.output.format() == Output::Format::Table)
            Terminal::out(tr("The value is well formed and belongs to this key:\n\n"));
        printKey(ctx, r.value());
        ctx.done();
    });
}

} // namespace datarecs::cli::ApiKeyCommands
