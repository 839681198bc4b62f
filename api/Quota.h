#pragma once

#include "JsonValue.h"

#include "Result.h"

#include <QJsonObject>

namespace datarecs {

/// The tenant's API key quota.
struct Quota
{
    qint64 limit = 0;
    qint64 used = 0;
    qint64 remaining = 0;

    static Result<Quota> fromJson(const JsonValue &value, const QString &path = QStringLiteral("Quota"));
    QJsonObject toJson() const;
};

} // namespace datarecs
