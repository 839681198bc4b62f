// bench-console-keys [KEYS]: how fast the keys page's model and proxy are with many keys.
// Prints figures; never fails on speed.

#include "ApiKeyFilterProxyModel.h"
#include "ApiKeyTableModel.h"
#include "Page.h"
#include "core/JsonWriter.h"
#include "core/WireFormat.h"
#include "storage/Storage.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

/// A key list as the server sends it, written by the server's own writer (so the fields come in the
/// server's order): names from a small vocabulary, mixed roles, workspaces, usage and expiry, newest
/// first.
QByteArray makeListJson(int count)
{
    const QStringList words{u"deploy"_s, u"billing"_s, u"export"_s, u"nightly"_s, u"terraform"_s, u"grafana"_s,
                            u"backup"_s, u"partner"_s, u"analytics"_s, u"staging"_s, u"sync"_s, u"reporting"_s};
    const QStringList roles{u"workspace_viewer"_s, u"workspace_editor"_s, u"workspace_admin"_s, u"admin"_s};
    QRandomGenerator rng(42);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    server::JsonWriter out;
    out.startObject();
    out.key("items");
    out.startArray();
    for (int i = 0; i < count; ++i) {
        server::ApiKeyRecord k;
        k.id = u"key_%1"_s.arg(i, 16, 10, QLatin1Char('0'));
        k.name = words.at(rng.bounded(words.size())) + u' ' + words.at(rng.bounded(words.size())) + u" %1"_s.arg(i);
        k.description = u"Used by the %1 job"_s.arg(words.at(rng.bounded(words.size())));
        k.role = roles.at(rng.bounded(roles.size()));
        if (rng.bounded(3)) {
            k.workspaceId = u"ws_%1"_s.arg(i % 5);
            k.workspaceName = u"Workspace %1"_s.arg(i % 5);
        }
        k.enabled = i % 7 != 0;
        k.hint = u"drk_…abcd"_s;
        k.createdByType = u"user"_s;
        k.createdById = u"usr_%1"_s.arg(i % 9);
        k.createdByName = u"user%1@acme.test"_s.arg(i % 9);
        k.createdAt = k.updatedAt = now - qint64(i) * 600 * 1000;
        if (i % 4) {
            k.lastUsedAt = now - qint64(rng.bounded(200 * 86400)) * 1000;
            k.lastUsedIp = u"203.0.113.%1"_s.arg(i % 250);
        }
        if (i % 10 == 0)
            k.expiresAt = now + qint64(i % 60) * 86400 * 1000;
        server::WireFormat::writeApiKey(out, k, now);
    }
    out.endArray();
    out.key("next_cursor");
    out.null();
    out.endObject();
    return out.bytes();
}

double ms(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

struct Stats
{
    double median = 0, worst = 0;
};

Stats stats(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return {v.isEmpty() ? 0 : v.at(v.size() / 2), v.isEmpty() ? 0 : v.last()};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int count = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 10000;
    const QByteArray body = makeListJson(count);
    std::printf("console-keys: %d keys, %.1f MiB of JSON\n", count, double(body.size()) / (1024.0 * 1024.0));

    ApiKeyTableModel model;
    ApiKeyFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(ApiKeyTableModel::Created, Qt::DescendingOrder); // as the page starts

    // Load: JSON text → strict ApiKey parsing → model (and the sorted proxy over it).
    QElapsedTimer t;
    t.start();
    const Result<JsonDocument> doc = JsonDocument::parseObject(body, u"bench"_s);
    const double jsonMs = ms(t);
    if (!doc.ok()) {
        std::fprintf(stderr, "not JSON: %s\n", qPrintable(doc.error().detail()));
        return 1;
    }
    const Result<Page<ApiKey>> page = Page<ApiKey>::fromJson(doc.value().root(), u"bench"_s);
    const double parseMs = ms(t) - jsonMs;
    if (!page.ok()) {
        std::fprintf(stderr, "parse failed: %s\n", qPrintable(page.error().detail()));
        return 1;
    }
    model.setKeys(page.value().items);
    const double totalMs = ms(t);
    std::printf("  load: %.1f ms (JSON %.1f, ApiKey parsing %.1f, model + sorted proxy %.1f)   goal < 100 ms\n",
                totalMs, jsonMs, parseMs, totalMs - jsonMs - parseMs);

    // Refresh: the same list with a few changes, merged.
    QList<ApiKey> next = page.value().items;
    for (int i = 0; i < next.size(); i += 500)
        next[i].name += u" (renamed)"_s;
    next.removeAt(next.size() / 2);
    t.restart();
    model.mergeKeys(next);
    std::printf("  refresh merge (20 changed, 1 removed): %.1f ms\n", ms(t));

    // Typing into the search field, one keystroke at a time, then deleting it again.
    const QString typed = u"terraform nightly 12"_s;
    QList<double> keystrokes;
    for (int i = 1; i <= typed.size(); ++i) {
        t.restart();
        proxy.setSearchText(typed.left(i));
        keystrokes << ms(t);
    }
    for (int i = typed.size() - 1; i >= 0; --i) {
        t.restart();
        proxy.setSearchText(typed.left(i));
        keystrokes << ms(t);
    }
    const Stats k = stats(keystrokes);
    std::printf("  search keystroke (%lld typed and erased): median %.2f ms, worst %.2f ms   goal < 10 ms\n",
                qint64(keystrokes.size()), k.median, k.worst);

    // Status filters, each switched to from All.
    QList<double> filters;
    for (int f = 1; f <= int(ApiKeyFilterProxyModel::StatusFilter::ExpiringSoon); ++f) {
        t.restart();
        proxy.setStatusFilter(static_cast<ApiKeyFilterProxyModel::StatusFilter>(f));
        filters << ms(t);
        proxy.setStatusFilter(ApiKeyFilterProxyModel::StatusFilter::All);
    }
    const Stats f = stats(filters);
    std::printf("  status filter switch: median %.2f ms, worst %.2f ms\n", f.median, f.worst);

    // Sorting by the columns users click most.
    QList<double> sorts;
    for (int column : {int(ApiKeyTableModel::Name), int(ApiKeyTableModel::LastUsed), int(ApiKeyTableModel::Created)}) {
        t.restart();
        proxy.sort(column, Qt::AscendingOrder);
        sorts << ms(t);
    }
    const Stats s = stats(sorts);
    std::printf("  sort by a column: median %.1f ms, worst %.1f ms\n", s.median, s.worst);
    return 0;
}
