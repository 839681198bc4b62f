// The audit log viewer's widgets under the offscreen platform: the filter bar (chips, presets, the
// URL-style state), the event details pane, and the page's in-place errors, against a FakeServer.

#include "ApiKeyDetailsPane.h"
#include "AuditEventDetails.h"
#include "AuditFilterBar.h"
#include "AuditLogModel.h"
#include "AuditLogPage.h"
#include "ConsoleSettings.h"
#include "ConsoleTestSupport.h"
#include "FakeServer.h"
#include "KeyRecentActivity.h"
#include "ProfileStore.h"
#include "Session.h"
#include "WrappedText.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QKeySequence>
#include <QTableView>
#include <QTest>
#include <QToolButton>
#include <QTextDocument>
#include <QUrlQuery>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

const qint64 kMarkupAgentEvent = 13;
const QString kMarkupAgent = u"<b>curl</b> & <i>R&D</i> <a href=\"https://evil.example\">x</a>"_s;

AuditEvent makeEvent(qint64 id)
{
    AuditEvent e;
    e.id = id;
    e.occurredAt = QDateTime(QDate(2026, 11, 20), QTime(10, 0), Qt::UTC).addSecs(id);
    e.actor = {u"api_key"_s, u"key_aaaaaaaaaaaaaaaa"_s, u"billing export"_s};
    e.action = u"api_key.request"_s;
    e.target = AuditTarget{u"api_key"_s, u"key_aaaaaaaaaaaaaaaa"_s, u"billing export"_s};
    e.workspaceId = u"wsp_0000000000000001"_s;
    e.outcome = id % 3 == 0 ? u"refused"_s : u"success"_s;
    e.httpStatus = id % 3 == 0 ? 403 : 200;
    e.method = u"GET"_s;
    e.path = u"/v1/me"_s;
    e.sourceIp = u"198.51.100.7"_s;
    // Anyone who calls the API chooses their User-Agent, markup included.
    e.userAgent = id == kMarkupAgentEvent ? kMarkupAgent : u"curl/8.0"_s;
    e.requestId = u"req_%1"_s.arg(id, 22, 10, QChar(u'0'));
    e.detail = std::nullopt;
    e.prevHash = QString(64, QChar(u'a'));
    e.hash = QString(64, QChar(u'b'));
    return e;
}

} // namespace

