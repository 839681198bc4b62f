// The audit log viewer end to end: AuditLogModel under QAbstractItemModelTester and the console's
// audit page, against a real datarecs-server with demo data (loopback, fresh data folder).

#include "ApiClient.h"
#include "ApiKeysPage.h"
#include "AuditEventDetails.h"
#include "AuditLogModel.h"
#include "AuditLogPage.h"
#include "Confirmation.h"
#include "ConsoleApp.h"
#include "ConsoleE2eSupport.h"
#include "ConsoleServer.h"
#include "MainWindow.h"
#include "Session.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QSignalSpy>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {
QList<qint64> modelIds(const AuditLogModel &model)
{
    QList<qint64> ids;
    for (int r = 0; r < model.rowCount(); ++r)
        ids.append(model.idAt(r));
    return ids;
}
} // namespace

class TestAuditE2e : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = startSuite(m_server, m_admin);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // A key of the test's own: each request made with it is one new audit event.
        const CreatedApiKey key = createKey(m_admin, u"audit e2e traffic"_s);
        QVERIFY(!key.secret.isEmpty());
        m_keyClient.setBaseUrl(m_server.url());
        m_keyClient.setCredential(key.secret);
        m_trafficKeyId = key.apiKey.id;
    }

    void cleanup()
    {
        Confirmation::setAnswerer(nullptr);
        m_console.reset();
    }

    void model_pagesToTheEnd_exactlyWhatTheApiHas()
    {
        AuditLogModel model;
        model.setClient(&m_admin);
        model.setPageSize(37);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tester.setUseFetchMore(true); // the tester asks for more after every change: it pages to the end
        QSignalSpy requestsDone(&model, &AuditLogModel::pageLoaded);
        model.setQuery({});
        QTRY_VERIFY_WITH_TIMEOUT(model.isAtEnd(), 60000);
        QVERIFY(!model.isLoading());
        const QList<qint64> expected = apiIds({});
        QVERIFY2(expected.size() > 37, "the demo data should span several pages");
        QCOMPARE(modelIds(model), expected);
        QCOMPARE(requestsDone.size(), int(expected.size() / 37) + 1);
        QVERIFY(!model.canFetchMore({}));

        // The full record of a row is the API's record.
        const AuditEvent first = model.event(0);
        AuditQuery newest;
        newest.limit = 1;
        const Result<Page<AuditEvent>> page = await(m_admin.listAuditEvents(newest));
        QVERIFY(page.ok());
        QCOMPARE(first.toJson(), page.value().items.first().toJson());
    }

    void model_filterChange_resets_andShowsOnlyMatches()
    {
        AuditLogModel model;
        model.setClient(&m_admin);
        model.setPageSize(25);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tester.setUseFetchMore(true);
        model.setQuery({});
        QTRY_VERIFY(model.rowCount() > 0);

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        AuditQuery refused;
        refused.outcome = u"refused"_s;
        model.setQuery(refused);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 0); // nothing of the old filter stays
        QTRY_VERIFY_WITH_TIMEOUT(model.isAtEnd(), 30000);
        QCOMPARE(modelIds(model), apiIds(refused));
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.index(r, AuditLogModel::Outcome).data(AuditLogModel::OutcomeRole).toString(), u"refused"_s);

        AuditQuery byKey;
        byKey.apiKeyId = m_trafficKeyId;
        byKey.action = u"api_key.create"_s;
        model.setQuery(byKey);
        QCOMPARE(resets.size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(model.isAtEnd(), 30000);
        QCOMPARE(model.rowCount(), 1); // the key was created once
        QCOMPARE(model.event(0).target->id, m_trafficKeyId);
    }

    void model_follow_insertsAtTheTop_withoutDuplicatesOrGaps()
    {
        AuditLogModel model;
        model.setClient(&m_admin);
        model.setPageSize(100);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tester.setUseFetchMore(true);
        model.setQuery({});
        QTRY_VERIFY_WITH_TIMEOUT(model.isAtEnd(), 60000);
        const qint64 before = model.highestId();

        QList<int> insertedAt;
        connect(&model, &QAbstractItemModel::rowsInserted, this,
                [&insertedAt](const QModelIndex &, int first, int) { insertedAt.append(first); });
        model.setPollInterval(40);
        model.setFollowing(true);
        // Traffic while polling runs: small bursts, then one bigger than a page of the poll (500).
        for (int burst : {1, 3, 7, 620}) {
            makeRequests(burst);
            QTest::qWait(60);
        }
        const qint64 newest = apiIds({}).first();
        QTRY_COMPARE_WITH_TIMEOUT(model.highestId(), newest, 30000);
        QVERIFY(newest >= before + 631);
        QVERIFY(!insertedAt.isEmpty());
        for (int at : std::as_const(insertedAt))
            QCOMPARE(at, 0); // new events only ever at the top
        // No duplicates (ids strictly descending) and no gaps (exactly the server's list).
        const QList<qint64> ids = modelIds(model);
        for (qsizetype i = 1; i < ids.size(); ++i)
            QVERIFY2(ids.at(i - 1) > ids.at(i), qPrintable(u"row %1"_s.arg(i)));
        QCOMPARE(ids, apiIds({}));

        // Paused (the user scrolled away from the top): nothing moves; resumed: it catches up.
        model.setFollowPaused(true);
        QTest::qWait(100); // a poll in flight ends
        const int rows = model.rowCount();
        makeRequests(2);
        QTest::qWait(300);
        QCOMPARE(model.rowCount(), rows);
        model.setFollowPaused(false);
        QTRY_COMPARE(model.rowCount(), rows + 2);
        QCOMPARE(modelIds(model), apiIds({}));
        model.setFollowing(false);
    }

    void viewer_disableKeyOnTheKeysPage_thenFindThatEvent()
    {
        const CreatedApiKey created = createKey(m_admin, u"audit e2e disable me"_s);
        signInAs(m_console, m_server, kOwner);
        QVERIFY(keysPage()->selectKey(created.apiKey.id));
        Confirmation::setAnswerer([](const Confirmation::Question &) { return true; });
        window()->findChild<QAction *>(u"actionDisable"_s)->trigger();
        QTRY_COMPARE(keysPage()->selectedKey()->status, u"disabled"_s);

        // "View activity" on the key: the viewer, filtered to that key.
        window()->findChild<QAction *>(u"actionViewActivity"_s)->trigger();
        QCOMPARE(window()->currentPage(), MainWindow::Page::AuditLog);
        AuditLogPage *audit = window()->auditPage();
        QCOMPARE(audit->filter().apiKeyId, created.apiKey.id);
        auto *chip = audit->findChild<QToolButton *>(u"chipApiKey"_s);
        QTRY_VERIFY(chip->isVisible());
        QTRY_VERIFY2(chip->text().contains(u"audit e2e disable me"_s), qPrintable(chip->text())); // name, not id
        QTRY_VERIFY_WITH_TIMEOUT(audit->hasLoaded() && audit->model()->isAtEnd(), 20000);
        int row = -1;
        for (int r = 0; r < audit->model()->rowCount(); ++r) {
            const AuditEvent e = audit->model()->event(r);
            if (e.action == u"api_key.disable" && e.target && e.target->id == created.apiKey.id)
                row = r;
        }
        QVERIFY2(row >= 0, "the disable is in the viewer");
        QCOMPARE(row, 0); // the newest event about the key
        const AuditEvent e = audit->model()->event(row);
        QCOMPARE(e.outcome, u"success"_s);
        QCOMPARE(e.actor.type, u"user"_s);
        auto *table = audit->findChild<QTableView *>(u"auditTable"_s);
        table->setFocus();
        table->selectRow(row);
        QCOMPARE(audit->findChild<QLabel *>(u"eventActionValue"_s)->text(), u"api_key.disable"_s);
        QCOMPARE(audit->findChild<QPlainTextEdit *>(u"eventHashValue"_s)->toPlainText(), e.hash);
        QCOMPARE(audit->findChild<QLabel *>(u"eventRequestIdValue"_s)->text(), e.requestId.value_or(QString()));
        QVERIFY(audit->message().isEmpty());
    }

    void viewer_exportAFilteredRange_fileRowsAreTheApisAnswer()
    {
        makeRequests(5);
        signInAs(m_console, m_server, kOwner);
        window()->showPage(MainWindow::Page::AuditLog);
        AuditLogPage *audit = window()->auditPage();
        AuditFilter f;
        f.range = AuditFilter::Range::Custom;
        f.from = QDateTime::currentDateTimeUtc().addDays(-30);
        f.to = QDateTime::currentDateTimeUtc().addSecs(60);
        f.action = u"api_key.request"_s;
        audit->setFilter(f);
        QTRY_VERIFY_WITH_TIMEOUT(audit->hasLoaded(), 20000);
        const QList<qint64> expected = apiIds(f.toQuery(QDateTime::currentDateTimeUtc()));
        QVERIFY(expected.size() >= 5);

        QTemporaryDir dir;
        for (ExportFormat format : {ExportFormat::Csv, ExportFormat::Ndjson}) {
            const bool csv = format == ExportFormat::Csv;
            const QString path = dir.filePath(csv ? u"events.csv"_s : u"events.ndjson"_s);
            audit->exportTo(path, format);
            QTRY_VERIFY_WITH_TIMEOUT(!audit->isExporting() && audit->exportResult().startsWith(u"Exported"_s), 30000);
            QVERIFY2(audit->exportResult().contains(u"Exported %1 rows"_s.arg(QLocale().toString(expected.size()))),
                     qPrintable(audit->exportResult()));
            QVERIFY(audit->exportResult().contains(path));
            QCOMPARE(fileIds(path, csv), expected);
        }

        // Cancelled: no file, not even a part of one.
        const QString cancelled = dir.filePath(u"cancelled.csv"_s);
        audit->exportTo(cancelled, ExportFormat::Csv);
        audit->cancelExport();
        QTRY_VERIFY(!audit->isExporting());
        QVERIFY2(audit->exportResult().contains(u"cancelled"_s), qPrintable(audit->exportResult()));
        QVERIFY(!QFile::exists(cancelled));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 2);
    }

    void viewer_verifyIntegrity_saysTheChainIsIntact()
    {
        signInAs(m_console, m_server, kOwner);
        window()->showPage(MainWindow::Page::AuditLog);
        AuditLogPage *audit = window()->auditPage();
        audit->verifyIntegrity();
        QTRY_VERIFY_WITH_TIMEOUT(audit->verifyResult().startsWith(u"Integrity verified"_s), 30000);
    }

    void member_withoutReadAudit_seesWhy()
    {
        signInAs(m_console, m_server, kMember);
        window()->showPage(MainWindow::Page::AuditLog);
        AuditLogPage *audit = window()->auditPage();
        QTRY_VERIFY(audit->message().contains(u"read_audit"_s));
        QCOMPARE(audit->model()->rowCount(), 0);
    }

