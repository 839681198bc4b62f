// Cursor::decode over arbitrary strings, and the encode/decode round trip over arbitrary positions.
//
// Input: the whole input is tried as a cursor (Latin-1 and UTF-8 readings) against both lists. If it
// also parses as a JSON object, that object is used as a position to encode and decode again.

#include "FuzzFixture.h"

#include "http/Cursor.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace datarecs;
using namespace datarecs::server;
using fuzz::fail;

namespace {

const QString KeysList = QStringLiteral("api-keys");
const QString EventsList = QStringLiteral("audit-events");

void decodeAll(const QString &cursor, const QString &fingerprint)
{
    for (const QString &list : {KeysList, EventsList}) {
        const auto position = Cursor::decode(cursor, list, fingerprint);
        if (!position)
            continue;
        if (cursor.size() > 512)
            fail("a cursor over the length limit was accepted", cursor.toUtf8());
        if (position->contains(QStringLiteral("l")) || position->contains(QStringLiteral("f")))
            fail("a decoded position still holds the list or fingerprint", cursor.toUtf8());
        // The same bytes must not also be a cursor of the other list.
        if (Cursor::decode(cursor, list == KeysList ? EventsList : KeysList, fingerprint))
            fail("a cursor was accepted by two lists", cursor.toUtf8());
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::Fixture::instance(); // for the QCoreApplication; the store is not used
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    // The fingerprint of the default key-list filters, as the route computes it, and an empty one.
    static const QString keysFingerprint = Cursor::fingerprint(
        {QStringLiteral("all"), QString(), QString(), QStringLiteral("90"), QStringLiteral("90")});
    decodeAll(QString::fromLatin1(bytes), keysFingerprint);
    decodeAll(QString::fromUtf8(bytes), keysFingerprint);
    decodeAll(QString::fromLatin1(bytes), QString());

    // Round trip: what encode produced, decode gives back, for this list and fingerprint only.
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    if (!doc.isObject())
        return 0;
    QJsonObject position = doc.object();
    // Positions the JSON writer itself cannot reproduce (lone surrogates) are outside the contract.
    if (QJsonDocument::fromJson(QJsonDocument(position).toJson(QJsonDocument::Compact)).object() != position)
        return 0;
    const QString fingerprint = Cursor::fingerprint({QString::fromUtf8(bytes.left(64))});
    const QString cursor = Cursor::encode(KeysList, fingerprint, position);
    if (cursor.contains(u'=') || cursor.contains(u'+') || cursor.contains(u'/'))
        fail("a cursor is not base64url without padding", cursor.toUtf8());
    position.remove(QStringLiteral("l"));
    position.remove(QStringLiteral("f"));
    const auto decoded = Cursor::decode(cursor, KeysList, fingerprint);
    if (cursor.size() <= 512 && decoded != position)
        fail("a cursor did not decode to the position it was made from", cursor.toUtf8());
    if (cursor.size() > 512 && decoded)
        fail("an over-long cursor was accepted", cursor.toUtf8());
    if (Cursor::decode(cursor, EventsList, fingerprint) || Cursor::decode(cursor, KeysList, keysFingerprint + u'x'))
        fail("a cursor was accepted for another list or other filters", cursor.toUtf8());
    return 0;
}
