// The key lifecycle end to end: the console's wizards and dialogs, driven as a user would, against a
// real datarecs-server (loopback, fresh data, --demo) inside a real Secret Service session. Each key
// value the console reveals is then used against the server, to see that creating, rotating,
// disabling and reporting a key do what the server enforces. Last, no value may have reached the
// settings, any file under HOME, or the log.

#include "ApiClient.h"
#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "CheckKeyDialog.h"
#include "Confirmation.h"
#include "ConsoleApp.h"
#include "ConsoleE2eSupport.h"
#include "ConsoleServer.h"
#include "ConsoleTestSupport.h"
#include "ExpiryPicker.h"
#include "IncidentSummaryDialog.h"
#include "KeyFormat.h"
#include "KeyRevealDialog.h"
#include "MainWindow.h"
#include "NewApiKeyWizard.h"
#include "RotateApiKeyWizard.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLoggingCategory>
#include <QMutex>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {
// Every message the process logs, whatever its category or level, to look for secrets in.
QMutex logMutex;
QStringList &capturedLog()
{
    static QStringList log;
    return log;
}
QtMessageHandler previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        capturedLog().append(QString::fromLatin1(context.category ? context.category : "") + u' ' + message);
    }
    if (previousHandler && type != QtDebugMsg)
        previousHandler(type, context, message);
}
} // namespace

