#pragma once

#include "JsonReader.h"

namespace datarecs {

/// One page of a cursor-paged list: {"items":[...],"next_cursor":string|null}. The lists that are
/// not paged (roles, workspaces) use the same shape without a cursor.
template <typename T> struct Page
{
    QList<T> items;
    std::optional<QString> nextCursor; ///< absent on the last page

    static Result<Page> fromJson(const JsonValue &value, const QString &path)
    {
        JsonReader r(value, path);
        Page out;
        out.items = r.list<T>(QLatin1StringView("items"));
        out.nextCursor = r.nullableString(QLatin1StringView("next_cursor"));
        // An empty cursor would ask for the first page again: a client following it would loop.
        if (!r.failed() && out.nextCursor && out.nextCursor->isEmpty())
            r.fail(QLatin1StringView("next_cursor"), QStringLiteral("null or a non-empty cursor"));
        if (r.failed()) return r.error();
        return out;
    }
};

} // namespace datarecs
