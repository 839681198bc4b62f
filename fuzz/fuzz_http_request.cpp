// Drives the whole API (ApiService::handle) with requests built from arbitrary bytes, against the fixed
// fixture store, and checks what every answer must hold whatever was asked.
//
// Framing of an input (lenient HTTP/1.1; "\r\n" or "\n"):
//   METHOD SP TARGET [SP anything]      TARGET is path[?query], as on the request line
//   Name: value                          zero or more header lines
//   (empty line)
//   body                                 every remaining byte
// Methods outside what the HTTP adapter can produce become "UNKNOWN", as there.

#include "FuzzFixture.h"

#include "KeyFormat.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <cstddef>
#include <cstdint>
#include <cstdio>

using namespace datarecs;
using namespace datarecs::server;

namespace {

QByteArray adapterMethod(const QByteArray &raw)
{
    static const QByteArrayList known = {"GET", "PUT", "DELETE", "POST", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE"};
    return known.contains(raw) ? raw : QByteArray("UNKNOWN");
}

ApiRequest frame(const QByteArray &input)
{
    ApiRequest request;
    request.sourceIp = QStringLiteral("127.0.0.1");
    qsizetype pos = 0;
    auto nextLine = [&](QByteArray *line) {
        if (pos >= input.size())
            return false;
        qsizetype end = input.indexOf('\n', pos);
        if (end < 0)
            end = input.size();
        *line = input.mid(pos, end - pos);
        if (line->endsWith('\r'))
            line->chop(1);
        pos = end + 1;
        return true;
    };

    QByteArray line;
    if (!nextLine(&line))
        return request;
    const QByteArrayList parts = line.split(' ');
    request.method = adapterMethod(parts.value(0));
    QByteArray target = parts.value(1);
    if (const qsizetype hash = target.indexOf('#'); hash >= 0)
        target.truncate(hash);
    // As QHttpServerRequest builds its URL: path and query from the request target, tolerantly.
    QUrl url;
    const qsizetype question = target.indexOf('?');
    url.setPath(QString::fromUtf8(question < 0 ? target : target.left(question)), QUrl::TolerantMode);
    if (question >= 0)
        url.setQuery(QString::fromUtf8(target.mid(question + 1)), QUrl::TolerantMode);
    request.path = url.path(QUrl::FullyEncoded);
    request.query = QUrlQuery(url);

    while (nextLine(&line) && !line.isEmpty()) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        request.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    if (pos < input.size())
        request.body = input.mid(pos);
    return request;
}

bool isCreation(const ApiRequest &request, const ApiResponse &response)
{
    if (response.status != 201 || request.method != "POST")
        return false;
    return request.path == QLatin1StringView("/v1/api-keys") || request.path.endsWith(QLatin1StringView("/rotate"));
}

QByteArray describe(const ApiRequest &request, const ApiResponse &response)
{
    return request.method + ' ' + request.path.toUtf8() + " -> " + QByteArray::number(response.status) + ' '
        + response.body.left(1500);
}

void check(const QByteArray &input, const ApiRequest &request, const ApiResponse &response)
{
    using fuzz::fail;
    if (response.status < 100 || response.status > 599)
        fail("the status is not an HTTP status", describe(request, response));
    if (response.status >= 500)
        fail("a request made the server fail (5xx)", describe(request, response));

    const QByteArray requestId = response.header("X-Request-Id");
    if (!requestId.startsWith("req_") || requestId.size() < 8)
        fail("X-Request-Id is missing", describe(request, response));
    if (response.header("Cache-Control") != "no-store")
        fail("Cache-Control: no-store is missing", describe(request, response));

    QByteArray body = response.body;
    if (response.stream) {
        // Exports: drain a bounded number of chunks; the fixture's audit log is small.
        for (int i = 0; i < 64; ++i) {
            const QByteArray chunk = response.stream->nextChunk();
            if (chunk.isEmpty())
                break;
            body += chunk;
            if (i == 63)
                fail("an export stream does not end", describe(request, response));
        }
    }

    const QByteArray contentType = response.header("Content-Type");
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (response.status >= 400) {
        if (contentType != "application/problem+json")
            fail("an error is not application/problem+json", describe(request, response));
        const QJsonObject o = doc.object();
        if (error.error != QJsonParseError::NoError || !doc.isObject() || !o.value(QStringLiteral("type")).isString()
            || !o.value(QStringLiteral("title")).isString()
            || o.value(QStringLiteral("status")).toInt(-1) != response.status
            || o.value(QStringLiteral("request_id")).toString().toLatin1() != requestId)
            fail("an error body lacks type/title/status/request_id", describe(request, response));
    } else if (contentType.startsWith("application/json") && (error.error != QJsonParseError::NoError || doc.isNull())) {
        fail("a JSON answer does not parse", describe(request, response));
    }

    // No secret of the fixture may leave the server: an echo of a credential the client sent is still a
    // credential in an error body, a proxy log or a bug report.
    QByteArray everything = body;
    for (const auto &header : response.headers)
        everything += '\n' + header.first + ": " + header.second;
    for (const fuzz::Credential &c : fuzz::credentials()) {
        // Most of a value is as good as all of it: look for all but its last 8 characters too.
        const QByteArray value(c.value);
        const QByteArray head = value.left(value.size() - 8);
        // A password has no recognisable shape, so it cannot be redacted: an answer quoting a path or
        // parameter name may repeat one the client itself put there. Keys and tokens never come back.
        if (qstrcmp(c.what, "password") == 0 && input.contains(head))
            continue;
        if (everything.contains(value) || everything.contains(head))
            fail(QByteArray("a fixture secret appears in an answer: " + QByteArray(c.what)).constData(),
                 describe(request, response));
    }
    // A complete key value may appear only in the answer that minted it.
    const QString fresh = doc.object().value(QStringLiteral("secret")).toString();
    if (isCreation(request, response)) {
        if (!KeyFormat::isValid(fresh))
            fail("a created key's secret is not a valid key", describe(request, response));
        const QJsonObject key = doc.object().value(QStringLiteral("api_key")).toObject();
        if (key.value(QStringLiteral("hint")).toString() != KeyFormat::hint(fresh))
            fail("a created key's hint does not match its secret", describe(request, response));
    }
    for (qsizetype at = everything.indexOf("drk_"); at >= 0; at = everything.indexOf("drk_", at + 1)) {
        const QByteArray candidate = everything.mid(at, KeyFormat::TotalLength);
        if (KeyFormat::isValid(QString::fromLatin1(candidate)) && !(isCreation(request, response) && candidate == fresh.toLatin1()))
            fail("a key value appears in an answer other than the one that created it", describe(request, response));
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::Fixture::instance();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::Fixture &fixture = fuzz::Fixture::instance();
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const ApiRequest request = frame(input);
    fuzz::isolated(fixture.storage(), [&] {
        const ApiResponse response = fixture.service().handle(request).response;
        // DATARECS_FUZZ_VERBOSE=1: one line per input, to see which routes a corpus reaches.
        static const bool verbose = qEnvironmentVariableIsSet("DATARECS_FUZZ_VERBOSE");
        if (verbose)
            std::fprintf(stderr, "%s\n", describe(request, response).left(160).replace('\n', ' ').constData());
        check(input, request, response);
    });
    return 0;
}