class TestAuditWidgets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { clearConsoleSettings(); }

    void filter_queryString_roundTrips()
    {
        AuditFilter f;
        f.range = AuditFilter::Range::Custom;
        f.from = QDateTime(QDate(2026, 11, 1), QTime(8, 0), Qt::UTC);
        f.to = QDateTime(QDate(2026, 11, 2), QTime(8, 0), Qt::UTC);
        f.apiKeyId = u"key_aaaaaaaaaaaaaaaa"_s;
        f.actorId = u"usr_owner&1"_s; // a separator inside a value survives
        f.action = u"api_key.disable"_s;
        f.outcome = u"refused"_s;
        const QString text = f.toQueryString();
        QVERIFY(text.contains(u"outcome=refused"_s));
        QCOMPARE(AuditFilter::fromQueryString(text), f);
        QCOMPARE(AuditFilter::fromQueryString(QString()), AuditFilter());
        QCOMPARE(AuditFilter::fromQueryString(u"outcome=bogus&range=nope"_s), AuditFilter());

        AuditFilter day;
        day.range = AuditFilter::Range::Last24Hours;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const AuditQuery q = day.toQuery(now);
        QCOMPARE(*q.since, now.addDays(-1));
        QVERIFY(!q.until);
    }

    void filterBar_outcomeByKeyboard_showsAChip_thatRemovesIt()
    {
        AuditFilterBar bar;
        bar.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bar));
        QSignalSpy changed(&bar, &AuditFilterBar::filterChanged);
        auto *outcome = bar.findChild<QComboBox *>(u"outcomeCombo"_s);
        outcome->setFocus();
        QTest::keyClick(outcome, Qt::Key_Down); // Any → Success
        QTest::keyClick(outcome, Qt::Key_Down); // → Refused
        QCOMPARE(changed.size(), 2);
        QCOMPARE(bar.filter().outcome, u"refused"_s);
        auto *chip = bar.findChild<QToolButton *>(u"chipOutcome"_s);
        QVERIFY(chip);
        QTRY_VERIFY(chip->isVisible());
        QVERIFY(chip->text().contains(u"Refused"_s));
        QVERIFY(chip->accessibleName().contains(u"Remove filter"_s));

        // A second filter: one chip each, removable one by one (by keyboard: Space on the chip).
        auto *actor = bar.findChild<QLineEdit *>(u"actorEdit"_s);
        actor->setFocus();
        QTest::keyClicks(actor, u"usr_owner00000000001"_s);
        QTest::keyClick(actor, Qt::Key_Return);
        QCOMPARE(bar.filter().actorId, u"usr_owner00000000001"_s);
        QVERIFY(bar.findChild<QToolButton *>(u"chipActor"_s)->isVisible());
        chip = bar.findChild<QToolButton *>(u"chipOutcome"_s);
        changed.clear();
        chip->setFocus();
        QTest::keyClick(chip, Qt::Key_Space);
        QCOMPARE(changed.size(), 1);
        const auto after = changed.at(0).at(0).value<AuditFilter>();
        QVERIFY(after.outcome.isEmpty());
        QCOMPARE(after.actorId, u"usr_owner00000000001"_s);
        QCOMPARE(outcome->currentIndex(), 0);
        QVERIFY(!bar.findChild<QToolButton *>(u"chipOutcome"_s)->isVisible());
        QVERIFY(bar.findChild<QToolButton *>(u"chipActor"_s)->isVisible());
        QVERIFY(!chip->hasFocus());

        // "Clear all" empties every filter.
        changed.clear();
        bar.findChild<QToolButton *>(u"clearFiltersButton"_s)->click();
        QCOMPARE(changed.size(), 1);
        QVERIFY(bar.filter().isEmpty());
        QVERIFY(!bar.findChild<QToolButton *>(u"chipActor"_s)->isVisible());
    }

    void filterBar_customRange_showsFromAndTo()
    {
        AuditFilterBar bar;
        bar.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bar));
        auto *from = bar.findChild<QDateTimeEdit *>(u"fromEdit"_s);
        QVERIFY(!from->isVisible());
        auto *range = bar.findChild<QComboBox *>(u"rangeCombo"_s);
        range->setCurrentIndex(range->findData(int(AuditFilter::Range::Last7Days)));
        QCOMPARE(bar.filter().range, AuditFilter::Range::Last7Days);
        QVERIFY(bar.findChild<QToolButton *>(u"chipRange"_s)->text().contains(u"Last 7 days"_s));
        range->setCurrentIndex(range->findData(int(AuditFilter::Range::Custom)));
        QVERIFY(from->isVisible());
        const AuditFilter f = bar.filter();
        QCOMPARE(f.range, AuditFilter::Range::Custom);
        // Custom starts from what the preset meant: the last 7 days up to now.
        QVERIFY(qAbs(f.from.secsTo(QDateTime::currentDateTimeUtc()) - 7 * 86400) < 120);
        QVERIFY(f.to.isValid());
    }

    void filterBar_keyPicker_showsNames_andSelectsById()
    {
        AuditFilterBar bar;
        bar.setApiKeys({{u"key_aaaaaaaaaaaaaaaa"_s, u"billing export"_s}, {u"key_bbbbbbbbbbbbbbbb"_s, u"R&D ci"_s}});
        QSignalSpy changed(&bar, &AuditFilterBar::filterChanged);
        auto *combo = bar.findChild<QComboBox *>(u"apiKeyCombo"_s);
        const int ci = combo->findData(u"key_bbbbbbbbbbbbbbbb"_s);
        QVERIFY(ci > 0);
        QVERIFY(combo->itemText(ci).contains(u"ci"_s));
        combo->setCurrentIndex(ci);
        Q_EMIT combo->activated(ci);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(bar.filter().apiKeyId, u"key_bbbbbbbbbbbbbbbb"_s);
        // The chip reads "Key: R&D ci" and has no keyboard shortcut made up from the name's "&".
        auto *chip = bar.findChild<QToolButton *>(u"chipApiKey"_s);
        QVERIFY2(QString(chip->text()).replace(u"&&"_s, u"&"_s).startsWith(u"Key: R&D ci"_s), qPrintable(chip->text()));
        QVERIFY(QKeySequence::mnemonic(chip->text()).isEmpty());
        QVERIFY(chip->accessibleName().contains(u"R&D ci"_s));
    }

    void filterBar_keyNamesArriving_keepWhatTheUserIsTyping()
    {
        AuditFilterBar bar;
        bar.show();
        auto *actor = bar.findChild<QLineEdit *>(u"actorEdit"_s);
        auto *action = bar.findChild<QLineEdit *>(u"actionEdit"_s);
        auto *key = bar.findChild<QLineEdit *>(u"apiKeyEdit"_s);
        QTest::keyClicks(actor, u"usr_ow"_s);
        QTest::keyClicks(action, u"api_key.dis"_s);
        QTest::keyClicks(key, u"bill"_s);
        // The names come in while the user types: the picker gets them, the typing stays.
        bar.setApiKeys({{u"key_aaaaaaaaaaaaaaaa"_s, u"billing export"_s}, {u"key_bbbbbbbbbbbbbbbb"_s, u"R&D ci"_s}});
        QCOMPARE(actor->text(), u"usr_ow"_s);
        QCOMPARE(action->text(), u"api_key.dis"_s);
        QCOMPARE(key->text(), u"bill"_s);
        auto *combo = bar.findChild<QComboBox *>(u"apiKeyCombo"_s);
        QCOMPARE(combo->count(), 3);
        QVERIFY(combo->itemText(1).contains(u"billing export"_s));

        // A key chosen earlier (by id) is shown by its name once the names are known.
        AuditFilterBar chosen;
        AuditFilter f;
        f.apiKeyId = u"key_bbbbbbbbbbbbbbbb"_s;
        chosen.setFilter(f);
        auto *chosenKey = chosen.findChild<QLineEdit *>(u"apiKeyEdit"_s);
        QCOMPARE(chosenKey->text(), u"key_bbbbbbbbbbbbbbbb"_s);
        chosen.setApiKeys({{u"key_bbbbbbbbbbbbbbbb"_s, u"R&D ci"_s}});
        QVERIFY2(chosenKey->text().startsWith(u"R&D ci"_s), qPrintable(chosenKey->text()));
        QVERIFY(QString(chosen.findChild<QToolButton *>(u"chipApiKey"_s)->text()).replace(u"&&"_s, u"&"_s)
                    .startsWith(u"Key: R&D ci"_s));
        QCOMPARE(chosen.filter().apiKeyId, u"key_bbbbbbbbbbbbbbbb"_s);
    }

    void details_wrapLongCallerText_insteadOfWideningThePane()
    {
        // Any caller chooses its User-Agent and the path it asks for, at any length.
        AuditEventDetails details;
        AuditEvent e = makeEvent(7);
        e.userAgent = QString(600, u'A');
        e.path = u"/v1/api-keys/"_s + QString(300, u'x');
        details.setEvent(e);
        QVERIFY2(details.minimumSizeHint().width() < 400, qPrintable(QString::number(details.minimumSizeHint().width())));
        details.resize(360, 900);
        details.show();
        QVERIFY(QTest::qWaitForWindowExposed(&details));
        for (const char *name : {"eventUserAgentValue", "eventPathValue"}) {
            auto *value = details.findChild<WrappedText *>(QLatin1StringView(name));
            QVERIFY2(value, name);
            QTRY_VERIFY2(value->document()->lineCount() > 1, name); // wrapped, whole, not cut off
            QVERIFY2(value->geometry().right() <= details.width(), name);
        }
        QCOMPARE(details.findChild<WrappedText *>(u"eventUserAgentValue"_s)->text(), *e.userAgent);
    }

    void details_showEveryField_andOfferTheActions()
    {
        AuditEventDetails details;
        QVERIFY(!details.findChild<QPushButton *>(u"copyJsonButton"_s)->isEnabled());
        const AuditEvent e = makeEvent(42);
        details.setEvent(e);
        auto value = [&](const char *name) {
            QWidget *w = details.findChild<QWidget *>(QLatin1StringView(name));
            if (auto *text = qobject_cast<QPlainTextEdit *>(w))
                return text->toPlainText();
            return qobject_cast<QLabel *>(w)->text();
        };
        QCOMPARE(value("eventIdValue"), u"42"_s);
        QVERIFY(value("eventActorValue").contains(u"billing export"_s));
        QVERIFY(value("eventActorValue").contains(u"key_aaaaaaaaaaaaaaaa"_s));
        QCOMPARE(value("eventActionValue"), u"api_key.request"_s);
        QCOMPARE(value("eventOutcomeValue"), u"Refused"_s);
        QCOMPARE(value("eventStatusValue"), u"403"_s);
        QCOMPARE(value("eventMethodValue"), u"GET"_s);
        QCOMPARE(value("eventPathValue"), u"/v1/me"_s);
        QCOMPARE(value("eventSourceValue"), u"198.51.100.7"_s);
        QCOMPARE(value("eventUserAgentValue"), u"curl/8.0"_s);
        QCOMPARE(value("eventRequestIdValue"), *e.requestId);
        QCOMPARE(value("eventWorkspaceValue"), *e.workspaceId);
        QCOMPARE(value("eventPrevHashValue"), e.prevHash);
        QCOMPARE(value("eventHashValue"), e.hash);
        QCOMPARE(value("eventDetailValue"), u"None"_s);

        QSignalSpy byKey(&details, &AuditEventDetails::filterByKeyRequested);
        QSignalSpy byActor(&details, &AuditEventDetails::filterByActorRequested);
        details.findChild<QPushButton *>(u"filterByKeyButton"_s)->click();
        details.findChild<QPushButton *>(u"filterByActorButton"_s)->click();
        QCOMPARE(byKey.value(0).value(0).toString(), u"key_aaaaaaaaaaaaaaaa"_s);
        QCOMPARE(byActor.value(0).value(0).toString(), u"key_aaaaaaaaaaaaaaaa"_s);

        details.findChild<QPushButton *>(u"copyJsonButton"_s)->click();
        const QJsonObject copied = QJsonDocument::fromJson(QApplication::clipboard()->text().toUtf8()).object();
        QCOMPARE(copied, e.toJson());
        QCOMPARE(copied.value(u"request_id"_s).toString(), *e.requestId);

        // In a pane narrower than a hash, the hash wraps inside the pane, and copying it gives the
        // exact 64 digits.
        details.resize(260, 900);
        details.show();
        QVERIFY(QTest::qWaitForWindowExposed(&details));
        auto *hash = details.findChild<QPlainTextEdit *>(u"eventHashValue"_s);
        QTRY_VERIFY(hash->height() >= 2 * hash->fontMetrics().lineSpacing());
        QVERIFY2(hash->geometry().right() < details.width(), "the hash must stay inside the pane");
        QVERIFY(hash->isReadOnly());
        hash->selectAll();
        hash->copy();
        QCOMPARE(QApplication::clipboard()->text(), e.hash);
        details.hide();

        // A user's event with no key: "filter by this key" is not offered.
        AuditEvent login = e;
        login.actor = {u"user"_s, u"usr_owner00000000001"_s, u"Olivia"_s};
        login.target.reset();
        details.setEvent(login);
        QVERIFY(!details.findChild<QPushButton *>(u"filterByKeyButton"_s)->isEnabled());
        QVERIFY(details.findChild<QPushButton *>(u"filterByActorButton"_s)->isEnabled());
    }

    void page_everyControlHasANameAndAnAccessibleName()
    {
        installRoutes();
        ConsoleSettings settings;
        ProfileStore profiles(nullptr);
        Session session(profiles);
        AuditLogPage page(&session, &settings);
        for (QWidget *w : page.findChildren<QWidget *>()) {
            const bool control = qobject_cast<QAbstractButton *>(w) || qobject_cast<QComboBox *>(w)
                || qobject_cast<QLineEdit *>(w) || qobject_cast<QAbstractItemView *>(w);
            // Qt's own parts: of a spin box, a combo box's popup list
            if (!control || w->objectName().startsWith(u"qt_"_s) || w->window() != &page
                || w->inherits("QTableCornerButton"))
                continue;
            // A line edit's clear button is Qt's and has no object name, but it needs a spoken one.
            const bool clearButton = qobject_cast<QLineEdit *>(w->parentWidget()) != nullptr;
            QVERIFY2(clearButton || !w->objectName().isEmpty(), w->metaObject()->className());
            QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->objectName()));
        }
    }

    void page_pagesWithTheCursor_andAFailureKeepsTheRows()
    {
        installRoutes();
        ConsoleSettings settings;
        ProfileStore profiles(nullptr);
        Session session(profiles);
        signIn(session);
        AuditLogPage page(&session, &settings);
        page.model()->setPageSize(10);
        m_failPages = true; // the first page loads, every older one fails
        page.resize(1200, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_VERIFY(!page.message().isEmpty());
        QVERIFY2(page.message().contains(u"stay usable"_s), qPrintable(page.message()));
        auto *table = page.findChild<QTableView *>(u"auditTable"_s);
        QCOMPARE(table->model()->rowCount(), 10);
        QCOMPARE(page.model()->idAt(0), 25); // newest first
        const int before = page.model()->rowCount();
        table->setFocus();
        table->selectRow(1); // still usable: the details follow the selection
        QCOMPARE(page.findChild<QLabel *>(u"eventIdValue"_s)->text(), QString::number(page.model()->idAt(1)));
        QVERIFY(!page.model()->canFetchMore({})); // no hammering while it fails

        m_failPages = false;
        page.findChild<QPushButton *>(u"auditRetryButton"_s)->click();
        QTRY_VERIFY(page.model()->rowCount() > before);
        QTRY_VERIFY(page.message().isEmpty());
        while (!page.model()->isAtEnd()) {
            page.model()->fetchMore({});
            QTRY_VERIFY(!page.model()->isLoading());
        }
        QCOMPARE(page.model()->rowCount(), 25);
        QVERIFY(page.findChild<QLabel *>(u"auditCountLabel"_s)->text().contains(u"All 25"_s));
    }

    void page_newEvents_areCountedInPlainEnglish()
    {
        installRoutes();
        ConsoleSettings settings;
        ProfileStore profiles(nullptr);
        Session session(profiles);
        signIn(session);
        AuditLogPage page(&session, &settings);
        page.show();
        QTRY_COMPARE(page.model()->rowCount(), 25);
        QTRY_VERIFY(!page.model()->isLoading());
        QSignalSpy status(&page, &AuditLogPage::statusMessage);
        m_eventCount = 28;
        QVERIFY(page.model()->pollNow());
        QTRY_COMPARE(page.model()->rowCount(), 28);
        QTRY_VERIFY(!status.isEmpty());
        QCOMPARE(status.last().value(0).toString(), u"3 new events."_s);
        m_eventCount = 29;
        QTRY_VERIFY(!page.model()->isLoading());
        QVERIFY(page.model()->pollNow());
        QTRY_COMPARE(page.model()->rowCount(), 29);
        QTRY_COMPARE(status.last().value(0).toString(), u"1 new event."_s);
    }

    void page_filterGoesToTheServer_andIsKeptInTheSettings()
    {
        installRoutes();
        ConsoleSettings settings;
        ProfileStore profiles(nullptr);
        Session session(profiles);
        signIn(session);
        {
            AuditLogPage page(&session, &settings);
            page.show();
            QTRY_VERIFY(page.hasLoaded());
            m_server.clearRequests();
            AuditFilter f;
            f.outcome = u"refused"_s;
            f.apiKeyId = u"key_aaaaaaaaaaaaaaaa"_s;
            page.setFilter(f);
            QTRY_VERIFY(page.hasLoaded());
            QUrlQuery sent;
            for (const FakeServer::Request &r : m_server.requests()) {
                if (r.path == u"/v1/audit-events")
                    sent = QUrlQuery(QString::fromUtf8(r.query));
            }
            QCOMPARE(sent.queryItemValue(u"outcome"_s), u"refused"_s);
            QCOMPARE(sent.queryItemValue(u"api_key_id"_s), u"key_aaaaaaaaaaaaaaaa"_s);
            for (int r = 0; r < page.model()->rowCount(); ++r)
                QCOMPARE(page.model()->index(r, 0).data(AuditLogModel::OutcomeRole).toString(), u"refused"_s);
            page.saveState();
        }
        // A new page (the next start) comes back with the same filters.
        AuditLogPage again(&session, &settings);
        QCOMPARE(again.filter().outcome, u"refused"_s);
        QCOMPARE(again.filter().apiKeyId, u"key_aaaaaaaaaaaaaaaa"_s);
        const QString stored = settings.value(u"audit/filter"_s).toString();
        QVERIFY(!stored.contains(u"drs_"_s));
    }

    void page_withoutReadAudit_saysWhy()
    {
        installRoutes();
        m_permissions = {u"read_api_keys"_s};
        ConsoleSettings settings;
        ProfileStore profiles(nullptr);
        Session session(profiles);
        signIn(session);
        AuditLogPage page(&session, &settings);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_VERIFY(page.message().contains(u"read_audit"_s));
        QCOMPARE(m_server.count("GET", u"/v1/audit-events"_s), 0);
        QVERIFY(!page.findChild<QPushButton *>(u"exportButton"_s)->isEnabled());
        // Nothing can load: no "0 events loaded, older events load as you scroll", no live Load older.
        QVERIFY(!page.findChild<QPushButton *>(u"loadOlderButton"_s)->isEnabled());

        // The server has the last word: a refusal is shown in place as well.
        m_permissions = {u"read_api_keys"_s, u"read_audit"_s};
        Session other(profiles);
        signIn(other);
        m_forbidden = true;
        AuditLogPage refused(&other, &settings);
        refused.show();
        QTRY_VERIFY(refused.message().contains(u"read_audit"_s));
        QVERIFY(refused.findChild<QTableView *>(u"auditTable"_s)->isEnabled());
    }

    void page_requestToolTip_showsTheUserAgentAsSent()
    {
        installRoutes();
        ConsoleSettings settings;
        ProfileStore profiles(nullptr);
        Session session(profiles);
        signIn(session);
        AuditLogPage page(&session, &settings);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_COMPARE(page.model()->rowCount(), 25);
        const int row = int(page.model()->rowCount() - kMarkupAgentEvent); // newest (25) first
        QCOMPARE(page.model()->idAt(row), kMarkupAgentEvent);
        const QString tip = page.model()->index(row, AuditLogModel::Request).data(Qt::ToolTipRole).toString();
        // What the tooltip shows: Qt reads it as HTML when it looks like HTML, else as it is.
        QTextDocument shown;
        if (Qt::mightBeRichText(tip))
            shown.setHtml(tip);
        else
            shown.setPlainText(tip);
        QCOMPARE(shown.toPlainText(), u"User agent: "_s + kMarkupAgent);
    }

    void keyDetails_recentActivity_listsTheKeysLastEvents()
    {
        installRoutes();
        ProfileStore profiles(nullptr);
        Session session(profiles);
        signIn(session);
        ApiKeyDetailsPane pane;
        pane.setClient(session.client());
        ApiKey key;
        key.id = u"key_aaaaaaaaaaaaaaaa"_s;
        key.name = u"billing export"_s;
        key.role = u"workspace_viewer"_s;
        key.status = u"enabled"_s;
        key.enabled = true;
        key.createdBy = {u"user"_s, u"usr_owner00000000001"_s, u"owner@acme.test"_s};
        key.createdAt = QDateTime::currentDateTimeUtc().addDays(-3);
        key.updatedAt = key.createdAt;
        pane.showKey(key);
        auto *list = pane.findChild<QLabel *>(u"recentActivityList"_s);
        QTRY_VERIFY(list->text().contains(u"api_key.request"_s));
        QCOMPARE(list->text().count(u'\n') + 1, KeyRecentActivity::EventCount);
        QUrlQuery sent;
        for (const FakeServer::Request &r : m_server.requests()) {
            if (r.path == u"/v1/audit-events")
                sent = QUrlQuery(QString::fromUtf8(r.query));
        }
        QCOMPARE(sent.queryItemValue(u"api_key_id"_s), key.id);
        QCOMPARE(sent.queryItemValue(u"limit"_s), QString::number(KeyRecentActivity::EventCount));
        // The same key shown again (the list refreshed) is not asked for again.
        const int asked = m_server.count("GET", u"/v1/audit-events"_s);
        pane.showKey(key);
        QTest::qWait(50);
        QCOMPARE(m_server.count("GET", u"/v1/audit-events"_s), asked);

        QSignalSpy activity(&pane, &ApiKeyDetailsPane::activityRequested);
        pane.findChild<QPushButton *>(u"viewAllActivityButton"_s)->click();
        QCOMPARE(activity.value(0).value(0).toString(), key.id);
    }

private:
    void signIn(Session &session)
    {
        QSignalSpy in(&session, &Session::signedIn);
        session.signIn(m_server.url(), u"owner@acme.test"_s, kPassword, false);
        QTRY_COMPARE(in.size(), 1);
    }

    void installRoutes()
    {
        m_permissions = {u"read_api_keys"_s, u"manage_api_keys"_s, u"read_audit"_s};
        m_failPages = false;
        m_forbidden = false;
        m_eventCount = 25;
        m_server.clearRequests();
        if (m_server.url().port() > 0)
            return;
        QVERIFY(m_server.listen());
        m_server.on("POST", u"/v1/auth/login"_s,
                    [](const FakeServer::Request &) { return loginReply(signedInUser({})); });
        m_server.on("GET", u"/v1/me"_s, [this](const FakeServer::Request &) {
            return meReply(signedInUser({}), u"owner"_s, m_permissions);
        });
        m_server.on("GET", u"/v1/api-keys"_s, [](const FakeServer::Request &) { return keyListReply({}); });
        // 25 events (ids 25..1, or up to m_eventCount), paged by a cursor that is just the next id to start below.
        m_server.on("GET", u"/v1/audit-events"_s, [this](const FakeServer::Request &r) {
            if (m_forbidden)
                return FakeServer::problem(403, u"forbidden"_s, u"Requires permission read_audit (Owner or Admin)."_s);
            const QUrlQuery q(QString::fromUtf8(r.query));
            if (m_failPages && q.hasQueryItem(u"cursor"_s))
                return FakeServer::problem(500, u"internal-error"_s, u"database is locked"_s);
            const int limit = q.hasQueryItem(u"limit"_s) ? q.queryItemValue(u"limit"_s).toInt() : 100;
            qint64 below = q.hasQueryItem(u"cursor"_s) ? q.queryItemValue(u"cursor"_s).toLongLong() : m_eventCount + 1;
            const QString outcome = q.queryItemValue(u"outcome"_s);
            QJsonArray items;
            qint64 id = below - 1;
            for (; id >= 1 && items.size() < limit; --id) {
                const AuditEvent e = makeEvent(id);
                if (outcome.isEmpty() || e.outcome == outcome)
                    items.append(e.toJson());
            }
            const QJsonValue next = id >= 1 ? QJsonValue(QString::number(id + 1)) : QJsonValue();
            return FakeServer::Reply{200, json({{u"items"_s, items}, {u"next_cursor"_s, next}})};
        });
    }

    FakeServer m_server;
    QStringList m_permissions;
    bool m_failPages = false;
    bool m_forbidden = false;
    qint64 m_eventCount = 25; ///< the server holds events 1..m_eventCount
};

QTEST_MAIN(TestAuditWidgets)
#include "tst_auditwidgets.moc"
