#pragma once

#include "JsonValue.h"

#include "Result.h"

#include <QJsonObject>
#include <QStringList>

namespace datarecs {

/// A role a user or key can hold; rank orders them (a key's role may not exceed its creator's).
struct Role
{
    QString name;
    QString title;
    QString description;
    QString scope; ///< "platform" or "workspace"
    qint64 rank = 0;
    QStringList permissions;

    static Result<Role> fromJson(const JsonValue &value, const QString &path = QStringLiteral("Role"));
    QJsonObject toJson() const;
};

} // namespace datarecs
