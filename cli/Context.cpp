#include "Context.h"

#include "Terminal.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace datarecs::cli {

Context::Context(const CommandLine &commandLine, Output out, QObject *parent)
    : QObject(parent)
    , args(commandLine)
    , output(out)
{
    ClientOptions options;
    options.userAgent = QByteArrayLiteral("datarecs-cli/" DATARECS_VERSION);
    client.setOptions(options);
}

void Context::done(int code)
{
    if (m_done) return;
    m_done = true;
    Q_EMIT finished(code);
}

void Context::fail(int code, const QString &message)
{
    Terminal::err(u"datarecs: "_s + message + u'\n');
    done(code);
}

void Context::fail(const ApiError &error)
{
    QString message = error.userMessage();
    // A refused session token is not a mistyped key: tell the person to sign in again.
    if (error.is(u"invalid-token") && source == CredentialSource::Session)
        message = tr("Your session on %1 has expired or was ended: run 'datarecs login --server %1' again.")
                      .arg(server.toString());
    if (error.is(u"unauthenticated"))
        message = tr("No credentials were sent: run 'datarecs login' or set DATARECS_API_KEY.");
    if (error.kind() == ApiError::Kind::Http) {
        QString details = u"HTTP %1"_s.arg(error.httpStatus());
        if (!error.type().isEmpty()) details += u' ' + error.type();
        if (!error.requestId().isEmpty()) details += u", request id "_s + error.requestId();
        message += u"\n  ("_s + details + u')';
    }
    fail(exitCodeFor(error), message);
}

QString Context::tableTime(const std::optional<QDateTime> &time, const QString &none)
{
    if (!time || !time->isValid()) return none;
    return time->toUTC().toString(u"yyyy-MM-dd HH:mm"_s);
}

QString Context::csvTime(const std::optional<QDateTime> &time)
{
    if (!time || !time->isValid()) return {};
    return time->toUTC().toString(Qt::ISODateWithMs);
}

namespace {
const QRegularExpression &relativeWhen()
{
    static const QRegularExpression pattern(u"^(\\d{1,5})([dhm])$"_s);
    return pattern;
}
} // namespace

bool Context::isRelativeWhen(const QString &text)
{
    return relativeWhen().match(text).hasMatch();
}

std::optional<QDateTime> Context::parseWhen(const QString &text, bool forward)
{
    const QRegularExpressionMatch m = relativeWhen().match(text);
    if (m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0);
        const qint64 seconds = n * (unit == u'd' ? 86400 : unit == u'h' ? 3600 : 60);
        // Whole seconds, so that the hint after a lost create can repeat this time exactly.
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        return QDateTime::fromSecsSinceEpoch(forward ? now + seconds : now - seconds, Qt::UTC);
    }
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (date.isValid() && text.size() == 10) return QDateTime(date, QTime(0, 0), Qt::UTC);
    const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    // A time without a zone would mean "local time" to Qt: demand an explicit one instead of guessing.
    if (t.isValid() && (text.endsWith(u'Z') || text.contains(u'+') || text.lastIndexOf(u'-') > 10))
        return t.toUTC();
    return std::nullopt;
}

} // namespace datarecs::cli
