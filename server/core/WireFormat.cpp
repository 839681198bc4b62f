#include "WireFormat.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

#include <charconv>

namespace datarecs::server::WireFormat {

namespace {

void timeOrNull(JsonWriter &out, const std::optional<qint64> &ms)
{
    if (ms)
        out.string(timestamp(*ms));
    else
        out.null();
}

/// Appends one CSV field (RFC 4180) in UTF-8. An export writes twenty of these per event, a million
/// events at a time, so the common case (ASCII that needs no quoting) is copied straight into the
/// buffer without a temporary.
void appendCsvField(QByteArray &out, QStringView value)
{
    bool ascii = true;
    bool quote = false;
    for (const QChar c : value) {
        const char16_t u = c.unicode();
        if (u >= 0x80)
            ascii = false;
        else if (u == ',' || u == '"' || u == '\n' || u == '\r')
            quote = true;
    }
    // A leading =, +, - or @ would make a spreadsheet evaluate the cell; quote it as text.
    const bool formula = !value.isEmpty() && QStringView(u"=+-@").contains(value.front());
    if (ascii && !quote && !formula) {
        const qsizetype at = out.size();
        out.resize(at + value.size());
        char *d = out.data() + at;
        for (const QChar c : value)
            *d++ = char(c.unicode());
        return;
    }
    const QByteArray utf8 = value.toUtf8();
    if (!quote && !formula) {
        out += utf8;
        return;
    }
    out += '"';
    if (formula)
        out += '\'';
    for (const char c : utf8) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

} // namespace

QString timestamp(qint64 msecsSinceEpoch)
{
    // Every response and export row carries these; QDateTime::toString's format parser cost a tenth
    // of a key list's time, and snprintf a tenth of an export's. The civil date comes from QDate,
    // which handles the calendar; the digits are written by hand.
    const qint64 days = msecsSinceEpoch >= 0 ? msecsSinceEpoch / 86400000 : (msecsSinceEpoch - 86399999) / 86400000;
    const int msOfDay = int(msecsSinceEpoch - days * 86400000);
    int year = 0, month = 0, day = 0;
    QDate(1970, 1, 1).addDays(days).getDate(&year, &month, &day);
    if (year < 0 || year > 9999)
        return QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, QTimeZone::utc()).toString(Qt::ISODateWithMs);
    char16_t text[] = u"0000-00-00T00:00:00.000Z"; // 24 characters and the terminator
    auto put = [&text](int at, int value, int width) {
        for (int i = at + width - 1; i >= at; --i, value /= 10)
            text[i] = char16_t(u'0' + value % 10);
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, msOfDay / 3600000, 2);
    put(14, msOfDay / 60000 % 60, 2);
    put(17, msOfDay / 1000 % 60, 2);
    put(20, msOfDay % 1000, 3);
    return QString(reinterpret_cast<const QChar *>(text), 24);
}

std::optional<qint64> parseTimestamp(const QString &text)
{
    // Qt's ISO parser accepts dates without a zone (local time); an API timestamp must say its zone.
    // RFC 3339 lets the 'T' and 'Z' be lower case and the fraction have any length (here up to 40 digits).
    static const QRegularExpression shape(QStringLiteral(
        R"(^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,40})?([Zz]|[+-]\d{2}:\d{2})$)"));
    if (!shape.match(text).hasMatch())
        return std::nullopt;
    QString normalized = text.toUpper();
    // Qt keeps at most milliseconds: drop extra fraction digits rather than refuse them.
    static const QRegularExpression longFraction(QStringLiteral(R"((\.\d{3})\d+)"));
    normalized.replace(longFraction, QStringLiteral("\\1"));
    const QDateTime dt = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!dt.isValid())
        return std::nullopt;
    return dt.toMSecsSinceEpoch();
}

QString keyStatus(const ApiKeyRecord &key, qint64 now)
{
    if (key.expiresAt && *key.expiresAt <= now)
        return QStringLiteral("expired");
    return key.enabled ? QStringLiteral("enabled") : QStringLiteral("disabled");
}

