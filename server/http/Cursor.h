#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace datarecs::server::Cursor {

/// Opaque page cursors: base64url of a small JSON object that names the list it belongs to and a
/// fingerprint of the filters it was made under, so a cursor replayed against another list or other
/// filters is refused instead of silently paging something else.
QString encode(const QString &list, const QString &fingerprint, QJsonObject position);

/// The position stored in the cursor, or nullopt if it is not a cursor of this list and filters.
std::optional<QJsonObject> decode(const QString &cursor, const QString &list, const QString &fingerprint);

/// A non-negative integer member of a decoded position, or nullopt when it is missing, not a number,
/// fractional or beyond what a double holds exactly (a forged cursor must not reach undefined casts).
std::optional<qint64> integer(const QJsonObject &position, const QString &name);

/// A short stable digest of the filter values.
QString fingerprint(const QStringList &filterValues);

} // namespace datarecs::server::Cursor
