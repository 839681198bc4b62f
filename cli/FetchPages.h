#pragma once

#include "ApiCall.h"
#include "Context.h"
#include "Page.h"

#include <QCoreApplication>
#include <QSet>

#include <functional>

namespace datarecs::cli {

/// Follows a cursor-paged list until its last page or max items, then calls whenDone with them.
/// request(cursor) asks for one page ("" for the first).
template <typename T>
void fetchPages(Context &ctx, std::function<ApiCall<Page<T>> *(const QString &cursor)> request, qsizetype max,
                std::function<void(QList<T>)> whenDone, QString cursor = {}, QSet<QString> seen = {},
                QList<T> acc = {})
{
    request(cursor)->onFinished(&ctx, [&ctx, request, max, whenDone, seen,
                                       acc](const Result<Page<T>> &r) mutable {
        if (!r) return ctx.fail(r.error());
        acc += r.value().items;
        if (acc.size() >= max || !r.value().nextCursor) {
            if (acc.size() > max) acc.resize(max);
            return whenDone(acc);
        }
        // A server that hands back a cursor it gave before, or an empty page with a cursor, would keep
        // this loop going for ever.
        const QString next = *r.value().nextCursor;
        if (seen.contains(next) || r.value().items.isEmpty())
            return ctx.fail(Failure, QCoreApplication::translate(
                                         "FetchPages", "The server's list did not move on (a cursor it gave "
                                                       "before, or an empty page with a cursor): stopped "
                                                       "after %1 items.")
                                         .arg(acc.size()));
        seen.insert(next);
        fetchPages<T>(ctx, request, max, whenDone, next, seen, acc);
    });
}

} // namespace datarecs::cli