private:
    QList<qint64> apiIds(AuditQuery query)
    {
        QList<qint64> ids;
        query.limit = 500;
        QString cursor;
        do {
            const Result<Page<AuditEvent>> page = await(m_admin.listAuditEvents(query, cursor));
            if (!page.ok()) {
                qWarning() << "list failed:" << page.error().userMessage();
                return {};
            }
            for (const AuditEvent &e : page.value().items)
                ids.append(e.id);
            cursor = page.value().nextCursor.value_or(QString());
        } while (!cursor.isEmpty());
        return ids;
    }

    static QList<qint64> fileIds(const QString &path, bool csv)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        QList<qint64> ids;
        const QList<QByteArray> lines = file.readAll().split('\n');
        for (qsizetype i = csv ? 1 : 0; i < lines.size(); ++i) {
            if (lines.at(i).trimmed().isEmpty())
                continue;
            if (csv)
                ids.append(lines.at(i).left(lines.at(i).indexOf(',')).toLongLong());
            else
                ids.append(QJsonDocument::fromJson(lines.at(i)).object().value(u"id"_s).toInteger());
        }
        return ids;
    }

    void makeRequests(int n)
    {
        int done = 0;
        for (int i = 0; i < n; ++i) {
            m_keyClient.me()->onFinished(this, [&done](const Result<Identity> &) { ++done; });
            if (i % 8 == 7) // a few at a time, like real clients
                QTRY_COMPARE_WITH_TIMEOUT(done, i + 1, 20000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(done, n, 20000);
    }

    MainWindow *window() const { return m_console->mainWindow(); }
    ApiKeysPage *keysPage() const { return m_console->mainWindow()->keysPage(); }

    ConsoleServer m_server;
    ApiClient m_admin;
    ApiClient m_keyClient;
    QString m_trafficKeyId;
    std::unique_ptr<ConsoleApp> m_console;
};

QTEST_MAIN(TestAuditE2e)
#include "tst_audit_e2e.moc"