class TestKeyLifecycleE2e : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Debug output of the console's own categories too: a value must not be there either.
        QLoggingCategory::setFilterRules(u"datarecs.*.debug=true"_s);
        previousHandler = qInstallMessageHandler(captureMessage);
        const QString error = startSuite(m_server, m_admin);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void cleanupTestCase() { qInstallMessageHandler(previousHandler); }

    void init() { Confirmation::setAnswerer(nullptr); }

    void cleanup()
    {
        Confirmation::setAnswerer(nullptr);
        m_console.reset();
    }

    void createInTheWizard_rotate_disableOld_theServerAgreesAtEachStep()
    {
        signInAs(m_console, m_server, kOwner);

        // New API Key, from the page's action, through every page of the wizard.
        action(u"actionNewKey"_s)->trigger();
        QTRY_VERIFY(page()->findChild<NewApiKeyWizard *>());
        auto *wizard = page()->findChild<NewApiKeyWizard *>();
        QTRY_VERIFY_WITH_TIMEOUT(wizard->isLoaded(), 20000);
        QTest::keyClicks(wizard->findChild<QLineEdit *>(u"nameEdit"_s), u"e2e lifecycle"_s);
        wizard->findChild<QComboBox *>(u"expiryCombo"_s)->setCurrentIndex(ExpiryPicker::Days90);
        QTest::mouseClick(wizard->button(QWizard::NextButton), Qt::LeftButton); // → Role
        QTest::mouseClick(wizard->button(QWizard::NextButton), Qt::LeftButton); // → Workspace
        auto *workspaces = wizard->findChild<QListView *>(u"workspaceList"_s);
        QVERIFY(workspaces->model()->rowCount() > 1);
        workspaces->setCurrentIndex(workspaces->model()->index(1, 0)); // restricted to one workspace
        QTest::mouseClick(wizard->button(QWizard::NextButton), Qt::LeftButton); // → Review
        QCOMPARE(wizard->currentId(), int(NewApiKeyWizard::ReviewPageId));
        const QString review = wizard->findChild<QLabel *>(u"reviewSummary"_s)->text();
        const QString in90 = QDateTime::currentDateTimeUtc().addDays(90).toLocalTime().date().toString(Qt::ISODate);
        QVERIFY2(review.contains(u"Expires: "_s + in90), qPrintable(review));
        QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
        const QString firstValue = takeRevealedValue(page());
        QVERIFY(KeyFormat::isValid(firstValue));
        const std::optional<ApiKey> first = page()->selectedKey();
        QVERIFY(first && first->name == u"e2e lifecycle"_s);
        QVERIFY(first->expiresAt && *first->expiresAt > QDateTime::currentDateTimeUtc().addDays(89));

        // The revealed value works against the server.
        const Result<Identity> me = await(clientWithKey(m_server, firstValue, this)->me());
        QVERIFY2(me.ok(), qPrintable(me.ok() ? QString() : me.error().userMessage()));
        QCOMPARE(me.value().apiKey->id, first->id);

        // Rotate… from the page: the replacement is revealed once and works too.
        QVERIFY(action(u"actionRotate"_s)->isEnabled());
        action(u"actionRotate"_s)->trigger();
        QTRY_VERIFY(page()->findChild<RotateApiKeyWizard *>());
        auto *rotate = page()->findChild<RotateApiKeyWizard *>();
        rotate->setRefreshIntervalMs(500);
        QTest::mouseClick(rotate->button(QWizard::CommitButton), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(rotate->revealDialog(), 20000);
        const QString secondValue = takeRevealedValue(rotate);
        QVERIFY(KeyFormat::isValid(secondValue));
        QVERIFY(secondValue != firstValue);
        QVERIFY(rotate->replacement());
        const ApiKey second = *rotate->replacement();
        QCOMPARE(second.role, first->role);
        QCOMPARE(second.workspace->id, first->workspace->id);
        QCOMPARE(second.replaces.value_or(QString()), first->id);
        QVERIFY(await(clientWithKey(m_server, secondValue, this)->me()).ok());

        // The old key still works until disabled, and its use shows up on the wizard's page.
        QVERIFY(await(clientWithKey(m_server, firstValue, this)->me()).ok());
        QTRY_VERIFY2_WITH_TIMEOUT(rotate->activityText().contains(u"a system still uses the old key"_s),
                                  qPrintable(rotate->activityText()), 15000);
        QVERIFY(rotate->activityText().contains(u"from 127.0.0.1"_s));

        // The keys are linked in the details pane, by name.
        QTRY_VERIFY(page()->model()->keyById(first->id)->replacedBy.value_or(QString()) == second.id);
        QVERIFY(page()->selectKey(first->id));
        const QString link = m_console->mainWindow()->findChild<QLabel *>(u"replacedByValue"_s)->text();
        QVERIFY2(link.contains(second.name) && link.contains(u"key:"_s + second.id), qPrintable(link));

        // Disable old key → the server refuses the old value; the new one keeps working.
        Confirmation::setAnswerer([](const Confirmation::Question &) { return true; });
        QTest::mouseClick(rotate->findChild<QPushButton *>(u"disableOldKeyButton"_s), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(rotate->oldKey() && !rotate->oldKey()->enabled, 20000);
        const Result<Identity> refused = await(clientWithKey(m_server, firstValue, this)->me());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().httpStatus(), 401);
        QVERIFY(await(clientWithKey(m_server, secondValue, this)->me()).ok());

        // Delete old key → gone on the server too.
        QTRY_VERIFY(rotate->findChild<QPushButton *>(u"deleteOldKeyButton"_s)->isEnabled());
        QTest::mouseClick(rotate->findChild<QPushButton *>(u"deleteOldKeyButton"_s), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!rotate->oldKey(), 20000);
        QCOMPARE(await(m_admin.apiKey(first->id)).error().httpStatus(), 404);
        QCOMPARE(page()->model()->rowOf(first->id), -1);
        rotate->accept();
    }

    void reportCompromised_disablesTheKey_andTheServerRefusesIt()
    {
        const CreatedApiKey created = createKey(u"e2e compromised"_s);
        QVERIFY(await(clientWithKey(m_server, created.secret, this)->me()).ok());
        signInAs(m_console, m_server, kOwner);
        QVERIFY(page()->selectKey(created.apiKey.id));
        QSignalSpy activity(page(), &ApiKeysPage::activityRequested);
        int asked = 0;
        answerAndCount(asked, true);
        action(u"actionReportCompromised"_s)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 1, 20000);
        QCOMPARE(activity.first().first().toString(), created.apiKey.id);
        QCOMPARE(asked, 1);
        const Result<Identity> refused = await(clientWithKey(m_server, created.secret, this)->me());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().httpStatus(), 401);
        QCOMPARE(await(m_admin.apiKey(created.apiKey.id)).value().status, u"disabled"_s);
        auto *summary = page()->findChild<IncidentSummaryDialog *>();
        QVERIFY(summary);
        const QString text = summary->summaryText();
        QVERIFY2(text.contains(u"Disabled the key"_s) && text.contains(u"(request id "_s), qPrintable(text));
        QVERIFY(text.contains(created.apiKey.id));
        summary->accept();
    }

    void checkKey_findsTheRightKey()
    {
        const CreatedApiKey created = createKey(u"e2e found by value"_s);
        createKey(u"e2e another key"_s);
        signInAs(m_console, m_server, kOwner);
        action(u"actionCheckKey"_s)->trigger();
        QTRY_VERIFY(page()->findChild<CheckKeyDialog *>());
        auto *dialog = page()->findChild<CheckKeyDialog *>();
        auto *value = dialog->findChild<QLineEdit *>(u"checkValueEdit"_s);
        QTest::keyClicks(value, created.secret);
        QTest::keyClick(value, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->foundKeyId(), created.apiKey.id, 20000);
        QVERIFY2(dialog->resultText().contains(u"“e2e found by value”"_s), qPrintable(dialog->resultText()));
        QVERIFY(dialog->resultText().contains(u"Status: enabled"_s));

        // A well-formed value the server does not know.
        value->setText(KeyFormat::compose(u"notAKeyOfThisTenant00000000000"_s));
        QTest::keyClick(value, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->resultText().contains(u"not a key of this tenant"_s), 20000);
        dialog->reject();
        QVERIFY(value->text().isEmpty());
    }

    // Runs last (in declaration order): every value seen above must be nowhere on disk or in the log.
    void noKeyValue_inTheSettings_filesUnderHome_orTheLog()
    {
        m_console.reset(); // writes the settings out
        QVERIFY(m_secrets.size() >= 4);
        const QString home = QDir::homePath();
        QVERIFY(home.startsWith(QDir::tempPath())); // the private HOME of with-keyring.sh, not a real one
        int files = 0;
        bool sawSettings = false;
        QDirIterator it(home, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const QByteArray content = file.read(64 * 1024 * 1024);
            ++files;
            sawSettings = sawSettings || path.endsWith(u".conf"_s) || path.endsWith(u".ini"_s);
            for (const QString &secret : std::as_const(m_secrets)) {
                QVERIFY2(!content.contains(secret.toUtf8()), qPrintable(path));
                QVERIFY2(!content.contains(secret.toUtf8().toBase64()), qPrintable(path));
            }
        }
        QVERIFY2(sawSettings, qPrintable(u"no settings file among %1 files under %2"_s.arg(files).arg(home)));
        qInfo("looked for %lld key values in %d files under HOME and %lld log lines", qint64(m_secrets.size()), files,
              qint64(capturedLog().size()));

        QMutexLocker lock(&logMutex);
        QVERIFY2(capturedLog().size() > 10, "the console logged (almost) nothing: the check would prove nothing");
        for (const QString &line : std::as_const(capturedLog())) {
            for (const QString &secret : std::as_const(m_secrets))
                QVERIFY2(!line.contains(secret) && !line.contains(secret.mid(4, 12)), "a key value reached the log");
        }
    }

