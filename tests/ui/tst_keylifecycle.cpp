// The key lifecycle as a user drives it, against a scripted server (FakeServer): an expiry on a new
// key, rotation (replacement, one-time reveal, watching the old key, disabling and deleting it, and
// a lost answer that must not make two keys), reporting a compromised key, and checking a value.

#include "ApiClient.h"
#include "ApiKeyDetailsPane.h"
#include "ApiKeyFilterProxyModel.h"
#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "CheckKeyDialog.h"
#include "Confirmation.h"
#include "ConsoleApp.h"
#include "ConsoleTestSupport.h"
#include "ExpiryPicker.h"
#include "FakeServer.h"
#include "IncidentSummaryDialog.h"
#include "KeyFormat.h"
#include "KeyQuestions.h"
#include "KeyRevealDialog.h"
#include "MainWindow.h"
#include "NewApiKeyWizard.h"
#include "RotateApiKeyWizard.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDateEdit>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QMenu>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QTest>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

const QString kSecret = KeyFormat::compose(u"rotatedRotatedRotated012345678"_s);
const QString kOldSecret = KeyFormat::compose(u"oldOldOldOldOldOldOldOld012345"_s);
const QString kReplacementId = u"key_rrrrrrrrrrrrrrrr"_s;
// Every key here is restricted to it: the rotation wizard and the key check show the workspace.
const NamedRef kWorkspace{u"ws_AnalyticsProd001"_s, u"Analytics (prod)"_s};

} // namespace

class TestKeyLifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(startWidgetSuite(m_server));
    }

    void init()
    {
        clearConsoleSettings();
        Confirmation::setAnswerer(nullptr);
        m_permissions = allPermissions();
        m_role = u"admin"_s;
        m_keys = startingKeys(kWorkspace);
        m_rotateFailures = 0;
        m_rotateUnreadable = false;
        m_rotateDropped = false;
        m_server.overrideAll(std::nullopt);
        m_server.clearRequests();
        installRoutes();
        m_client = fakeSessionClient(m_server.url());
        QGuiApplication::clipboard()->clear();
    }

    void cleanup()
    {
        Confirmation::setAnswerer(nullptr);
        m_rotate.reset();
        m_console.reset();
        m_client.reset();
        QVERIFY(m_server.restart());
    }

    // --- expiry in the New API Key wizard ---

    void expiry_mustBeInTheFuture_isShownOnReview_andSentAsExpiresAt()
    {
        Identity caller;
        caller.kind = u"user"_s;
        caller.role = u"admin"_s;
        caller.permissions = m_permissions;
        NewApiKeyWizard wizard(m_client.get(), caller, {});
        wizard.show();
        QTRY_VERIFY(wizard.isLoaded());
        QTest::keyClicks(wizard.findChild<QLineEdit *>(u"nameEdit"_s), u"CI deploy"_s);
        QAbstractButton *next = wizard.button(QWizard::NextButton);
        QVERIFY(next->isEnabled());

        auto *combo = wizard.findChild<QComboBox *>(u"expiryCombo"_s);
        auto *date = wizard.findChild<QDateEdit *>(u"expiryDateEdit"_s);
        auto *error = wizard.findChild<QLabel *>(u"expiryError"_s);
        QVERIFY(combo && date && error);
        QCOMPARE(combo->currentText(), u"Never"_s);
        combo->setCurrentIndex(ExpiryPicker::CustomDate);
        QVERIFY(date->isVisibleTo(&wizard));
        date->setDate(QDate::currentDate());
        QVERIFY(!next->isEnabled());
        QVERIFY(error->isVisibleTo(&wizard));
        QVERIFY2(error->text().contains(u"must be in the future"_s), qPrintable(error->text()));
        date->setDate(QDate::currentDate().addDays(-3));
        QVERIFY(!next->isEnabled());
        const QDate chosen = QDate::currentDate().addDays(45);
        date->setDate(chosen);
        QVERIFY(next->isEnabled());
        QVERIFY(!error->isVisibleTo(&wizard));

        while (wizard.currentId() != NewApiKeyWizard::ReviewPageId) {
            QVERIFY(next->isEnabled());
            QTest::mouseClick(next, Qt::LeftButton);
        }
        const QString summary = wizard.findChild<QLabel *>(u"reviewSummary"_s)->text();
        QVERIFY2(summary.contains(u"Expires: "_s + chosen.toString(Qt::ISODate)), qPrintable(summary));
        QVERIFY(summary.contains(u"in 1 month"_s) || summary.contains(u"in 45 days"_s) || summary.contains(u"in "_s));

        QSignalSpy created(&wizard, &NewApiKeyWizard::keyCreated);
        QTest::mouseClick(wizard.button(QWizard::FinishButton), Qt::LeftButton);
        QTRY_COMPARE(created.size(), 1);
        const QJsonObject body = QJsonDocument::fromJson(lastRequest("POST", u"/v1/api-keys"_s).body).object();
        const QDateTime sent = QDateTime::fromString(body.value(u"expires_at"_s).toString(), Qt::ISODateWithMs);
        QVERIFY2(sent.isValid(), qPrintable(body.value(u"expires_at"_s).toString()));
        QCOMPARE(sent.toLocalTime(), QDateTime(chosen, QTime(23, 59, 59)));
        closeReveal(&wizard);
    }

    void expiry_preset_isFixedWhenChosen_soARetrySendsTheSameBody()
    {
        ExpiryPicker picker;
        QDateTime now = QDateTime(QDate(2026, 11, 27), QTime(14, 5, 33), Qt::UTC);
        picker.setClock([&now] { return now; });
        QCOMPARE(picker.expiresAt(), std::nullopt);
        QCOMPARE(picker.summary(), u"Never"_s);
        picker.setChoice(ExpiryPicker::Days90);
        const std::optional<QDateTime> first = picker.expiresAt();
        QCOMPARE(first, QDateTime(QDate(2027, 2, 25), QTime(14, 5), Qt::UTC));
        now = now.addSecs(600); // the user waits; a retry must send the same moment
        QCOMPARE(picker.expiresAt(), first);
        picker.setChoice(ExpiryPicker::Days30);
        QCOMPARE(picker.expiresAt(), QDateTime(QDate(2026, 12, 27), QTime(14, 15), Qt::UTC));
    }

    // --- rotation ---

    void rotate_suggestsAName_revealsOnce_thenWatchesTheOldKey_disablesAndDeletesIt()
    {
        const ApiKey old = m_keys.at(0);
        openRotate(old);
        auto *name = m_rotate->findChild<QLineEdit *>(u"replacementNameEdit"_s);
        const QString suggested = u"Deploy bot (rotated %1)"_s.arg(QDate::currentDate().toString(Qt::ISODate));
        QCOMPARE(name->text(), suggested);
        QCOMPARE(RotateApiKeyWizard::suggestedName(QString(100, u'x'), QDate(2026, 11, 27)).size(), 100);
        QCOMPARE(m_rotate->findChild<QLabel *>(u"replacementRoleLabel"_s)->text(), u"Workspace viewer"_s);
        QCOMPARE(m_rotate->findChild<QLabel *>(u"replacementWorkspaceLabel"_s)->text(), u"Analytics (prod)"_s);
        QAbstractButton *create = m_rotate->button(QWizard::CommitButton);
        QCOMPARE(create->text(), u"Create replacement"_s);
        saveScreenshot(m_rotate.get(), u"rotate-first-page.png"_s);
        name->setText(u"Deploy bot 2026"_s); // editable
        QSignalSpy created(m_rotate.get(), &RotateApiKeyWizard::replacementCreated);
        QTest::mouseClick(create, Qt::LeftButton);

        // The value is shown once, in the reveal dialog, over the page that follows.
        QTRY_VERIFY(m_rotate->revealDialog());
        QCOMPARE(created.size(), 1);
        QCOMPARE(created.first().at(1).toString(), u"req_fake"_s);
        QCOMPARE(m_rotate->currentId(), int(RotateApiKeyWizard::MovePageId));
        KeyRevealDialog *reveal = m_rotate->revealDialog();
        QCOMPARE(reveal->findChild<QLineEdit *>(u"valueEdit"_s)->text(), kSecret);
        QVERIFY(reveal->isMasked());
        QCOMPARE(m_server.count("POST", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa/rotate"_s), 1);
        const FakeServer::Request sent = lastRequest("POST", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa/rotate"_s);
        QCOMPARE(QString::fromLatin1(sent.idempotencyKey), m_rotate->idempotencyKey());
        QCOMPARE(QJsonDocument::fromJson(sent.body).object().value(u"name"_s).toString(), u"Deploy bot 2026"_s);
        reveal->findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
        reveal->accept();
        QTRY_VERIFY(!m_rotate->revealDialog());

        // The old key's last use, checked again and again.
        QVERIFY2(m_rotate->activityText().contains(u"198.51.100.4"_s), qPrintable(m_rotate->activityText()));
        QVERIFY(m_rotate->activityText().contains(u"Not used since the replacement was created"_s));
        QTRY_VERIFY(m_server.count("GET", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa"_s) >= 1);
        QTRY_VERIFY(m_rotate->findChild<QLabel *>(u"checkedLabel"_s)->text().startsWith(u"Checked at"_s));
        m_keys[0].lastUsedAt = QDateTime::currentDateTimeUtc().addSecs(1);
        m_keys[0].lastUsedIp = u"203.0.113.9"_s;
        QTRY_VERIFY2(m_rotate->activityText().contains(u"203.0.113.9"_s), qPrintable(m_rotate->activityText()));
        QVERIFY(m_rotate->activityText().contains(u"a system still uses the old key"_s));
        // Refresh now, without waiting for the timer.
        m_rotate->setRefreshIntervalMs(60000);
        QTRY_VERIFY(!m_rotate->findChild<QPushButton *>(u"refreshOldKeyButton"_s)->isDown());
        const int gets = m_server.count("GET", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa"_s);
        m_keys[0].lastUsedIp = u"203.0.113.77"_s;
        QTest::mouseClick(m_rotate->findChild<QPushButton *>(u"refreshOldKeyButton"_s), Qt::LeftButton);
        QTRY_VERIFY(m_rotate->activityText().contains(u"203.0.113.77"_s));
        QVERIFY(m_server.count("GET", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa"_s) > gets);
        m_rotate->setRefreshIntervalMs(10000);
        QTest::mouseClick(m_rotate->findChild<QPushButton *>(u"refreshOldKeyButton"_s), Qt::LeftButton);
        QTRY_VERIFY(m_rotate->findChild<QLabel *>(u"checkedLabel"_s)->text().contains(u"every 10 seconds"_s));
        saveScreenshot(m_rotate.get(), u"rotate-key.png"_s);

        // Disable old key, then Delete old key (with the page's own confirmation).
        auto *disable = m_rotate->findChild<QPushButton *>(u"disableOldKeyButton"_s);
        auto *del = m_rotate->findChild<QPushButton *>(u"deleteOldKeyButton"_s);
        QVERIFY(disable->isEnabled());
        QVERIFY(!del->isEnabled());
        QVERIFY(del->toolTip().contains(u"Disable the old key first"_s));
        QList<Confirmation::Question> asked;
        Confirmation::setAnswerer([&asked](const Confirmation::Question &q) {
            asked.append(q);
            return true;
        });
        QSignalSpy steps(m_rotate.get(), &RotateApiKeyWizard::stepDone);
        QTest::mouseClick(disable, Qt::LeftButton);
        QTRY_VERIFY(m_rotate->oldKey() && !m_rotate->oldKey()->enabled);
        QCOMPARE(m_server.count("POST", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa/disable"_s), 1);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.at(0).text, KeyQuestions::disableKey(u"Deploy bot"_s).text);
        QVERIFY(m_rotate->findChild<QLabel *>(u"oldKeyStatus"_s)->text().contains(u"Disabled"_s));
        QVERIFY(!disable->isEnabled());
        QTRY_VERIFY(del->isEnabled());
        QSignalSpy deleted(m_rotate.get(), &RotateApiKeyWizard::keyDeleted);
        QTest::mouseClick(del, Qt::LeftButton);
        QTRY_COMPARE(deleted.size(), 1);
        QCOMPARE(asked.size(), 2);
        QCOMPARE(asked.at(1).text, KeyQuestions::deleteKey(u"Deploy bot"_s, u"key_aaaaaaaaaaaaaaaa"_s).text);
        QVERIFY(asked.at(1).destructive);
        QCOMPARE(m_server.count("DELETE", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa"_s), 1);
        QCOMPARE(steps.size(), 2);
        QVERIFY(m_rotate->message().contains(u"rotation is complete"_s));
        QCOMPARE(m_server.count("POST", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa/rotate"_s), 1);
    }

    void rotate_lostAnswers_repeatTheSameRequest_andNeverMakeTwoKeys()
    {
        // A 503 is retried by the client itself, with the same Idempotency-Key.
        m_rotateFailures = 1;
        openRotate(m_keys.at(0));
        QTest::mouseClick(m_rotate->button(QWizard::CommitButton), Qt::LeftButton);
        QTRY_VERIFY(m_rotate->revealDialog());
        QList<QByteArray> keys;
        for (const FakeServer::Request &r : m_server.requests()) {
            if (r.path.endsWith(u"/rotate"))
                keys.append(r.idempotencyKey);
        }
        QCOMPARE(keys.size(), 2);
        QCOMPARE(keys.at(0), keys.at(1));
        QCOMPARE(m_replacementsMade, 1);
        closeReveal(m_rotate.get());
        m_rotate.reset();

        // No answer at all: say what state the key may be in, lock the fields, and repeat exactly.
        m_replacementsMade = 0;
        m_server.clearRequests();
        openRotate(m_keys.at(2));
        const QString idempotencyKey = m_rotate->idempotencyKey();
        m_rotateDropped = true;
        QTest::mouseClick(m_rotate->button(QWizard::CommitButton), Qt::LeftButton);
        QVERIFY(m_rotate->isRotating());
        QVERIFY(!m_rotate->button(QWizard::CancelButton)->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!m_rotate->isRotating(), 15000);
        const QString message = m_rotate->message();
        QVERIFY2(message.contains(u"may or may not have been created"_s), qPrintable(message));
        QVERIFY(message.contains(u"Press Create replacement again"_s));
        QVERIFY(message.contains(u"“Replaced by”"_s));
        QVERIFY(m_rotate->findChild<QLineEdit *>(u"replacementNameEdit"_s)->isReadOnly());
        QCOMPARE(m_rotate->currentId(), int(RotateApiKeyWizard::ReplacementPageId));
        QVERIFY(m_rotate->isVisible());

        m_rotateDropped = false;
        QTest::mouseClick(m_rotate->button(QWizard::CommitButton), Qt::LeftButton);
        QTRY_VERIFY(m_rotate->revealDialog());
        QCOMPARE(m_rotate->idempotencyKey(), idempotencyKey);
        QCOMPARE(m_replacementsMade, 1);
        for (const FakeServer::Request &r : m_server.requests()) {
            if (r.path.endsWith(u"/rotate"))
                QCOMPARE(QString::fromLatin1(r.idempotencyKey), idempotencyKey);
        }
        closeReveal(m_rotate.get());
    }

    void rotate_serverDown_saysNothingWasSent_andKeepsTheFieldsOpen()
    {
        openRotate(m_keys.at(0));
        m_server.close(); // refused: nothing reaches a server, no replacement can exist
        QTest::mouseClick(m_rotate->button(QWizard::CommitButton), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_rotate->isRotating(), 15000);
        const QString message = m_rotate->message();
        QVERIFY2(message.contains(u"Nothing reached the server"_s), qPrintable(message));
        QVERIFY(!m_rotate->findChild<QLineEdit *>(u"replacementNameEdit"_s)->isReadOnly());
    }

    void rotate_unreadableAnswer_saysTheReplacementProbablyExists()
    {
        m_rotateUnreadable = true;
        openRotate(m_keys.at(0));
        QTest::mouseClick(m_rotate->button(QWizard::CommitButton), Qt::LeftButton);
        QTRY_VERIFY(!m_rotate->isRotating());
        const QString message = m_rotate->message();
        QVERIFY2(message.contains(u"most likely created the replacement"_s), qPrintable(message));
        QVERIFY2(message.contains(u"“Replaced by”"_s), qPrintable(message));
        QVERIFY(!m_rotate->revealDialog());
        QVERIFY(m_rotate->isVisible());
    }

    void rotateAction_appliesOnlyWhereItMay_andRotationDueIsFlagged()
    {
        m_keys[1].replacedBy = u"key_cccccccccccccccc"_s;
        m_keys[2].replaces = u"key_bbbbbbbbbbbbbbbb"_s;
        ApiKey ownerKey = makeKey(u"key_dddddddddddddddd"_s, u"Owner tool"_s, true, 3, kWorkspace);
        ownerKey.role = u"owner"_s;
        m_keys.append(ownerKey);
        m_keys.append(makeKey(u"key_eeeeeeeeeeeeeeee"_s, u"Retired tool"_s, false, 300, kWorkspace));
        startSignedIn();
        QAction *rotate = action(u"actionRotate"_s);
        QVERIFY(rotate);
        QCOMPARE(rotate->shortcut(), QKeySequence(u"Ctrl+Shift+R"_s));
        QVERIFY(window()->findChild<QToolBar *>(u"mainToolBar"_s)->actions().contains(rotate));
        selectRowNamed(u"Deploy bot"_s);
        QVERIFY(rotate->isEnabled());
        selectRowNamed(u"Billing export"_s);
        QVERIFY(!rotate->isEnabled());
        QVERIFY2(rotate->toolTip().contains(u"already replaced by “Old reporting”"_s), qPrintable(rotate->toolTip()));
        selectRowNamed(u"Owner tool"_s);
        QVERIFY(!rotate->isEnabled());
        QVERIFY2(rotate->toolTip().contains(u"ranks above your own"_s), qPrintable(rotate->toolTip()));
        // The server would refuse enabling or deleting it too; disabling a key is always allowed.
        QVERIFY(!action(u"actionDelete"_s)->isEnabled());
        QVERIFY2(action(u"actionDelete"_s)->toolTip().contains(u"ranks above your own"_s),
                 qPrintable(action(u"actionDelete"_s)->toolTip()));
        QVERIFY(action(u"actionDisable"_s)->isEnabled());

        // Keys older than the rotation period are flagged in the Status column.
        const QModelIndex old = table()->model()->index(rowNamed(u"Old reporting"_s), ApiKeyTableModel::Status);
        const QModelIndex fresh = table()->model()->index(rowNamed(u"Deploy bot"_s), ApiKeyTableModel::Status);
        QVERIFY(!old.data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY2(old.data(Qt::ToolTipRole).toString().contains(u"Rotation due: created 200 days ago"_s),
                 qPrintable(old.data(Qt::ToolTipRole).toString()));
        QCOMPARE(old.data(Qt::AccessibleTextRole).toString(), u"Enabled, rotation due"_s);
        QVERIFY(fresh.data(Qt::DecorationRole).isNull());
        // A disabled key accepts nothing: old as it is, there is nothing to rotate away from.
        const QModelIndex retired = table()->model()->index(rowNamed(u"Retired tool"_s), ApiKeyTableModel::Status);
        QVERIFY(retired.data(Qt::DecorationRole).isNull());
        QCOMPARE(retired.data(Qt::AccessibleTextRole).toString(), u"Disabled"_s);
        // ... and rotated from there: the context menu holds Rotate….
        QVERIFY(window()->findChild<QMenu *>(u"keysContextMenu"_s)->actions().contains(rotate));
        selectRowNamed(u"Old reporting"_s);
        QVERIFY(rotate->isEnabled());
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(page()->findChild<RotateApiKeyWizard *>());
        auto *wizard = page()->findChild<RotateApiKeyWizard *>();
        QCOMPARE(wizard->oldKeyId(), u"key_cccccccccccccccc"_s);
        wizard->reject();

        // Without create_api_key the reason is given.
        m_console.reset();
        m_permissions.removeAll(u"create_api_key"_s);
        startSignedIn();
        selectRowNamed(u"Deploy bot"_s);
        QVERIFY(!action(u"actionRotate"_s)->isEnabled());
        QVERIFY(action(u"actionRotate"_s)->toolTip().contains(u"create_api_key"_s));
    }

    void expiredKeys_areTreatedByTheirStatus_whateverEnabledSays()
    {
        // The contract: an expired key is refused for good, enabled or not.
        ApiKey expiredOn = makeKey(u"key_dddddddddddddddd"_s, u"Expired but enabled"_s, true, 400, kWorkspace);
        ApiKey expiredOff = makeKey(u"key_eeeeeeeeeeeeeeee"_s, u"Expired and disabled"_s, false, 400, kWorkspace);
        for (ApiKey *k : {&expiredOn, &expiredOff}) {
            k->status = u"expired"_s;
            k->expiresAt = QDateTime::currentDateTimeUtc().addDays(-30);
        }
        m_keys << expiredOn << expiredOff;
        startSignedIn();

        // Enabling would not make it accepted again, nor disabling refuse what is already refused.
        selectRowNamed(u"Expired and disabled"_s);
        QAction *enable = action(u"actionEnable"_s);
        QVERIFY(!enable->isEnabled());
        QVERIFY2(enable->toolTip().contains(u"The key has expired"_s), qPrintable(enable->toolTip()));
        selectRowNamed(u"Expired but enabled"_s);
        QAction *disable = action(u"actionDisable"_s);
        QVERIFY(!disable->isEnabled());
        QVERIFY2(disable->toolTip().contains(u"The key has expired"_s), qPrintable(disable->toolTip()));
        QVERIFY(!enable->isEnabled());

        // Rotated: the old key is not "still accepted", and can go without being disabled first.
        QSignalSpy status(page(), &ApiKeysPage::statusMessage);
        action(u"actionRotate"_s)->trigger();
        QTRY_VERIFY(page()->findChild<RotateApiKeyWizard *>());
        auto *wizard = page()->findChild<RotateApiKeyWizard *>();
        QTest::mouseClick(wizard->button(QWizard::CommitButton), Qt::LeftButton);
        QTRY_VERIFY(wizard->revealDialog());
        closeReveal(wizard);
        QTRY_VERIFY(!wizard->revealDialog());
        const QString oldStatus = wizard->findChild<QLabel *>(u"oldKeyStatus"_s)->text();
        QVERIFY2(oldStatus.startsWith(u"Expired"_s) && !oldStatus.contains(u"accepted"_s), qPrintable(oldStatus));
        QVERIFY(!wizard->findChild<QPushButton *>(u"disableOldKeyButton"_s)->isEnabled());
        QVERIFY(wizard->findChild<QPushButton *>(u"deleteOldKeyButton"_s)->isEnabled());
        wizard->accept();
        QTRY_VERIFY(!page()->findChild<RotateApiKeyWizard *>());
        for (const QList<QVariant> &message : status)
            QVERIFY2(!message.value(0).toString().contains(u"still works"_s), qPrintable(message.value(0).toString()));

        // Reported compromised: nothing to disable, and no promise of a change.
        int asked = 0;
        answerAndCount(asked, true);
        QSignalSpy activity(page(), &ApiKeysPage::activityRequested);
        action(u"actionReportCompromised"_s)->trigger();
        QTRY_COMPARE(activity.size(), 1);
        QVERIFY2(!Confirmation::lastQuestion()->text.contains(u"disabled at once"_s),
                 qPrintable(Confirmation::lastQuestion()->text));
        QCOMPARE(m_server.count("POST", u"/v1/api-keys/key_dddddddddddddddd/disable"_s), 0);
        auto *summary = page()->findChild<IncidentSummaryDialog *>();
        QVERIFY(summary);
        summary->accept();
    }

    void detailsPane_screenReadersHearEachValueWithItsField()
    {
        startSignedIn();
        selectRowNamed(u"Billing export"_s);
        auto spoken = [&](const char *objectName) {
            return spokenName(window()->findChild<QLabel *>(QLatin1StringView(objectName)));
        };
        QCOMPARE(spoken("statusValue"), u"Status: Disabled"_s);
        QCOMPARE(spoken("idValue"), u"ID: %1"_s.arg(page()->selectedKey()->id));
        // A value on two lines is read as one, with a pause.
        const QString created = window()->findChild<QLabel *>(u"createdValue"_s)->text();
        QCOMPARE(spoken("createdValue"),
                 u"Created: "_s + created.section(u'\n', 0, 0) + u", "_s + created.section(u'\n', 1, 1));
        // Every value of the pane is read with what it is, and with its text.
        for (QLabel *value : window()->findChild<QWidget *>(u"fieldsWidget"_s)->findChildren<QLabel *>()) {
            if (!value->objectName().endsWith(u"Value"_s))
                continue;
            const QString name = spokenName(value);
            QVERIFY2(name.contains(u": "_s) && name.size() > value->text().section(u'\n', 0, 0).size(),
                     qPrintable(value->objectName() + u" reads "_s + name));
        }
        // The name follows the selection.
        selectRowNamed(u"Deploy bot"_s);
        QCOMPARE(spoken("statusValue"), u"Status: Enabled"_s);
        // The status bar's quota says what its numbers are.
        const QString quota = spokenName(window()->findChild<QLabel *>(u"quotaLabel"_s));
        QVERIFY2(quota.startsWith(u"API key quota: "_s) && quota.endsWith(u" of 50 keys"_s), qPrintable(quota));
    }

    void detailsPane_replacesAndReplacedBy_areLinksThatSelectTheOtherKey()
    {
        m_keys[1].replacedBy = u"key_aaaaaaaaaaaaaaaa"_s;
        m_keys[0].replaces = u"key_bbbbbbbbbbbbbbbb"_s;
        startSignedIn();
        selectRowNamed(u"Billing export"_s);
        auto *replacedBy = window()->findChild<QLabel *>(u"replacedByValue"_s);
        QVERIFY2(replacedBy->text().contains(u"Deploy bot"_s), qPrintable(replacedBy->text()));
        QVERIFY(replacedBy->text().contains(u"href=\"key:key_aaaaaaaaaaaaaaaa\""_s));
        QCOMPARE(replacedBy->accessibleName(), u"Replaced by: Deploy bot (key_aaaaaaaaaaaaaaaa)"_s);
        QVERIFY(replacedBy->textInteractionFlags() & Qt::LinksAccessibleByKeyboard);
        // A filter that hides the target is cleared rather than leaving the wrong key selected.
        window()->findChild<QLineEdit *>(u"searchEdit"_s)->setText(u"Billing"_s);
        Q_EMIT replacedBy->linkActivated(u"key:key_aaaaaaaaaaaaaaaa"_s);
        QCOMPARE(page()->selectedKey()->id, u"key_aaaaaaaaaaaaaaaa"_s);
        auto *replaces = window()->findChild<QLabel *>(u"replacesValue"_s);
        QVERIFY(replaces->text().contains(u"Billing export"_s));
        Q_EMIT replaces->linkActivated(u"key:key_bbbbbbbbbbbbbbbb"_s);
        QCOMPARE(page()->selectedKey()->id, u"key_bbbbbbbbbbbbbbbb"_s);
    }

    // --- a compromised key ---

    void reportCompromised_oneConfirmation_disables_opensTheAuditLog_andSummarises()
    {
        startSignedIn();
        selectRowNamed(u"Deploy bot"_s);
        QSignalSpy activity(page(), &ApiKeysPage::activityRequested);
        int asked = 0;
        answerAndCount(asked, true);
        QAction *report = action(u"actionReportCompromised"_s);
        QVERIFY(report->isEnabled());
        report->trigger();
        QTRY_COMPARE(activity.size(), 1);
        QCOMPARE(activity.first().first().toString(), u"key_aaaaaaaaaaaaaaaa"_s);
        QCOMPARE(asked, 1);
        QVERIFY(Confirmation::lastQuestion()->text.contains(u"disabled at once"_s));
        QCOMPARE(m_server.count("POST", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa/disable"_s), 1);
        QTRY_COMPARE(page()->model()->keyById(u"key_aaaaaaaaaaaaaaaa"_s)->status, u"disabled"_s);

        auto *summary = page()->findChild<IncidentSummaryDialog *>();
        QVERIFY(summary && summary->isVisible());
        const QString text = summary->summaryText();
        QVERIFY2(text.contains(u"Compromised API key: “Deploy bot” (key_aaaaaaaaaaaaaaaa)"_s), qPrintable(text));
        QVERIFY2(text.contains(u"Role: Workspace viewer (workspace_viewer)"_s), qPrintable(text)); // title, then name
        QVERIFY(text.contains(u"Disabled the key: requests with it are refused from now on. (request id req_fake)"_s));
        QVERIFY(text.contains(u"Opened the audit log filtered to this key"_s));
        QVERIFY(text.contains(u"198.51.100.4"_s));
        QVERIFY(text.contains(u"Olivia Owner <owner@acme.test>"_s));
        static const QRegularExpression stamp(u"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  Reported"_s);
        QVERIFY(stamp.match(text).hasMatch());
        QCOMPARE(summary->findChild<QPlainTextEdit *>(u"incidentSummaryText"_s)->toPlainText(), text);
        QTest::mouseClick(summary->findChild<QPushButton *>(u"copySummaryButton"_s), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), text);

        // The replacement, offered through the rotation wizard.
        QTest::mouseClick(summary->findChild<QPushButton *>(u"createReplacementButton"_s), Qt::LeftButton);
        auto *wizard = summary->findChild<RotateApiKeyWizard *>();
        QVERIFY(wizard);
        QTest::mouseClick(wizard->button(QWizard::CommitButton), Qt::LeftButton);
        QTRY_VERIFY(wizard->revealDialog());
        closeReveal(wizard);
        QTRY_VERIFY(summary->summaryText().contains(u"Created the replacement “Deploy bot (rotated"_s));
        QVERIFY(!summary->findChild<QPushButton *>(u"createReplacementButton"_s)->isEnabled());
        // The old key is already disabled: the wizard offers to delete it.
        QVERIFY(!wizard->findChild<QPushButton *>(u"disableOldKeyButton"_s)->isEnabled());
        QVERIFY(wizard->findChild<QPushButton *>(u"deleteOldKeyButton"_s)->isEnabled());
        QVERIFY(page()->model()->keyById(kReplacementId));
        saveScreenshot(summary, u"compromise-summary.png"_s);
        wizard->accept();
        summary->accept();
    }

    void reportCompromised_declined_changesNothing()
    {
        startSignedIn();
        selectRowNamed(u"Deploy bot"_s);
        QSignalSpy activity(page(), &ApiKeysPage::activityRequested);
        int asked = 0;
        answerAndCount(asked, false);
        // From the keyboard this time: Ctrl+Shift+D, next to Disable's Ctrl+D.
        QCOMPARE(action(u"actionReportCompromised"_s)->shortcut(), QKeySequence(u"Ctrl+Shift+D"_s));
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_D, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(asked, 1);
        QVERIFY(Confirmation::lastQuestion()->text.contains(u"disabled at once"_s));
        QTest::qWait(100);
        QCOMPARE(activity.size(), 0);
        QCOMPARE(m_server.count("POST", u"/v1/api-keys/key_aaaaaaaaaaaaaaaa/disable"_s), 0);
        QVERIFY(!page()->findChild<IncidentSummaryDialog *>());
    }

    void reportCompromised_alreadyDisabledKey_promisesNoChange_andSendsNoDisable()
    {
        startSignedIn();
        selectRowNamed(u"Billing export"_s); // disabled already
        QSignalSpy activity(page(), &ApiKeysPage::activityRequested);
        int asked = 0;
        answerAndCount(asked, true);
        action(u"actionReportCompromised"_s)->trigger();
        QTRY_COMPARE(activity.size(), 1);
        const Confirmation::Question question = *Confirmation::lastQuestion();
        // The status as the Status column shows it, not the server's code.
        QVERIFY2(question.text.contains(u"Its status is already Disabled"_s), qPrintable(question.text));
        QVERIFY2(!question.text.contains(u"disabled at once"_s), qPrintable(question.text));
        QCOMPARE(question.acceptLabel, u"Report"_s);
        QCOMPARE(m_server.count("POST", u"/v1/api-keys/key_bbbbbbbbbbbbbbbb/disable"_s), 0);
        auto *summary = page()->findChild<IncidentSummaryDialog *>();
        QVERIFY(summary);
        QVERIFY2(summary->summaryText().contains(u"The key's status was already Disabled"_s),
                 qPrintable(summary->summaryText()));
        summary->accept();
    }

    // --- checking a key value ---

    void checkKey_badChecksum_isExplained_withoutAnyRequest()
    {
        CheckKeyDialog dialog(m_client.get(), {});
        dialog.show();
        QString broken = kOldSecret;
        broken[broken.size() - 1] = broken.back() == u'A' ? u'B' : u'A';
        m_server.clearRequests();
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"checkValueEdit"_s), broken);
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"checkButton"_s), Qt::LeftButton);
        QVERIFY2(dialog.resultText().contains(u"not a valid DataRecs key value"_s), qPrintable(dialog.resultText()));
        QVERIFY(dialog.resultText().contains(KeyFormat::describe(KeyFormat::Check::BadChecksum)));
        QVERIFY(dialog.resultText().contains(u"Nothing was sent"_s));
        dialog.findChild<QLineEdit *>(u"checkValueEdit"_s)->setText(u"drk_short"_s);
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"checkButton"_s), Qt::LeftButton);
        QVERIFY(dialog.resultText().contains(KeyFormat::describe(KeyFormat::Check::WrongLength)));
        QTest::qWait(50);
        QCOMPARE(m_server.requests().size(), 0);
    }

    void checkKey_found_showsWhichKey_andClearsTheValueOnClose()
    {
        CheckKeyDialog dialog(m_client.get(), {{u"workspace_viewer"_s, u"Workspace viewer"_s}});
        dialog.show();
        auto *value = dialog.findChild<QLineEdit *>(u"checkValueEdit"_s);
        QCOMPARE(value->echoMode(), QLineEdit::Password);
        QTest::keyClicks(value, u" "_s + kOldSecret + u" "_s); // pasted with stray spaces
        QTest::keyClick(value, Qt::Key_Return);
        QTRY_VERIFY2(dialog.resultText().contains(u"“Old reporting” (key_cccccccccccccccc)"_s),
                     qPrintable(dialog.resultText()));
        const QString text = dialog.resultText();
        QVERIFY(text.contains(u"Role: Workspace viewer"_s));
        QVERIFY(text.contains(u"Workspace: Analytics (prod)"_s));
        QVERIFY(text.contains(u"Status: enabled"_s));
        QVERIFY(text.contains(u"from 198.51.100.4"_s));
        QCOMPARE(dialog.foundKeyId(), u"key_cccccccccccccccc"_s);
        saveScreenshot(&dialog, u"check-key.png"_s);
        const FakeServer::Request sent = lastRequest("POST", u"/v1/api-keys/lookup"_s);
        QCOMPARE(QJsonDocument::fromJson(sent.body).object().value(u"value"_s).toString(), kOldSecret);
        QVERIFY(!sent.path.contains(kOldSecret) && !sent.query.contains(kOldSecret.toLatin1()));
        QVERIFY(dialog.findChild<QPushButton *>(u"showInListButton"_s)->isVisibleTo(&dialog));
        dialog.reject();
        QVERIFY(value->text().isEmpty());
        value->undo();
        QVERIFY(value->text().isEmpty()); // no way back to the value
    }

    void checkKey_shownValue_cannotBeCopiedSelectedOrDragged()
    {
        CheckKeyDialog dialog(m_client.get(), {});
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *value = dialog.findChild<QLineEdit *>(u"checkValueEdit"_s);
        QTest::keyClicks(value, kOldSecret);
        dialog.findChild<QCheckBox *>(u"checkShowValue"_s)->setChecked(true);
        QCOMPARE(value->displayText(), kOldSecret);
        value->setFocus();
        QTest::keyClick(value, Qt::Key_A, Qt::ControlModifier);
        QVERIFY(!value->hasSelectedText()); // a selection is the X11 primary selection
        QTest::keyClick(value, Qt::Key_Home, Qt::ShiftModifier);
        QVERIFY(!value->hasSelectedText());
        QTest::keyClick(value, Qt::Key_C, Qt::ControlModifier);
        QTest::keyClick(value, Qt::Key_X, Qt::ControlModifier);
        QVERIFY(QGuiApplication::clipboard()->text().isEmpty());
        QCOMPARE(value->text(), kOldSecret);
        QVERIFY(!value->dragEnabled());
        QContextMenuEvent menu(QContextMenuEvent::Mouse, QPoint(8, 4), value->mapToGlobal(QPoint(8, 4)));
        QApplication::sendEvent(value, &menu);
        QVERIFY(!QApplication::activePopupWidget());

        // Masked, it is an ordinary field again: select all and type over.
        dialog.findChild<QCheckBox *>(u"checkShowValue"_s)->setChecked(false);
        value->setFocus();
        QTest::keyClick(value, Qt::Key_A, Qt::ControlModifier);
        QVERIFY(value->hasSelectedText());
        QTest::keyClicks(value, u"x"_s);
        QCOMPARE(value->text(), u"x"_s);
    }

    void checkKey_tabOrder_followsTheLayout_throughTheResult()
    {
        CheckKeyDialog dialog(m_client.get(), {{u"workspace_viewer"_s, u"Workspace viewer"_s}});
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *value = dialog.findChild<QLineEdit *>(u"checkValueEdit"_s);
        QTRY_VERIFY(value->hasFocus());
        QTest::keyClicks(value, kOldSecret);
        QTest::keyClick(value, Qt::Key_Return);
        QTRY_VERIFY(dialog.findChild<QPushButton *>(u"showInListButton"_s)->isVisible());
        value->setFocus();
        QStringList order;
        for (int i = 0; i < 6; ++i) {
            order << QApplication::focusWidget()->objectName();
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        }
        // The value, what is beside it, then the answer and what it offers, then Close, and round again.
        QCOMPARE(order, (QStringList{u"checkValueEdit"_s, u"checkShowValue"_s, u"checkButton"_s, u"checkResult"_s,
                                     u"showInListButton"_s, u"closeButton"_s}));
        QCOMPARE(QApplication::focusWidget(), value);
    }

    void checkKey_found_growsTheDialog_soEveryResultLineShows()
    {
        // The reviewer saw only three of the five result lines until resizing the window by hand.
        CheckKeyDialog dialog(m_client.get(), {{u"workspace_viewer"_s, u"Workspace viewer"_s}});
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"checkValueEdit"_s), kOldSecret);
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"checkButton"_s), Qt::LeftButton);
        QTRY_VERIFY(dialog.resultText().contains(u"Last used"_s));
        auto *result = dialog.findChild<QLabel *>(u"checkResult"_s);
        QTRY_VERIFY2(result->height() >= result->heightForWidth(result->width()),
                     qPrintable(u"%1 < %2"_s.arg(result->height()).arg(result->heightForWidth(result->width()))));
        auto *value = dialog.findChild<QLineEdit *>(u"checkValueEdit"_s);
        QVERIFY(value->height() >= value->sizeHint().height());
    }

    void checkKey_unknownValue_isNotAKeyOfThisTenant()
    {
        CheckKeyDialog dialog(m_client.get(), {});
        dialog.show();
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"checkValueEdit"_s),
                         KeyFormat::compose(u"someoneElsesKeyXXXXXXXXXXXXXXX"_s));
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"checkButton"_s), Qt::LeftButton);
        QTRY_VERIFY2(dialog.resultText().contains(u"not a key of this tenant"_s), qPrintable(dialog.resultText()));
        QVERIFY(dialog.foundKeyId().isEmpty());
        QVERIFY(!dialog.findChild<QPushButton *>(u"showInListButton"_s)->isVisibleTo(&dialog));
    }

    void checkKey_byKeyboardFromTheWindow_selectsTheKeyFound()
    {
        startSignedIn();
        selectRowNamed(u"Deploy bot"_s);
        QCOMPARE(action(u"actionCheckKey"_s)->shortcut(), QKeySequence(u"Ctrl+K"_s));
        QVERIFY(window()->findChild<QToolButton *>(u"checkKeyButton"_s)->isVisible());
        QTest::keyClick(table(), Qt::Key_K, Qt::ControlModifier);
        QTRY_VERIFY(page()->findChild<CheckKeyDialog *>());
        auto *dialog = page()->findChild<CheckKeyDialog *>();
        QTRY_VERIFY(dialog->findChild<QLineEdit *>(u"checkValueEdit"_s)->hasFocus());
        QTest::keyClicks(QApplication::focusWidget(), kOldSecret);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QTRY_COMPARE(dialog->foundKeyId(), u"key_cccccccccccccccc"_s);
        QTest::mouseClick(dialog->findChild<QPushButton *>(u"showInListButton"_s), Qt::LeftButton);
        QCOMPARE(page()->selectedKey()->id, u"key_cccccccccccccccc"_s);
        QTRY_VERIFY(!page()->findChild<CheckKeyDialog *>());
    }

    // --- accessibility ---

    void everyNewControl_hasAnObjectName_anAccessibleName_andDescription()
    {
        openRotate(m_keys.at(0));
        CheckKeyDialog check(m_client.get(), {});
        check.show();
        IncidentSummaryDialog summary(m_keys.at(0), u"Workspace viewer"_s, u"Olivia"_s);
        summary.show();
        QStringList problems;
        for (QWidget *top : QList<QWidget *>{m_rotate.get(), &check, &summary}) {
            for (QWidget *w : top->findChildren<QWidget *>()) {
                if (!w->isVisibleTo(top) || w->focusPolicy() == Qt::NoFocus || w->objectName().startsWith(u"qt_"))
                    continue;
                QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(w);
                if (w->objectName().isEmpty() || !iface || iface->text(QAccessible::Name).trimmed().isEmpty())
                    problems << (QString::fromLatin1(w->metaObject()->className()) + u' ' + w->objectName());
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u", "_s)));
        for (const QString &name : {u"replacementNameEdit"_s, u"expiryCombo"_s})
            QVERIFY2(!m_rotate->findChild<QWidget *>(name)->accessibleDescription().isEmpty(), qPrintable(name));
        for (const QString &name : {u"checkValueEdit"_s, u"checkButton"_s})
            QVERIFY2(!check.findChild<QWidget *>(name)->accessibleDescription().isEmpty(), qPrintable(name));
        QVERIFY(!summary.findChild<QWidget *>(u"copySummaryButton"_s)->accessibleDescription().isEmpty());
    }

    void rotateWizard_opens_withACaretOnlyInTheName()
    {
        openRotate(m_keys.at(0));
        QVERIFY(QTest::qWaitForWindowExposed(m_rotate.get()));
        auto *name = m_rotate->findChild<QLineEdit *>(u"replacementNameEdit"_s);
        QTRY_VERIFY(name->hasFocus());
        QStringList stray = labelsShowingAStrayCaret(m_rotate.get());
        // The other dialogs of a key's lifecycle, opened the same way.
        CheckKeyDialog check(m_client.get(), {});
        check.show();
        QVERIFY(QTest::qWaitForWindowExposed(&check));
        stray += labelsShowingAStrayCaret(&check);
        IncidentSummaryDialog summary(m_keys.at(0), u"Workspace viewer"_s, u"Olivia"_s);
        summary.show();
        QVERIFY(QTest::qWaitForWindowExposed(&summary));
        stray += labelsShowingAStrayCaret(&summary);
        QVERIFY2(stray.isEmpty(), qPrintable(stray.join(u", "_s)));
    }

    void lifecycleDialogs_eachAltLetterGoesToOneControl()
    {
        QStringList problems;
        openRotate(m_keys.at(0));
        problems += mnemonicProblems(m_rotate.get());
        QTest::mouseClick(m_rotate->button(QWizard::CommitButton), Qt::LeftButton);
        QTRY_VERIFY(m_rotate->revealDialog());
        closeReveal(m_rotate.get());
        QTRY_COMPARE(m_rotate->currentId(), int(RotateApiKeyWizard::MovePageId));
        problems += mnemonicProblems(m_rotate.get());
        CheckKeyDialog check(m_client.get(), {{u"workspace_viewer"_s, u"Workspace viewer"_s}});
        check.show();
        QTest::keyClicks(check.findChild<QLineEdit *>(u"checkValueEdit"_s), kOldSecret);
        QTest::mouseClick(check.findChild<QPushButton *>(u"checkButton"_s), Qt::LeftButton);
        QTRY_VERIFY(check.findChild<QPushButton *>(u"showInListButton"_s)->isVisible());
        problems += mnemonicProblems(&check);
        IncidentSummaryDialog summary(m_keys.at(0), u"Workspace viewer"_s, u"Olivia"_s);
        summary.show();
        problems += mnemonicProblems(&summary);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s)));
    }

    void rotateWizard_worksByKeyboardAlone()
    {
        openRotate(m_keys.at(0));
        QApplication::setActiveWindow(m_rotate.get());
        // The name has the focus; the commit button is the default button: Enter creates.
        QTRY_VERIFY2(m_rotate->findChild<QLineEdit *>(u"replacementNameEdit"_s)->hasFocus(),
                     QApplication::focusWidget() ? qPrintable(QApplication::focusWidget()->objectName()) : "none");
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QTRY_VERIFY(m_rotate->revealDialog());
        KeyRevealDialog *reveal = m_rotate->revealDialog();
        reveal->findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
        QTest::keyClick(reveal, Qt::Key_Escape);
        QTRY_VERIFY(!m_rotate->revealDialog());
        QCOMPARE(m_rotate->currentId(), int(RotateApiKeyWizard::MovePageId));
        QApplication::setActiveWindow(m_rotate.get());
        QTRY_VERIFY(QApplication::activeWindow() == m_rotate.get());
        Confirmation::setAnswerer([](const Confirmation::Question &) { return true; });
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_D, Qt::AltModifier);
        QTRY_VERIFY(m_rotate->oldKey() && !m_rotate->oldKey()->enabled);
        QTRY_VERIFY(m_rotate->findChild<QPushButton *>(u"deleteOldKeyButton"_s)->isEnabled());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_L, Qt::AltModifier);
        QTRY_VERIFY(!m_rotate->oldKey());
    }

