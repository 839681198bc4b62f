// Appends a large synthetic audit history to the first tenant of a demo data directory, so the audit
// query benchmark has millions of rows to page through. Half of the events are requests made with one
// key (printed), spread evenly over 120 days from now on (a chain's times never go backwards, and the demo
// history already reaches the present), in chain order, through the real storage code.
//   bench-audit-seed --data-dir DIR --events N [--database postgresql://...]
#include "audit/AuditChain.h"
#include "crypto/ServerKeyring.h"
#include "storage/PostgresStorage.h"
#include "storage/SqliteStorage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>

#include <cstdio>

using namespace datarecs::server;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Demo data directory."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption events(QStringLiteral("events"), QStringLiteral("Events to append."), QStringLiteral("N"),
                                    QStringLiteral("1000000"));
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("PostgreSQL URL."),
                                      QStringLiteral("URL"));
    parser.addOptions({dataDir, events, database});
    parser.process(app);

    std::unique_ptr<SqlStorage> storage;
    if (parser.isSet(database)) {
        QString error;
        const auto location = PostgresStorage::parseUrl(parser.value(database), &error);
        if (!location) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
        storage = std::make_unique<PostgresStorage>(*location);
    } else {
        storage = std::make_unique<SqliteStorage>(parser.value(dataDir));
    }
    if (!storage->open()) {
        std::fprintf(stderr, "cannot open storage: %s\n", qPrintable(storage->lastError()));
        return 1;
    }
    const QList<TenantRecord> tenants = storage->tenants();
    if (tenants.isEmpty()) {
        std::fprintf(stderr, "no tenant: run datarecs-server serve --demo on the directory first\n");
        return 1;
    }
    const TenantRecord tenant = tenants.first();
    ApiKeyQuery keyQuery;
    keyQuery.tenantId = tenant.id;
    keyQuery.limit = 2;
    const QList<ApiKeyRecord> keys = storage->apiKeys(keyQuery);
    if (keys.size() < 2) {
        std::fprintf(stderr, "the tenant needs two keys\n");
        return 1;
    }

    const qint64 total = parser.value(events).toLongLong();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 span = 120LL * 24 * 3600 * 1000;
    const qint64 start = now;
    QElapsedTimer timer;
    timer.start();
    constexpr int Batch = 20000;
    for (qint64 i = 0; i < total; ++i) {
        if (i % Batch == 0 && !storage->begin())
            return 1;
        const ApiKeyRecord &key = keys.at(i % 2);
        AuditRecord e;
        e.tenantId = tenant.id;
        e.occurredAt = start + span * i / total;
        e.actorType = QStringLiteral("api_key");
        e.actorId = key.id;
        e.actorName = key.name;
        e.action = QStringLiteral("api_key.request");
        e.workspaceId = key.workspaceId;
        e.outcome = i % 50 == 0 ? QStringLiteral("refused") : QStringLiteral("success");
        e.httpStatus = i % 50 == 0 ? 403 : 200;
        e.method = QStringLiteral("GET");
        e.path = QStringLiteral("/v1/me");
        e.sourceIp = QStringLiteral("198.51.100.%1").arg(i % 250 + 1);
        e.userAgent = QStringLiteral("terraform/1.9.5");
        e.requestId = QStringLiteral("req_bench%1").arg(i);
        if (!storage->appendAudit(e, &AuditChain::hashOf)) {
            std::fprintf(stderr, "append failed: %s\n", qPrintable(storage->lastError()));
            return 1;
        }
        if ((i + 1) % Batch == 0 || i + 1 == total) {
            if (!storage->commit())
                return 1;
        }
    }
    std::printf("appended %lld events in %.1f s; key %s has half of them\n", total, double(timer.elapsed()) / 1000,
                qPrintable(keys.first().id));
    return 0;
}