void writeApiKey(JsonWriter &out, const ApiKeyRecord &key, qint64 now)
{
    out.startObject();
    out.key("id");
    out.string(key.id);
    out.key("name");
    out.string(key.name);
    out.key("description");
    out.string(key.description);
    out.key("role");
    out.string(key.role);
    out.key("workspace");
    if (key.workspaceId.isEmpty()) {
        out.null();
    } else {
        out.startObject();
        out.key("id");
        out.string(key.workspaceId);
        out.key("name");
        out.string(key.workspaceName);
        out.endObject();
    }
    out.key("enabled");
    out.boolean(key.enabled);
    out.key("status");
    out.string(keyStatus(key, now));
    out.key("hint");
    out.string(key.hint);
    out.key("created_by");
    out.startObject();
    out.key("type");
    out.string(key.createdByType);
    out.key("id");
    out.string(key.createdById);
    out.key("name");
    out.string(key.createdByName);
    out.endObject();
    out.key("created_at");
    out.string(timestamp(key.createdAt));
    out.key("updated_at");
    out.string(timestamp(key.updatedAt));
    out.key("last_used_at");
    timeOrNull(out, key.lastUsedAt);
    out.key("last_used_ip");
    out.stringOrNull(key.lastUsedIp);
    out.key("expires_at");
    timeOrNull(out, key.expiresAt);
    out.key("replaces");
    out.stringOrNull(key.replaces);
    out.key("replaced_by");
    out.stringOrNull(key.replacedBy);
    out.endObject();
}

void writeAuditEvent(JsonWriter &out, const AuditRecord &e)
{
    out.startObject();
    out.key("id");
    out.integer(e.id);
    out.key("occurred_at");
    out.string(timestamp(e.occurredAt));
    out.key("actor");
    out.startObject();
    out.key("type");
    if (e.actorType.isEmpty())
        out.latin1("anonymous");
    else
        out.string(e.actorType);
    out.key("id");
    out.stringOrNull(e.actorId);
    out.key("name");
    out.stringOrNull(e.actorName);
    out.endObject();
    out.key("action");
    out.string(e.action);
    out.key("target");
    if (e.targetType.isEmpty()) {
        out.null();
    } else {
        out.startObject();
        out.key("type");
        out.string(e.targetType);
        out.key("id");
        out.stringOrNull(e.targetId);
        out.key("name");
        out.stringOrNull(e.targetName);
        out.endObject();
    }
    out.key("workspace_id");
    out.stringOrNull(e.workspaceId);
    out.key("outcome");
    out.string(e.outcome);
    out.key("http_status");
    if (e.httpStatus)
        out.integer(e.httpStatus);
    else
        out.null();
    out.key("method");
    out.stringOrNull(e.method);
    out.key("path");
    out.stringOrNull(e.path);
    out.key("source_ip");
    out.stringOrNull(e.sourceIp);
    out.key("user_agent");
    out.stringOrNull(e.userAgent);
    out.key("request_id");
    out.stringOrNull(e.requestId);
    out.key("detail");
    out.stringOrNull(e.detail);
    out.key("prev_hash");
    out.string(e.prevHash);
    out.key("hash");
    out.string(e.hash);
    out.endObject();
}

QByteArray auditCsvHeader()
{
    return "id,occurred_at,actor_type,actor_id,actor_name,action,target_type,target_id,target_name,workspace_id,"
           "outcome,http_status,method,path,source_ip,user_agent,request_id,detail,prev_hash,hash\r\n";
}

void appendAuditCsvRow(QByteArray &out, const AuditRecord &e)
{
    static const QString anonymous = QStringLiteral("anonymous");
    char number[24];
    const QStringView fields[] = {
        QStringView(), // id, written below
        QStringView(), // occurred_at
        e.actorType.isEmpty() ? QStringView(anonymous) : QStringView(e.actorType),
        e.actorId, e.actorName, e.action, e.targetType, e.targetId, e.targetName, e.workspaceId, e.outcome,
        QStringView(), // http_status
        e.method, e.path, e.sourceIp, e.userAgent, e.requestId, e.detail, e.prevHash, e.hash};
    out += QByteArrayView(number, std::to_chars(number, number + sizeof number, e.id).ptr);
    out += ',';
    out += timestamp(e.occurredAt).toLatin1();
    for (std::size_t i = 2; i < std::size(fields); ++i) {
        out += ',';
        if (i == 11) {
            if (e.httpStatus)
                out += QByteArrayView(number, std::to_chars(number, number + sizeof number, e.httpStatus).ptr);
        } else {
            appendCsvField(out, fields[i]);
        }
    }
    out += "\r\n";
}

QByteArray auditCsvRow(const AuditRecord &event)
{
    QByteArray row;
    appendAuditCsvRow(row, event);
    return row;
}

} // namespace datarecs::server::WireFormat
