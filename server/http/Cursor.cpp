#include "Cursor.h"

#include <QCryptographicHash>
#include <QJsonDocument>

#include <cmath>

namespace datarecs::server::Cursor {

namespace {
constexpr auto Encoding = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr qsizetype MaxCursorLength = 512;
} // namespace

QString encode(const QString &list, const QString &fingerprint, QJsonObject position)
{
    position.insert(QStringLiteral("l"), list);
    position.insert(QStringLiteral("f"), fingerprint);
    return QString::fromLatin1(QJsonDocument(position).toJson(QJsonDocument::Compact).toBase64(Encoding));
}

std::optional<QJsonObject> decode(const QString &cursor, const QString &list, const QString &fingerprint)
{
    if (cursor.isEmpty() || cursor.size() > MaxCursorLength)
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(cursor.toLatin1(), Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(*decoded, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    QJsonObject position = doc.object();
    if (position.value(QStringLiteral("l")).toString() != list
        || position.value(QStringLiteral("f")).toString() != fingerprint)
        return std::nullopt;
    position.remove(QStringLiteral("l"));
    position.remove(QStringLiteral("f"));
    return position;
}

std::optional<qint64> integer(const QJsonObject &position, const QString &name)
{
    const QJsonValue value = position.value(name);
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    constexpr double MaxExact = 9007199254740992.0; // 2^53
    if (!(d >= 0 && d <= MaxExact) || d != std::floor(d))
        return std::nullopt;
    return qint64(d);
}

QString fingerprint(const QStringList &filterValues)
{
    QByteArray joined;
    for (const QString &v : filterValues)
        joined += QByteArray::number(v.size()) + ':' + v.toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(joined, QCryptographicHash::Sha256).toHex().left(12));
}

} // namespace datarecs::server::Cursor
