// Credential parsing: KeyFormat (check, describe, hint), the Authorization header through
// Authenticator::authenticate against the fixture store, redaction, and WireFormat::parseTimestamp.
//
// Input: the whole input is the Authorization header value, and (read as text) the key value, the
// timestamp and the text to redact.

#include "FuzzFixture.h"

#include "KeyFormat.h"
#include "core/Redaction.h"
#include "core/WireFormat.h"
#include "routes/Authenticator.h"

#include <cstddef>
#include <cstdint>

using namespace datarecs;
using namespace datarecs::server;
using fuzz::fail;

namespace {

void checkKeyFormat(const QString &value)
{
    const KeyFormat::Check result = KeyFormat::check(value);
    if (KeyFormat::describe(result).isEmpty())
        fail("a key check has no description", value.toUtf8());
    if (result == KeyFormat::Check::Valid) {
        if (value.size() != KeyFormat::TotalLength || !value.startsWith(KeyFormat::prefix()))
            fail("a key of the wrong shape passed the check", value.toUtf8());
        if (KeyFormat::compose(value.mid(4, KeyFormat::RandomLength)) != value)
            fail("a valid key is not what compose makes of its random part", value.toUtf8());
    }
    // A hint shows the prefix, an ellipsis and at most the last four characters.
    const QString hint = KeyFormat::hint(value);
    if (hint.size() > 9 || !hint.startsWith(KeyFormat::prefix()))
        fail("a key hint shows too much", hint.toUtf8());
    // Redaction must hide any key-shaped or token-shaped value in free text.
    const QString redacted = redactSecrets(value);
    if (result == KeyFormat::Check::Valid && redacted.contains(value))
        fail("a valid key survived redaction", value.toUtf8());
}

void checkTimestamp(const QString &text)
{
    const auto ms = WireFormat::parseTimestamp(text);
    if (!ms)
        return;
    if (!text.endsWith(u'Z') && !text.endsWith(u'z') && text.at(text.size() - 6) != u'+' && text.at(text.size() - 6) != u'-')
        fail("a timestamp without a zone was accepted", text.toUtf8());
    const QString printed = WireFormat::timestamp(*ms);
    if (*ms >= 0 && *ms < 253402300800000LL && WireFormat::parseTimestamp(printed) != ms)
        fail("an accepted timestamp does not survive printing and parsing", text.toUtf8());
}

void checkAuthentication(const QByteArray &header)
{
    fuzz::Fixture &fixture = fuzz::Fixture::instance();
    ApiRequest request;
    request.method = "GET";
    request.path = QStringLiteral("/v1/me");
    request.sourceIp = QStringLiteral("127.0.0.1");
    request.headers.insert("authorization", header);
    fuzz::isolated(fixture.storage(), [&] {
        Authenticator authenticator(fixture.context());
        const Authenticator::Result result = authenticator.authenticate(request, fuzz::FixedNow);
        if (result.refusal && (result.refusal->status != 401 || result.caller.isAuthenticated()))
            fail("a refusal is not a 401 for an anonymous caller", header);
        if (header.isEmpty() && (result.refusal || result.caller.isAuthenticated()))
            fail("no header did not mean anonymous", header);
        if (!result.caller.isAuthenticated())
            return;
        // Only the exact value of a live fixture credential may get in, after the Bearer scheme (in any
        // case, RFC 9110 11.1) and with surrounding white space only.
        const bool bearer = header.size() > 7 && QByteArrayView(header).first(6).compare("bearer", Qt::CaseInsensitive) == 0
            && (header.at(6) == ' ' || header.at(6) == '\t');
        const QByteArray presented = header.mid(7).trimmed();
        bool known = false;
        for (const fuzz::Credential &c : fuzz::credentials())
            known = known || (c.authenticates && presented == c.value);
        if (!bearer || !known)
            fail("a credential that is not a live fixture credential was accepted", header);
        if (result.caller.tenantId.isEmpty() || result.caller.permissions.isEmpty())
            fail("an authenticated caller has no tenant or no permissions", header);
    });
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::Fixture::instance();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    checkAuthentication(bytes);
    checkAuthentication("Bearer " + bytes);
    for (const QString &text : {QString::fromLatin1(bytes), QString::fromUtf8(bytes)}) {
        checkKeyFormat(text);
        checkTimestamp(text);
    }
    return 0;
}
