#pragma once

#include "JsonValue.h"

#include "Result.h"

#include <QJsonObject>

namespace datarecs {

struct Workspace
{
    QString id;
    QString name;
    QString description;

    static Result<Workspace> fromJson(const JsonValue &value,
                                      const QString &path = QStringLiteral("Workspace"));
    QJsonObject toJson() const;
};

} // namespace datarecs
