// JsonInput over arbitrary bodies: parsing, then the field checks every route applies, with the
// guarantees the routes rely on asserted on whatever the checks let through.
//
// Input: one flags byte, then the body. Flags bit 0: empty body allowed; bits 1-2: Content-Type
// (application/json, with a charset, upper case, text/plain).

#include "FuzzFixture.h"

#include "core/WireFormat.h"
#include "http/JsonInput.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace datarecs;
using namespace datarecs::server;
using fuzz::fail;

namespace {

void checkText(const std::optional<QString> &text, int minLength, int maxLength, JsonInput::Text kind)
{
    if (!text)
        return;
    if (text->size() < minLength || text->size() > maxLength)
        fail("a string passed outside its length bounds", text->toUtf8());
    if (*text != text->trimmed())
        fail("a string passed untrimmed", text->toUtf8());
    for (QChar c : *text) {
        const bool allowed = kind == JsonInput::Text::MultiLine && (c == u'\n' || c == u'\t');
        if ((c.category() == QChar::Other_Control && !allowed) || c == QChar(0x2028) || c == QChar(0x2029))
            fail("a string passed with a control character", text->toUtf8());
    }
    if (!QStringView(*text).isValidUtf16())
        fail("a string passed with invalid UTF-16", text->toUtf8());
}

void checkTimestamp(const std::optional<qint64> &ms)
{
    if (!ms)
        return;
    // Whatever was accepted must print as a timestamp that reads back as the same instant.
    const QString printed = WireFormat::timestamp(*ms);
    if (*ms >= 0 && *ms < 253402300800000LL && WireFormat::parseTimestamp(printed) != ms)
        fail("an accepted timestamp does not survive printing and parsing", printed.toUtf8());
}

void checkProblem(const ApiResponse &problem, bool expectErrors)
{
    const QJsonObject o = QJsonDocument::fromJson(problem.body).object();
    if (problem.status < 400 || problem.status > 499 || o.value(QStringLiteral("status")).toInt() != problem.status
        || !o.value(QStringLiteral("type")).isString() || !o.value(QStringLiteral("title")).isString())
        fail("a body problem is not a well-formed 4xx problem", problem.body);
    if (expectErrors && o.value(QStringLiteral("errors")).toArray().isEmpty())
        fail("a validation problem lists no errors", problem.body);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::Fixture::instance(); // for the QCoreApplication; the store is not used
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const QByteArray contentTypes[] = {"application/json", "application/json; charset=utf-8",
                                              "APPLICATION/JSON", "text/plain"};
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/v1/api-keys");
    request.headers.insert("content-type", contentTypes[(data[0] >> 1) & 3]);
    request.body = QByteArray(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const bool emptyAllowed = data[0] & 1;

    QJsonObject body;
    const auto problem = JsonInput::parse(request, &body, emptyAllowed);
    if (problem) {
        checkProblem(*problem, false);
        return 0;
    }
    if (!body.isEmpty() && ((data[0] >> 1) & 3) == 3)
        fail("a text/plain body was accepted as JSON", request.body);

    // The create route's checks, then the update/rotate shapes.
    JsonInput create(body, {QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("role"),
                            QStringLiteral("workspace_id"), QStringLiteral("expires_at")});
    checkText(create.string(QStringLiteral("name"), true, 1, 100), 1, 100, JsonInput::Text::SingleLine);
    checkText(create.string(QStringLiteral("description"), false, 0, 500, JsonInput::Text::MultiLine), 0, 500,
              JsonInput::Text::MultiLine);
    checkText(create.string(QStringLiteral("role"), true, 1, 40), 1, 40, JsonInput::Text::SingleLine);
    checkText(create.string(QStringLiteral("workspace_id"), false, 1, 40), 1, 40, JsonInput::Text::SingleLine);
    checkTimestamp(create.timestamp(QStringLiteral("expires_at")));
    if (!create.ok())
        checkProblem(create.problem(), true);

    JsonInput anyField(body, body.keys());
    for (const QString &field : body.keys()) {
        checkText(anyField.string(field, false, 0, 1000, JsonInput::Text::MultiLine), 0, 1000,
                  JsonInput::Text::MultiLine);
        checkTimestamp(anyField.timestamp(field));
    }
    if (!anyField.ok())
        checkProblem(anyField.problem(), true);

    JsonInput none(body, {});
    if (none.ok() != body.isEmpty())
        fail("unknown fields were not all reported", request.body);
    return 0;
}