private:
    /// Reads the value from the one-time reveal (as the user's Copy would), then closes it.
    QString takeRevealedValue(QObject *parent)
    {
        KeyRevealDialog *reveal = nullptr;
        const bool shown = QTest::qWaitFor([&] {
            reveal = parent->findChild<KeyRevealDialog *>();
            return reveal && reveal->isVisible();
        }, 20000);
        if (!shown || !reveal)
            return {};
        const QString value = reveal->findChild<QLineEdit *>(u"valueEdit"_s)->text();
        m_secrets.append(value);
        reveal->findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
        reveal->accept();
        return value;
    }

    /// A key made through the owner's session; its value is looked for on disk and in the log at the end.
    CreatedApiKey createKey(const QString &name)
    {
        const CreatedApiKey created = ::createKey(m_admin, name);
        if (!created.apiKey.id.isEmpty())
            m_secrets.append(created.secret);
        return created;
    }

    ApiKeysPage *page() const { return m_console->mainWindow()->keysPage(); }
    QAction *action(const QString &name) const { return m_console->mainWindow()->findChild<QAction *>(name); }

    ConsoleServer m_server;
    ApiClient m_admin;
    std::unique_ptr<ConsoleApp> m_console;
    QStringList m_secrets;
};

QTEST_MAIN(TestKeyLifecycleE2e)
#include "tst_keylifecycle_e2e.moc"