private:
    void installRoutes()
    {
        m_server.on("POST", u"/v1/auth/login"_s,
                    [this](const FakeServer::Request &) { return loginReply(signedInUser(m_role)); });
        m_server.on("GET", u"/v1/me"_s, [this](const FakeServer::Request &) {
            return meReply(signedInUser(m_role), m_role, m_permissions);
        });
        m_server.on("GET", u"/v1/roles"_s, [](const FakeServer::Request &) {
            const QStringList platform = {u"read_api_keys"_s, u"create_api_key"_s, u"manage_api_keys"_s};
            QJsonArray items;
            for (const Role &r : {Role{u"workspace_viewer"_s, u"Workspace viewer"_s, u"Reads"_s, u"workspace"_s, 20, {}},
                                  Role{u"admin"_s, u"Admin"_s, u"Manages keys."_s, u"platform"_s, 80, platform},
                                  Role{u"owner"_s, u"Owner"_s, u"Full control."_s, u"platform"_s, 100, platform}})
                items.append(r.toJson());
            return FakeServer::Reply{200, json({{u"items"_s, items}})};
        });
        m_server.on("GET", u"/v1/workspaces"_s, [](const FakeServer::Request &) {
            QJsonArray items{Workspace{u"ws_AnalyticsProd001"_s, u"Analytics (prod)"_s, QString()}.toJson()};
            return FakeServer::Reply{200, json({{u"items"_s, items}})};
        });
        serveKeys(m_server, m_keys);
        m_server.on("POST", u"/v1/api-keys"_s, [this](const FakeServer::Request &r) {
            const QJsonObject body = QJsonDocument::fromJson(r.body).object();
            ApiKey k =
                makeKey(u"key_nnnnnnnnnnnnnnnn"_s, body.value(u"name"_s).toString(), true, 0, kWorkspace);
            k.lastUsedAt.reset();
            k.lastUsedIp.reset();
            if (body.contains(u"expires_at"_s))
                k.expiresAt = QDateTime::fromString(body.value(u"expires_at"_s).toString(), Qt::ISODateWithMs);
            return FakeServer::Reply{201, json({{u"api_key"_s, k.toJson()}, {u"secret"_s, kSecret},
                                                {u"replaces"_s, QJsonValue()}})};
        });
        m_server.on("POST", u"/v1/api-keys/lookup"_s, [this](const FakeServer::Request &r) {
            const QString value = QJsonDocument::fromJson(r.body).object().value(u"value"_s).toString();
            if (value == kOldSecret)
                return FakeServer::Reply{200, json(m_keys.at(2).toJson())};
            return FakeServer::problem(404, u"not-found"_s, u"No key has this value."_s);
        });
        for (const QString &id : routedKeyIds()) {
            m_server.on("GET", u"/v1/api-keys/%1"_s.arg(id), [this, id](const FakeServer::Request &) {
                for (const ApiKey &k : m_keys) {
                    if (k.id == id)
                        return FakeServer::Reply{200, json(k.toJson())};
                }
                return FakeServer::problem(404, u"not-found"_s, u"no such key"_s);
            });
            m_server.on("POST", u"/v1/api-keys/%1/rotate"_s.arg(id), [this, id](const FakeServer::Request &r) {
                if (m_rotateFailures > 0) {
                    --m_rotateFailures;
                    return FakeServer::problem(503, u"unavailable"_s, u"try again"_s);
                }
                ApiKey *old = nullptr;
                for (ApiKey &k : m_keys) {
                    if (k.id == id)
                        old = &k;
                }
                if (!old)
                    return FakeServer::problem(404, u"not-found"_s, u"no such key"_s);
                if (m_rotateDropped)
                    return FakeServer::lostAnswer();
                if (m_rotateUnreadable)
                    return FakeServer::Reply{201, QByteArrayLiteral(R"({"api_key":{"id":"key_x"}})")};
                const QJsonObject body = QJsonDocument::fromJson(r.body).object();
                ApiKey fresh = *old;
                fresh.id = kReplacementId;
                fresh.name = body.value(u"name"_s).toString(old->name + u" (rotated)"_s);
                fresh.enabled = true;
                fresh.status = u"enabled"_s;
                fresh.createdAt = QDateTime::currentDateTimeUtc();
                fresh.updatedAt = fresh.createdAt;
                fresh.lastUsedAt.reset();
                fresh.lastUsedIp.reset();
                fresh.replaces = old->id;
                old->replacedBy = fresh.id;
                ++m_replacementsMade;
                return FakeServer::Reply{201, json({{u"api_key"_s, fresh.toJson()},
                                                    {u"secret"_s, kSecret},
                                                    {u"replaces"_s, old->toJson()}})};
            });
        }
    }

    void startSignedIn() { ::startSignedIn(m_console, m_server.url()); }

    void openRotate(const ApiKey &key)
    {
        m_replacementsMade = 0;
        m_rotate = std::make_unique<RotateApiKeyWizard>(m_client.get(), key, u"Workspace viewer"_s);
        m_rotate->setRefreshIntervalMs(200);
        m_rotate->show();
    }

    static void closeReveal(QWidget *parent)
    {
        auto *reveal = parent->findChild<KeyRevealDialog *>();
        if (!reveal)
            reveal = qobject_cast<KeyRevealDialog *>(visibleTopLevel(u"keyRevealDialog"_s));
        if (!reveal)
            return;
        reveal->findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
        reveal->accept();
    }

    /// Keeps a picture of a dialog for the docs, when DATARECS_SCREENSHOT_DIR names a folder.
    static void saveScreenshot(QWidget *widget, const QString &name)
    {
        const QString dir = qEnvironmentVariable("DATARECS_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        widget->resize(widget->sizeHint().expandedTo(QSize(760, 520)));
        QTest::qWait(50);
        QVERIFY(widget->grab().save(QDir(dir).filePath(name)));
    }

    FakeServer::Request lastRequest(const QByteArray &method, const QString &path) const
    {
        FakeServer::Request out;
        for (const FakeServer::Request &r : m_server.requests()) {
            if (r.method == method && r.path == path)
                out = r;
        }
        return out;
    }

    MainWindow *window() const { return m_console->mainWindow(); }
    ApiKeysPage *page() const { return m_console->mainWindow()->keysPage(); }
    QTableView *table() const { return keysTable(window()); }
    QAction *action(const QString &name) const { return window()->findChild<QAction *>(name); }
    int rowNamed(const QString &name) const { return ::rowNamed(table(), name); }
    void selectRowNamed(const QString &name) { ::selectRowNamed(window(), name); }

    FakeServer m_server;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<ConsoleApp> m_console;
    std::unique_ptr<RotateApiKeyWizard> m_rotate;
    QList<ApiKey> m_keys;
    QStringList m_permissions;
    QString m_role;
    int m_rotateFailures = 0;
    bool m_rotateUnreadable = false; // the rotation is made, its answer cannot be read
    bool m_rotateDropped = false;    // the request arrives, its answer is lost on the way
    int m_replacementsMade = 0;
};

QTEST_MAIN(TestKeyLifecycle)
#include "tst_keylifecycle.moc"
