#include "KeyFormat.h"

#include <QCoreApplication>

#include <zlib.h>

namespace datarecs::KeyFormat {

namespace {

constexpr char Alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool isBase62(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z');
}

QString checksumOf(QStringView body)
{
    const QByteArray bytes = body.toLatin1();
    quint32 crc = quint32(crc32(0L, reinterpret_cast<const Bytef *>(bytes.constData()), uInt(bytes.size())));
    QString out(ChecksumLength, u'0');
    for (qsizetype i = ChecksumLength - 1; i >= 0; --i) {
        out[i] = QLatin1Char(Alphabet[crc % 62]);
        crc /= 62;
    }
    return out;
}

} // namespace

QLatin1StringView prefix() { return QLatin1StringView("drk_"); }

QLatin1StringView base62Alphabet() { return QLatin1StringView(Alphabet, 62); }

QString compose(const QString &randomPart)
{
    const QString body = prefix() + randomPart;
    return body + checksumOf(body);
}

Check check(const QString &value)
{
    if (!value.startsWith(prefix()))
        return Check::WrongPrefix;
    if (value.size() != TotalLength)
        return Check::WrongLength;
    for (qsizetype i = prefix().size(); i < value.size(); ++i) {
        if (!isBase62(value.at(i)))
            return Check::BadCharacter;
    }
    const QStringView body = QStringView(value).left(TotalLength - ChecksumLength);
    return checksumOf(body) == QStringView(value).right(ChecksumLength) ? Check::Valid : Check::BadChecksum;
}

QString describe(Check result)
{
    switch (result) {
    case Check::Valid:
        return QCoreApplication::translate("KeyFormat", "The key is well formed.");
    case Check::WrongPrefix:
        return QCoreApplication::translate("KeyFormat", "This is not a DataRecs API key: keys start with \"drk_\".");
    case Check::WrongLength:
        return QCoreApplication::translate("KeyFormat", "A key has %1 characters: part of this one is missing "
                                                        "or something was added when it was copied.")
            .arg(TotalLength);
    case Check::BadCharacter:
        return QCoreApplication::translate("KeyFormat", "The key contains a character that keys never contain: "
                                                        "copy it again exactly.");
    case Check::BadChecksum:
        return QCoreApplication::translate("KeyFormat", "The key's checksum does not match: a character was "
                                                        "changed when it was copied. Keys are case-sensitive.");
    }
    return {};
}

bool containsCredential(QStringView text)
{
    for (qsizetype at = text.indexOf(u"dr"); at >= 0 && at + 4 <= text.size(); at = text.indexOf(u"dr", at + 1)) {
        const QChar kind = text.at(at + 2);
        if ((kind != u'k' && kind != u's') || text.at(at + 3) != u'_')
            continue;
        qsizetype run = 0;
        for (qsizetype i = at + 4; i < text.size() && isBase62(text.at(i)); ++i)
            ++run;
        if (run >= CredentialRunLength)
            return true;
    }
    return false;
}

QString hint(const QString &value)
{
    return prefix() + QChar(0x2026) + value.right(4);
}

} // namespace datarecs::KeyFormat
