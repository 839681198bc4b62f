#pragma once

#include "ApiResponse.h"

#include <QStringList>
#include <QUrlQuery>

#include <optional>

namespace datarecs::server {

/// Reads query parameters strictly: an unknown, repeated or malformed parameter is an error the client
/// hears about (invalid-parameter), never a silently ignored filter.
class QueryInput
{
public:
    QueryInput(const QUrlQuery &query, const QStringList &known);

    QString text(const QString &name, int maxLength = 200);
    /// An id filter, empty when absent. When given, it must have the form docs/openapi.yaml documents:
    /// one of \a prefixes, "_" and 16 ASCII letters or digits. An id that cannot exist is a mistake the
    /// client hears about, not a filter that quietly matches nothing.
    QString id(const QString &name, const QStringList &prefixes);
    /// The cursor parameter, whatever its length (one that cannot be decoded is the route's
    /// invalid-cursor); empty when absent, and a problem when given empty.
    QString cursor();
    QString oneOf(const QString &name, const QStringList &allowed, const QString &fallback);
    int integer(const QString &name, int min, int max, int fallback);
    std::optional<qint64> int64(const QString &name, qint64 min);
    std::optional<qint64> timestamp(const QString &name);

    /// The first problem found, if any.
    const std::optional<ApiResponse> &problem() const { return m_problem; }

private:
    std::optional<QString> raw(const QString &name);
    void fail(const QString &name, const QString &message);

    QUrlQuery m_query;
    std::optional<ApiResponse> m_problem;
};

} // namespace datarecs::server
