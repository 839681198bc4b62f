// The audit log viewer against a real datarecs-server with a large audit history (figures printed,
// never asserted): time to the first page on screen, time and resident memory after scrolling through
// EVENTS events (fetchMore until loaded), and an export of the whole log to CSV.
//   bench-console-audit URL CREDENTIALS_JSON [EVENTS] [PAGE_SIZE]
// With EVENTS negative, it instead holds -EVENTS events as plain AuditEvent values (what the model
// would cost without its compact rows) and prints their resident memory per event, for comparison.
#include "ApiClient.h"
#include "AuditExportToFile.h"
#include "AuditLogModel.h"
#include "AuditLogPage.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>

#include <cstdio>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

qint64 residentBytes()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return -1;
}

template <typename Pred> bool waitFor(Pred done, int timeoutMs = 120000)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench-console-audit URL CREDENTIALS_JSON [EVENTS] [PAGE_SIZE]\n");
        return 2;
    }
    const QUrl url(QString::fromLocal8Bit(argv[1]));
    QFile credentials(QString::fromLocal8Bit(argv[2]));
    if (!credentials.open(QIODevice::ReadOnly))
        return 2;
    const qint64 scrollTarget = argc > 3 ? QByteArray(argv[3]).toLongLong() : 200000;
    const int pageSize = argc > 4 ? QByteArray(argv[4]).toInt() : AuditLogModel().pageSize();
    const QJsonObject owner = QJsonDocument::fromJson(credentials.readAll())
                                  .object()
                                  .value(u"tenants"_s)
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(u"users"_s)
                                  .toArray()
                                  .first()
                                  .toObject();

    ApiClient client;
    client.setBaseUrl(url);
    std::optional<Result<LoginResult>> login;
    client.login(owner.value(u"email"_s).toString(), owner.value(u"password"_s).toString())
        ->onFinished(&app, [&login](const Result<LoginResult> &r) { login = r; });
    waitFor([&] { return login.has_value(); });
    if (!login->ok()) {
        std::fprintf(stderr, "sign-in failed: %s\n", qPrintable(login->error().userMessage()));
        return 1;
    }
    client.setCredential(login->value().token);

    if (scrollTarget < 0) {
        const qint64 rssBefore = residentBytes();
        QList<AuditEvent> events;
        QString cursor;
        AuditQuery q;
        q.limit = 500;
        while (events.size() < -scrollTarget) {
            std::optional<Result<Page<AuditEvent>>> page;
            client.listAuditEvents(q, cursor)->onFinished(&app, [&page](const Result<Page<AuditEvent>> &r) { page = r; });
            waitFor([&] { return page.has_value(); });
            if (!page->ok())
                return 1;
            events += page->value().items;
            if (!page->value().nextCursor)
                break;
            cursor = *page->value().nextCursor;
        }
        const qint64 rssAfter = residentBytes();
        std::printf("for comparison, %lld events as AuditEvent values: %.0f bytes per event\n",
                    qlonglong(events.size()), double(rssAfter - rssBefore) / double(events.size()));
        return 0;
    }

    // The same pieces as the console's audit page: model, local-find proxy, table view.
    AuditLogModel model;
    model.setClient(&client);
    model.setPageSize(pageSize);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QTableView view;
    view.setModel(&proxy);
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.resize(1200, 700);
    view.show();
    QCoreApplication::processEvents();

    // A warm-up request: connection set up, as in a console that has just signed in.
    model.setQuery({});
    waitFor([&] { return model.hasLoaded(); });

    QElapsedTimer timer;
    timer.start();
    model.setQuery({});
    waitFor([&] { return model.hasLoaded(); });
    view.viewport()->repaint(); // on screen: painted, not only in the model
    const double firstPageMs = double(timer.nsecsElapsed()) / 1e6;
    std::printf("first page shown (%d events): %.1f ms (goal < 150 ms)\n", model.rowCount(), firstPageMs);
    std::fflush(stdout);

    const qint64 rssBefore = residentBytes();
    const int loadedBefore = model.rowCount();
    timer.restart();
    while (model.rowCount() < scrollTarget && !model.isAtEnd()) {
        model.fetchMore({});
        if (!waitFor([&] { return !model.isLoading(); }) || model.lastError()) {
            std::fprintf(stderr, "paging failed at %d rows\n", model.rowCount());
            return 1;
        }
    }
    view.scrollToBottom();
    view.viewport()->repaint();
    const double scrollS = double(timer.nsecsElapsed()) / 1e9;
    const qint64 rssAfter = residentBytes();
    const qint64 loaded = model.rowCount() - loadedBefore;
    std::printf("scrolled through %d events (%d per page): %.1f s, %.0f events/s\n", model.rowCount(), pageSize,
                scrollS, double(loaded) / scrollS);
    std::printf("resident memory: %.1f MB before, %.1f MB after: %.0f bytes per loaded event (goal < 250)\n",
                double(rssBefore) / 1e6, double(rssAfter) / 1e6, double(rssAfter - rssBefore) / double(loaded));
    std::fflush(stdout);

    QTemporaryDir dir;
    const QString path = dir.filePath(u"audit.csv"_s);
    AuditExportToFile exporter(&client, path);
    bool finished = false;
    QObject::connect(&exporter, &AuditExportToFile::finished, &app, [&finished] { finished = true; });
    timer.restart();
    exporter.start({}, ExportFormat::Csv);
    waitFor([&] { return finished; }, 3600000);
    const double exportS = double(timer.nsecsElapsed()) / 1e9;
    if (exporter.error()) {
        std::fprintf(stderr, "export failed: %s\n", qPrintable(exporter.error()->userMessage()));
        return 1;
    }
    const qint64 rows = AuditLogPage::countExportRows(path, ExportFormat::Csv);
    std::printf("export to CSV: %lld rows, %.1f MB in %.1f s: %.0f rows/s (goal >= 100,000)\n", rows,
                double(QFileInfo(path).size()) / 1e6, exportS, double(rows) / exportS);
    return 0;
}
