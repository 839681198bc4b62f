// The New API Key wizard and the one-time reveal dialog as a user drives them, against a scripted
// server (FakeServer): every page's validation, the roles the caller may grant, the quota, Generate
// with its Idempotency-Key (also across a lost answer), and the secret clipboard.

#include "ApiClient.h"
#include "Confirmation.h"
#include "ConsoleTestSupport.h"
#include "FakeServer.h"
#include "KeyFormat.h"
#include "KeyRevealDialog.h"
#include "NewApiKeyWizard.h"
#include "SecretClipboard.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

const QString kSecret = KeyFormat::compose(u"abcdefghijABCDEFGHIJ0123456789"_s);

ApiKey createdKey(const QJsonObject &request)
{
    ApiKey k;
    k.id = u"key_newnewnewnew0001"_s;
    k.name = request.value(u"name"_s).toString();
    k.description = request.value(u"description"_s).toString();
    k.role = request.value(u"role"_s).toString();
    if (request.contains(u"workspace_id"_s))
        k.workspace = NamedRef{request.value(u"workspace_id"_s).toString(), u"Analytics (prod)"_s};
    k.enabled = true;
    k.status = u"enabled"_s;
    k.hint = KeyFormat::hint(kSecret);
    k.createdBy = {u"user"_s, u"usr_admin00000000001"_s, u"Ada Admin"_s};
    k.createdAt = QDateTime::currentDateTimeUtc();
    k.updatedAt = k.createdAt;
    return k;
}

} // namespace

class TestNewKeyWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(startWidgetSuite(m_server)); }

    void init()
    {
        Confirmation::setAnswerer(nullptr);
        m_quotaUsed = 3;
        m_failRoles = false;
        m_createReply.reset();
        m_server.clearRequests();
        installRoutes();
        m_client = fakeSessionClient(m_server.url());
        m_caller = Identity{};
        m_caller.kind = u"user"_s;
        m_caller.tenant = {u"ten_acme000000000001"_s, u"Acme"_s};
        m_caller.role = u"admin"_s;
        m_caller.permissions = {u"read_api_keys"_s, u"create_api_key"_s, u"manage_api_keys"_s};
        QGuiApplication::clipboard()->clear();
    }

    void cleanup()
    {
        Confirmation::setAnswerer(nullptr);
        m_wizard.reset();
        m_client.reset();
        QVERIFY(m_server.restart());
    }

    // --- the wizard ---

    void namePage_validatesAsTheServerDoes()
    {
        QCOMPARE(NewApiKeyWizard::nameProblem(u"  CI deploy  "_s), QString());
        QVERIFY(!NewApiKeyWizard::nameProblem(u"   "_s).isEmpty());
        QVERIFY(!NewApiKeyWizard::nameProblem(u"a\tb"_s).isEmpty());
        QVERIFY(!NewApiKeyWizard::nameProblem(u"a"_s + QChar(0x2028) + u"b"_s).isEmpty());
        QCOMPARE(NewApiKeyWizard::nameProblem(QString(100, u'x')), QString());
        QVERIFY(!NewApiKeyWizard::nameProblem(QString(101, u'x')).isEmpty());
        QCOMPARE(NewApiKeyWizard::nameProblem(u"  "_s + QString(100, u'x') + u"  "_s), QString()); // trimmed first
        QCOMPARE(NewApiKeyWizard::descriptionProblem(u"line one\nline two\tend"_s), QString());
        QVERIFY(!NewApiKeyWizard::descriptionProblem(u"bell\a"_s).isEmpty());
        QCOMPARE(NewApiKeyWizard::descriptionProblem(QString(500, u'd')), QString());
        QVERIFY(!NewApiKeyWizard::descriptionProblem(QString(501, u'd')).isEmpty());
        // A pasted credential, whole or most of it, is refused; the bare prefixes are ordinary words.
        QVERIFY(!NewApiKeyWizard::nameProblem(u"deploy drk_4f9XbT2mQe8LrZ1aPq7Wn3Ks5Vd6Yh0Jc2Tu8E"_s).isEmpty());
        QVERIFY(!NewApiKeyWizard::descriptionProblem(u"was drs_Zm9vYmFyYmF6cXV4cXV1eGNvcmdl"_s).isEmpty());
        QCOMPARE(NewApiKeyWizard::nameProblem(u"drk_ rotation bot"_s), QString());
        QCOMPARE(NewApiKeyWizard::descriptionProblem(u"Replaces drk_…XK9U"_s), QString());

        openWizard();
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::NamePageId));
        QVERIFY(!next()->isEnabled());
        auto *name = m_wizard->findChild<QLineEdit *>(u"nameEdit"_s);
        QTest::keyClicks(name, u"CI deploy"_s);
        QVERIFY(next()->isEnabled());
        QVERIFY(!m_wizard->findChild<QLabel *>(u"nameError"_s)->isVisible());

        name->setText(QString(101, u'x'));
        QVERIFY(!next()->isEnabled());
        QVERIFY(m_wizard->findChild<QLabel *>(u"nameError"_s)->isVisible());
        QVERIFY(m_wizard->findChild<QLabel *>(u"nameError"_s)->text().contains(u"100"_s));
        // A screen reader hears the problem itself, not only that there is one.
        QCOMPARE(spokenName(m_wizard->findChild<QLabel *>(u"nameError"_s)),
                 u"Name problem: "_s + m_wizard->findChild<QLabel *>(u"nameError"_s)->text());
        name->setText(u"CI\u0001deploy"_s);
        QVERIFY(!next()->isEnabled());
        QVERIFY(m_wizard->findChild<QLabel *>(u"nameError"_s)->text().contains(u"control"_s));
        name->setText(u"invoice\u202Egnp.exe"_s); // would read "invoiceexe.png"
        QVERIFY(!next()->isEnabled());
        QVERIFY(m_wizard->findChild<QLabel *>(u"nameError"_s)->text().contains(u"direction"_s));

        // A duplicate name is a warning, not an error.
        name->setText(u"deploy BOT"_s);
        QVERIFY(next()->isEnabled());
        QVERIFY(m_wizard->findChild<QLabel *>(u"nameWarning"_s)->isVisible());
        QVERIFY(m_wizard->findChild<QLabel *>(u"nameWarning"_s)->text().contains(u"already named"_s));

        auto *description = m_wizard->findChild<QPlainTextEdit *>(u"descriptionEdit"_s);
        description->setPlainText(QString(501, u'd'));
        QVERIFY(!next()->isEnabled());
        QVERIFY(m_wizard->findChild<QLabel *>(u"descriptionError"_s)->text().contains(u"500"_s));
        description->setPlainText(u"Deploys from CI."_s);
        QVERIFY(next()->isEnabled());
    }

    void rolePage_rolesAboveTheCaller_areShownDisabledWithTheReason()
    {
        openWizard();
        QTest::keyClicks(m_wizard->findChild<QLineEdit *>(u"nameEdit"_s), u"CI deploy"_s);
        QTest::mouseClick(next(), Qt::LeftButton);
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::RolePageId));
        auto *list = m_wizard->findChild<QListWidget *>(u"roleList"_s);
        QCOMPARE(list->count(), 5);
        QCOMPARE(m_wizard->callerRank(), 80);
        for (int i = 0; i < list->count(); ++i) {
            QListWidgetItem *item = list->item(i);
            const bool owner = item->data(Qt::UserRole).toString() == u"owner";
            QCOMPARE(bool(item->flags() & Qt::ItemIsEnabled), !owner);
            QVERIFY(item->text().contains(u"May:"_s));
            if (owner) {
                QVERIFY(item->toolTip().contains(u"above your own role (Admin)"_s));
                QVERIFY(item->text().contains(u"above your own role"_s));
            }
        }
        // The narrowest role is recommended and chosen to begin with.
        QCOMPARE(list->currentItem()->data(Qt::UserRole).toString(), u"workspace_viewer"_s);
        QVERIFY(m_wizard->findChild<QLabel *>(u"roleHint"_s)->text().contains(u"narrowest"_s));
        QVERIFY(m_wizard->findChild<QLabel *>(u"roleDetails"_s)->text().contains(u"workspace.read"_s));
        QVERIFY(next()->isEnabled());
        // The disabled owner row cannot be chosen.
        list->setCurrentRow(list->count() - 1);
        QCOMPARE(m_wizard->newKey().role == u"owner", false);
    }

    void workspacePage_offersAllWorkspacesExplicitly_andSearches()
    {
        openWizard();
        QTest::keyClicks(m_wizard->findChild<QLineEdit *>(u"nameEdit"_s), u"CI deploy"_s);
        QTest::mouseClick(next(), Qt::LeftButton);
        QTest::mouseClick(next(), Qt::LeftButton);
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::WorkspacePageId));
        auto *list = m_wizard->findChild<QListView *>(u"workspaceList"_s);
        QCOMPARE(list->model()->rowCount(), 3);
        QCOMPARE(list->model()->index(0, 0).data().toString(), u"All workspaces"_s);
        QCOMPARE(list->currentIndex().row(), 0);
        QCOMPARE(m_wizard->newKey().workspaceId, QString());
        QVERIFY(next()->isEnabled());

        QTest::keyClicks(m_wizard->findChild<QLineEdit *>(u"workspaceSearch"_s), u"PROD"_s);
        QCOMPARE(list->model()->rowCount(), 2); // "All workspaces" always stays
        QCOMPARE(list->currentIndex().data().toString(), u"Analytics (prod)"_s);
        QCOMPARE(m_wizard->newKey().workspaceId, u"ws_AnalyticsProd001"_s);
    }

    void quotaReached_isSaidOnTheFirstPage_andGenerateStaysDisabled()
    {
        m_quotaUsed = 50;
        openWizard();
        auto *quota = m_wizard->findChild<QLabel *>(u"quotaMessage"_s);
        QVERIFY(quota->isVisible());
        QVERIFY2(quota->text().contains(u"50 of 50 keys: delete unused keys or ask to raise the quota"_s),
                 qPrintable(quota->text()));
        walkToReview(u"CI deploy"_s);
        QCOMPARE(generate()->text(), u"Generate"_s);
        QVERIFY(!generate()->isEnabled());
        // A disabled Generate must say why where it is, not only on the first page.
        auto *review = m_wizard->findChild<QLabel *>(u"reviewQuotaMessage"_s);
        QVERIFY(review && review->isVisible());
        QVERIFY2(review->text().contains(u"50 of 50 keys"_s), qPrintable(review->text()));
        QCOMPARE(m_server.count("POST", u"/v1/api-keys"_s), 0);
    }

    void generate_sendsOneRequestWithAnIdempotencyKey_andTheRevealShowsTheValueMasked()
    {
        openWizard();
        QSignalSpy created(m_wizard.get(), &NewApiKeyWizard::keyCreated);
        m_wizard->findChild<QPlainTextEdit *>(u"descriptionEdit"_s)->setPlainText(u"  Deploys from CI.  "_s);
        walkToReview(u"  CI deploy "_s);
        const QString summary = m_wizard->findChild<QLabel *>(u"reviewSummary"_s)->text();
        QVERIFY2(summary.contains(u"CI deploy"_s) && summary.contains(u"Workspace viewer"_s) &&
                     summary.contains(u"All workspaces"_s) && summary.contains(u"Deploys from CI."_s),
                 qPrintable(summary));
        QCOMPARE(generate()->text(), u"Generate"_s);
        QVERIFY(generate()->isEnabled());
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_COMPARE(created.size(), 1);
        QTRY_VERIFY(!m_wizard->isVisible());
        QCOMPARE(m_wizard->result(), int(QDialog::Accepted));

        QCOMPARE(m_server.count("POST", u"/v1/api-keys"_s), 1);
        const FakeServer::Request sent = postRequests().constFirst();
        QCOMPARE(QString::fromLatin1(sent.idempotencyKey), m_wizard->idempotencyKey());
        QVERIFY(!sent.idempotencyKey.isEmpty());
        const QJsonObject body = QJsonDocument::fromJson(sent.body).object();
        QCOMPARE(body.value(u"name"_s).toString(), u"CI deploy"_s);
        QCOMPARE(body.value(u"description"_s).toString(), u"Deploys from CI."_s);
        QCOMPARE(body.value(u"role"_s).toString(), u"workspace_viewer"_s);
        QVERIFY(!body.contains(u"workspace_id"_s));

        const auto key = created.first().first().value<CreatedApiKey>();
        QCOMPARE(key.secret, kSecret);
        KeyRevealDialog reveal(key, u"Workspace viewer"_s);
        reveal.show();
        QVERIFY(QTest::qWaitForWindowExposed(&reveal));
        const QStringList stray = labelsShowingAStrayCaret(&reveal);
        QVERIFY2(stray.isEmpty(), qPrintable(stray.join(u", "_s)));
        auto *value = reveal.findChild<QLineEdit *>(u"valueEdit"_s);
        QVERIFY(reveal.isMasked());
        QCOMPARE(value->echoMode(), QLineEdit::Password);
        QVERIFY(value->isReadOnly());
        QCOMPARE(value->text(), kSecret);
        QCOMPARE(reveal.findChild<QLabel *>(u"revealName"_s)->text(), u"CI deploy"_s);
        QCOMPARE(reveal.findChild<QLabel *>(u"revealRole"_s)->text(), u"Workspace viewer"_s);
        QVERIFY(reveal.findChild<QLabel *>(u"revealWorkspace"_s)->text().contains(u"All workspaces"_s));
        QVERIFY(reveal.findChild<QLabel *>(u"revealWarning"_s)->text().contains(u"cannot be shown again"_s));
        reveal.findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
        reveal.accept();
    }

    void review_afterGoingBack_showsTheChangedFields_asGenerateSendsThem()
    {
        openWizard();
        walkToReview(u"CI deploy"_s);
        auto *summary = m_wizard->findChild<QLabel *>(u"reviewSummary"_s);
        QVERIFY2(summary->text().contains(u"Role: Workspace viewer"_s), qPrintable(summary->text()));

        // Back twice to the role, a broader one, Next twice: Review says so.
        QTest::mouseClick(back(), Qt::LeftButton);
        QTest::mouseClick(back(), Qt::LeftButton);
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::RolePageId));
        auto *roles = m_wizard->findChild<QListWidget *>(u"roleList"_s);
        QListWidgetItem *editor = roles->findItems(u"Workspace editor"_s, Qt::MatchStartsWith).value(0);
        QVERIFY(editor);
        QTest::mouseClick(roles->viewport(), Qt::LeftButton, {}, roles->visualItemRect(editor).center());
        QTest::mouseClick(next(), Qt::LeftButton);
        QTest::mouseClick(next(), Qt::LeftButton);
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::ReviewPageId));
        QVERIFY2(summary->text().contains(u"Role: Workspace editor"_s), qPrintable(summary->text()));

        // Back to the name, another one: Review shows it, not the first.
        while (m_wizard->currentId() != NewApiKeyWizard::NamePageId)
            QTest::mouseClick(back(), Qt::LeftButton);
        auto *name = m_wizard->findChild<QLineEdit *>(u"nameEdit"_s);
        name->selectAll();
        QTest::keyClicks(name, u"Nightly export"_s);
        while (m_wizard->currentId() != NewApiKeyWizard::ReviewPageId)
            QTest::mouseClick(next(), Qt::LeftButton);
        QVERIFY2(summary->text().contains(u"Name: Nightly export"_s) && !summary->text().contains(u"CI deploy"_s),
                 qPrintable(summary->text()));

        QSignalSpy created(m_wizard.get(), &NewApiKeyWizard::keyCreated);
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_COMPARE(created.size(), 1);
        const QJsonObject body = QJsonDocument::fromJson(postRequests().constFirst().body).object();
        QCOMPARE(body.value(u"name"_s).toString(), u"Nightly export"_s);
        QCOMPARE(body.value(u"role"_s).toString(), u"workspace_editor"_s);
    }

    void generate_roleRefusedByTheServer_showsOnTheRolePage_andKeepsEveryField()
    {
        m_createReply = FakeServer::problem(403, u"role-too-high"_s, u"You act as admin."_s);
        openWizard();
        m_wizard->findChild<QPlainTextEdit *>(u"descriptionEdit"_s)->setPlainText(u"Deploys."_s);
        walkToReview(u"CI deploy"_s);
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_COMPARE(m_wizard->currentId(), int(NewApiKeyWizard::RolePageId));
        QVERIFY2(m_wizard->pageMessage(NewApiKeyWizard::RolePageId).contains(u"above your own"_s),
                 qPrintable(m_wizard->pageMessage(NewApiKeyWizard::RolePageId)));
        QVERIFY(m_wizard->findChild<QLabel *>(u"roleMessage"_s)->isVisible());
        QCOMPARE(m_wizard->findChild<QLineEdit *>(u"nameEdit"_s)->text(), u"CI deploy"_s);
        QCOMPARE(m_wizard->findChild<QPlainTextEdit *>(u"descriptionEdit"_s)->toPlainText(), u"Deploys."_s);
        QCOMPARE(m_wizard->newKey().role, u"workspace_viewer"_s);
        QVERIFY(m_wizard->isVisible());
    }

    void generate_unreadableCreatedAnswer_saysTheKeyProbablyExists()
    {
        // A 201 whose body is not the contract's: the key was made, its value reached nobody.
        m_createReply = FakeServer::Reply{201, QByteArrayLiteral(R"({"api_key":{"id":"key_x"}})")};
        openWizard();
        walkToReview(u"CI deploy"_s);
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_VERIFY(m_wizard->pageMessage(NewApiKeyWizard::ReviewPageId).contains(u"most likely created"_s));
        const QString message = m_wizard->pageMessage(NewApiKeyWizard::ReviewPageId);
        QVERIFY2(message.contains(u"delete “CI deploy”"_s), qPrintable(message));
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::ReviewPageId));
        QVERIFY(m_wizard->isVisible());

        // A web page answering in the server's place (a sign-in portal) is no sign of a key.
        m_createReply = FakeServer::Reply{200, QByteArrayLiteral("<html>Sign in to the Wi-Fi</html>"), "text/html"};
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_COMPARE(m_server.count("POST", u"/v1/api-keys"_s), 2);
        QTRY_VERIFY(!m_wizard->isGenerating());
        const QString portal = m_wizard->pageMessage(NewApiKeyWizard::ReviewPageId);
        QVERIFY2(!portal.isEmpty() && !portal.contains(u"most likely created"_s), qPrintable(portal));
    }

    void generate_quotaRefusedByTheServer_showsOnTheNamePage()
    {
        m_createReply = FakeServer::problem(409, u"quota-exceeded"_s, u"limit reached"_s);
        openWizard();
        walkToReview(u"CI deploy"_s);
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_COMPARE(m_wizard->currentId(), int(NewApiKeyWizard::NamePageId));
        QVERIFY(m_wizard->isQuotaReached());
        QVERIFY(!m_wizard->pageMessage(NewApiKeyWizard::NamePageId).isEmpty());
        QCOMPARE(m_wizard->findChild<QLineEdit *>(u"nameEdit"_s)->text(), u"CI deploy"_s);
    }

    void generate_noAnswer_explainsTheKeysState_andRetriesWithTheSameKey()
    {
        openWizard();
        walkToReview(u"CI deploy"_s);
        m_createReply = FakeServer::lostAnswer(); // read, then the answer is lost
        QTest::mouseClick(generate(), Qt::LeftButton);
        QVERIFY(m_wizard->isGenerating());
        QVERIFY(!m_wizard->button(QWizard::CancelButton)->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!m_wizard->isGenerating(), 15000);
        const QString message = m_wizard->pageMessage(NewApiKeyWizard::ReviewPageId);
        QVERIFY2(message.contains(u"may or may not have been created"_s), qPrintable(message));
        QVERIFY(message.contains(u"Press Generate again"_s));
        QVERIFY(message.contains(u"refresh the API Keys list"_s));
        // Proper sentences: no untranslated "attempt(s)", no sentence closed inside parentheses.
        QVERIFY2(!message.contains(u"attempt(s)"_s) && !message.contains(u".)"_s), qPrintable(message));
        QVERIFY2(message.startsWith(u"No answer from the server after 3 attempts. Could not reach"_s),
                 qPrintable(message));
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::ReviewPageId));
        QVERIFY(m_wizard->isVisible());
        // The keyboard user lands back on Generate, ready to press it again.
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(generate()));

        m_createReply.reset();
        m_server.clearRequests();
        QSignalSpy created(m_wizard.get(), &NewApiKeyWizard::keyCreated);
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_COMPARE(created.size(), 1);
        QCOMPARE(m_server.count("POST", u"/v1/api-keys"_s), 1);
        QCOMPARE(QString::fromLatin1(postRequests().constFirst().idempotencyKey), m_wizard->idempotencyKey());
    }

    void generate_noAnswer_locksTheFields_soTheRetrySendsTheSameRequest()
    {
        openWizard();
        m_wizard->findChild<QPlainTextEdit *>(u"descriptionEdit"_s)->setPlainText(u"Deploys."_s);
        walkToReview(u"CI deploy"_s);
        m_createReply = FakeServer::lostAnswer(); // read, then the answer is lost
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_wizard->isGenerating(), 15000);
        const QString message = m_wizard->pageMessage(NewApiKeyWizard::ReviewPageId);
        QVERIFY2(message.contains(u"cannot be changed"_s), qPrintable(message));

        // Going back shows the fields, but they no longer change, and the page says why.
        QTest::mouseClick(back(), Qt::LeftButton);
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::WorkspacePageId));
        QVERIFY(!m_wizard->findChild<QListView *>(u"workspaceList"_s)->isEnabled());
        QVERIFY(m_wizard->findChild<QLabel *>(u"workspaceLockedNotice"_s)->isVisible());
        QTest::mouseClick(back(), Qt::LeftButton);
        QVERIFY(!m_wizard->findChild<QListWidget *>(u"roleList"_s)->isEnabled());
        QVERIFY(m_wizard->findChild<QLabel *>(u"roleLockedNotice"_s)->isVisible());
        QTest::mouseClick(back(), Qt::LeftButton);
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::NamePageId));
        auto *notice = m_wizard->findChild<QLabel *>(u"nameLockedNotice"_s);
        QVERIFY(notice->isVisible());
        QVERIFY2(notice->text().contains(u"may already have been created"_s), qPrintable(notice->text()));
        auto *name = m_wizard->findChild<QLineEdit *>(u"nameEdit"_s);
        name->setFocus();
        QTest::keyClicks(name, u" 2"_s);
        QTest::keyClicks(m_wizard->findChild<QPlainTextEdit *>(u"descriptionEdit"_s), u" More."_s);
        QCOMPARE(m_wizard->newKey().name, u"CI deploy"_s);
        QCOMPARE(m_wizard->newKey().description, u"Deploys."_s);

        m_createReply.reset();
        m_server.clearRequests();
        while (m_wizard->currentId() != NewApiKeyWizard::ReviewPageId)
            QTest::mouseClick(next(), Qt::LeftButton);
        QSignalSpy created(m_wizard.get(), &NewApiKeyWizard::keyCreated);
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_COMPARE(created.size(), 1);
        QCOMPARE(m_server.count("POST", u"/v1/api-keys"_s), 1);
        const QJsonObject body = QJsonDocument::fromJson(postRequests().constFirst().body).object();
        QCOMPARE(body.value(u"name"_s).toString(), u"CI deploy"_s);
        QCOMPARE(body.value(u"description"_s).toString(), u"Deploys."_s);
    }

    void generate_serverDown_saysNothingWasSent_andKeepsTheFieldsOpen()
    {
        // A refused connection sent nothing: no key can exist, so nothing is locked or left in doubt.
        openWizard();
        walkToReview(u"CI deploy"_s);
        m_server.close();
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_wizard->isGenerating(), 15000);
        const QString message = m_wizard->pageMessage(NewApiKeyWizard::ReviewPageId);
        QVERIFY2(message.contains(u"Nothing reached the server"_s), qPrintable(message));
        QVERIFY2(!message.contains(u"may or may not"_s), qPrintable(message));
        QVERIFY(!m_wizard->findChild<QLineEdit *>(u"nameEdit"_s)->isReadOnly());
        QVERIFY(m_wizard->findChild<QListWidget *>(u"roleList"_s)->isEnabled());

        QVERIFY(m_server.listen());
        QSignalSpy created(m_wizard.get(), &NewApiKeyWizard::keyCreated);
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_COMPARE(created.size(), 1);
    }

    void generate_noAnswerThenARefusal_unlocksTheFieldsToCorrect()
    {
        openWizard();
        walkToReview(u"CI deploy"_s);
        m_createReply = FakeServer::lostAnswer(); // read, then the answer is lost
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_wizard->isGenerating(), 15000);
        QVERIFY(!m_wizard->findChild<QListWidget *>(u"roleList"_s)->isEnabled());

        // The repeat is answered with a refusal that asks for another role: the role can be changed
        // (were the key made, another request under the same Idempotency-Key would be refused as reused).
        m_createReply = FakeServer::problem(403, u"role-too-high"_s, u"You act as admin."_s);
        QTest::mouseClick(generate(), Qt::LeftButton);
        QTRY_COMPARE(m_wizard->currentId(), int(NewApiKeyWizard::RolePageId));
        QVERIFY(m_wizard->findChild<QListWidget *>(u"roleList"_s)->isEnabled());
        QVERIFY(!m_wizard->findChild<QLineEdit *>(u"nameEdit"_s)->isReadOnly());
        QVERIFY(!m_wizard->findChild<QLabel *>(u"roleLockedNotice"_s)->isVisible());
    }

    void rolesFailedToLoad_tryAgain_loadsThem_andKeepsWhatWasTyped()
    {
        m_failRoles = true;
        openWizard();
        QTest::keyClicks(m_wizard->findChild<QLineEdit *>(u"nameEdit"_s), u"CI deploy"_s);
        QTest::mouseClick(next(), Qt::LeftButton);
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::RolePageId));
        QVERIFY(!next()->isEnabled());
        QVERIFY(m_wizard->pageMessage(NewApiKeyWizard::RolePageId).contains(u"Could not load the roles"_s));
        auto *retry = m_wizard->findChild<QPushButton *>(u"roleRetryButton"_s);
        QVERIFY(retry && retry->isVisible());
        QVERIFY(!retry->accessibleName().isEmpty());

        m_failRoles = false;
        QTest::mouseClick(retry, Qt::LeftButton);
        QTRY_VERIFY(next()->isEnabled());
        QCOMPARE(m_wizard->findChild<QListWidget *>(u"roleList"_s)->count(), 5);
        QVERIFY(m_wizard->pageMessage(NewApiKeyWizard::RolePageId).isEmpty());
        QVERIFY(!retry->isVisible());
        QCOMPARE(m_wizard->newKey().name, u"CI deploy"_s);
        QCOMPARE(m_server.count("GET", u"/v1/roles"_s), 2);
        QCOMPARE(m_server.count("GET", u"/v1/quota"_s), 1); // what had loaded is not asked again
    }

    void everyControl_hasAnAccessibleName()
    {
        openWizard();
        for (QWidget *w : m_wizard->findChildren<QWidget *>()) {
            if ((qobject_cast<QLineEdit *>(w) || qobject_cast<QPlainTextEdit *>(w) || qobject_cast<QListView *>(w) ||
                 qobject_cast<QAbstractButton *>(w)) && w->isVisibleTo(m_wizard.get()) && !w->objectName().startsWith(u"qt_"))
                QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->objectName()));
        }
        // The workspace search's clear button, Qt's own, is named too.
        auto *search = m_wizard->findChild<QLineEdit *>(u"workspaceSearch"_s);
        const QList<QToolButton *> clear = search->findChildren<QToolButton *>(Qt::FindDirectChildrenOnly);
        QCOMPARE(clear.size(), 1);
        QCOMPARE(clear.first()->accessibleName(), u"Clear the workspace search"_s);
        CreatedApiKey key;
        key.apiKey = createdKey({{u"name"_s, u"x"_s}, {u"role"_s, u"admin"_s}});
        key.secret = kSecret;
        KeyRevealDialog reveal(key, u"Admin"_s);
        for (QWidget *w : reveal.findChildren<QWidget *>()) {
            if (qobject_cast<QLineEdit *>(w) || qobject_cast<QAbstractButton *>(w))
                QVERIFY2(!w->accessibleName().isEmpty() && !w->objectName().isEmpty(), qPrintable(w->objectName()));
        }
        reveal.findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
    }

    void everyPage_eachAltLetterGoesToOneControl()
    {
        openWizard();
        QStringList problems;
        QTest::keyClicks(m_wizard->findChild<QLineEdit *>(u"nameEdit"_s), u"CI deploy"_s);
        for (int page = NewApiKeyWizard::NamePageId; page <= NewApiKeyWizard::ReviewPageId; ++page) {
            QCOMPARE(m_wizard->currentId(), page);
            for (const QString &p : mnemonicProblems(m_wizard.get()))
                problems << m_wizard->currentPage()->title() + u": "_s + p;
            if (page < NewApiKeyWizard::ReviewPageId)
                QTest::mouseClick(next(), Qt::LeftButton);
        }
        CreatedApiKey key;
        key.apiKey = createdKey({{u"name"_s, u"x"_s}, {u"role"_s, u"admin"_s}});
        key.secret = kSecret;
        KeyRevealDialog reveal(key, u"Admin"_s);
        reveal.show();
        for (const QString &p : mnemonicProblems(&reveal))
            problems << u"Reveal: "_s + p;
        reveal.findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s)));
    }

    // --- the reveal dialog ---

    void reveal_showToggle_unmasksAndMasksAgain()
    {
        KeyRevealDialog reveal(created(), u"Admin"_s);
        reveal.show();
        auto *show = reveal.findChild<QCheckBox *>(u"showValueCheck"_s);
        QVERIFY(reveal.isMasked());
        QTest::mouseClick(show, Qt::LeftButton, {}, QPoint(4, show->height() / 2));
        QVERIFY(!reveal.isMasked());
        QCOMPARE(reveal.findChild<QLineEdit *>(u"valueEdit"_s)->displayText(), kSecret);
        QTest::keyClick(show, Qt::Key_Space);
        QVERIFY(reveal.isMasked());
        QVERIFY(reveal.findChild<QLineEdit *>(u"valueEdit"_s)->displayText() != kSecret);
        reveal.findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
    }

    void reveal_shownValue_leavesOnlyThroughTheSecretCopy()
    {
        SecretClipboard clipboard;
        KeyRevealDialog reveal(created(), u"Admin"_s, nullptr, &clipboard);
        reveal.show();
        QVERIFY(QTest::qWaitForWindowExposed(&reveal));
        reveal.findChild<QCheckBox *>(u"showValueCheck"_s)->setChecked(true);
        auto *value = reveal.findChild<QLineEdit *>(u"valueEdit"_s);
        QCOMPARE(value->displayText(), kSecret);
        value->setFocus();

        // Ctrl+C in the field is the dialog's Copy: marked secret, and cleared after the countdown.
        QTest::keyClick(value, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(value, Qt::Key_C, Qt::ControlModifier);
        QVERIFY(reveal.wasCopied());
        QVERIFY(clipboard.isCountingDown());
        const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
        QVERIFY(mime);
        QCOMPARE(mime->text(), kSecret);
        QCOMPARE(mime->data(u"x-kde-passwordManagerHint"_s), QByteArray("secret"));

        // Nothing to select (the X11 selection would take it), to drag, or to copy from a menu.
        QVERIFY(!value->hasSelectedText());
        QTest::mouseDClick(value, Qt::LeftButton, {}, QPoint(8, value->height() / 2));
        QVERIFY(!value->hasSelectedText());
        QTest::keyClick(value, Qt::Key_End, Qt::ShiftModifier);
        QVERIFY(!value->hasSelectedText());
        QVERIFY(!value->dragEnabled());
        QContextMenuEvent menu(QContextMenuEvent::Mouse, QPoint(8, 4), value->mapToGlobal(QPoint(8, 4)));
        QApplication::sendEvent(value, &menu);
        QVERIFY(!QApplication::activePopupWidget());
        reveal.findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
        reveal.accept();
    }

    void reveal_copy_marksTheValueSecret_andClearsItAfterTheCountdown()
    {
        SecretClipboard clipboard;
        KeyRevealDialog reveal(created(), u"Admin"_s, nullptr, &clipboard);
        reveal.setClipboardTimeoutMs(1200);
        reveal.show();
        QTest::mouseClick(reveal.findChild<QPushButton *>(u"copyButton"_s), Qt::LeftButton);
        QVERIFY(reveal.wasCopied());
        const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
        QVERIFY(mime);
        QCOMPARE(mime->text(), kSecret);
        QCOMPARE(mime->data(u"x-kde-passwordManagerHint"_s), QByteArray("secret"));
        auto *countdown = reveal.findChild<QLabel *>(u"countdownLabel"_s);
        QVERIFY2(countdown->text().contains(u"cleared in 2 seconds"_s), qPrintable(countdown->text()));
        QVERIFY(clipboard.isCountingDown());
        QTRY_VERIFY_WITH_TIMEOUT(!clipboard.isCountingDown(), 5000);
        QVERIFY(QGuiApplication::clipboard()->text().isEmpty());
        QVERIFY(countdown->text().contains(u"was cleared"_s));
        reveal.accept(); // copied: no question
        QVERIFY(!Confirmation::lastQuestion() || Confirmation::lastQuestion()->title != u"Close without copying?");
    }

    void reveal_countdown_leavesTheClipboardAloneWhenItChanged()
    {
        SecretClipboard clipboard;
        KeyRevealDialog reveal(created(), u"Admin"_s, nullptr, &clipboard);
        reveal.setClipboardTimeoutMs(300);
        reveal.show();
        QSignalSpy finished(&clipboard, &SecretClipboard::finished);
        QTest::mouseClick(reveal.findChild<QPushButton *>(u"copyButton"_s), Qt::LeftButton);
        QGuiApplication::clipboard()->setText(u"something the user copied since"_s);
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().toBool(), false);
        QCOMPARE(QGuiApplication::clipboard()->text(), u"something the user copied since"_s);
        QVERIFY(reveal.findChild<QLabel *>(u"countdownLabel"_s)->text().contains(u"left alone"_s));
        reveal.accept();
    }

    void reveal_close_asksUnlessCopiedOrStored_andWipesTheValue()
    {
        int asked = 0;
        bool answer = false;
        Confirmation::setAnswerer([&](const Confirmation::Question &) {
            ++asked;
            return answer;
        });
        {
            KeyRevealDialog reveal(created(), u"Admin"_s);
            reveal.show();
            QTest::mouseClick(reveal.findChild<QPushButton *>(u"closeButton"_s), Qt::LeftButton);
            QCOMPARE(asked, 1);
            QVERIFY(Confirmation::lastQuestion()->text.contains(u"cannot be shown"_s));
            QVERIFY(reveal.isVisible()); // the user said no
            QVERIFY(reveal.holdsValue());
            answer = true;
            QTest::keyClick(&reveal, Qt::Key_Escape);
            QCOMPARE(asked, 2);
            QVERIFY(!reveal.isVisible());
            QVERIFY(!reveal.holdsValue());
            QVERIFY(reveal.findChild<QLineEdit *>(u"valueEdit"_s)->text().isEmpty());
        }
        {
            KeyRevealDialog reveal(created(), u"Admin"_s);
            reveal.show();
            reveal.findChild<QCheckBox *>(u"storedCheck"_s)->setChecked(true);
            QTest::mouseClick(reveal.findChild<QPushButton *>(u"closeButton"_s), Qt::LeftButton);
            QCOMPARE(asked, 2);
            QVERIFY(!reveal.isVisible());
            QVERIFY(!reveal.holdsValue());
        }
        {
            SecretClipboard clipboard;
            KeyRevealDialog reveal(created(), u"Admin"_s, nullptr, &clipboard);
            reveal.show();
            QTest::mouseClick(reveal.findChild<QPushButton *>(u"copyButton"_s), Qt::LeftButton);
            QTest::mouseClick(reveal.findChild<QPushButton *>(u"closeButton"_s), Qt::LeftButton);
            QCOMPARE(asked, 2);
            QVERIFY(!reveal.isVisible());
            // The countdown outlives the dialog; a guard that goes away takes our value with it.
            QVERIFY(clipboard.isCountingDown());
        }
        QVERIFY(QGuiApplication::clipboard()->text().isEmpty());
    }

private:
    void installRoutes()
    {
        m_server.on("GET", u"/v1/roles"_s, [this](const FakeServer::Request &) {
            if (m_failRoles)
                return FakeServer::problem(401, u"invalid-token"_s, u"session expired"_s);
            const QStringList platform = {u"read_api_keys"_s, u"create_api_key"_s, u"manage_api_keys"_s};
            QJsonArray items;
            // Deliberately not in rank order: the wizard orders them.
            for (const Role &r : {Role{u"owner"_s, u"Owner"_s, u"Full control."_s, u"platform"_s, 100, platform},
                                  Role{u"workspace_viewer"_s, u"Workspace viewer"_s, u"Reads a workspace."_s,
                                       u"workspace"_s, 20, {u"workspace.read"_s}},
                                  Role{u"admin"_s, u"Admin"_s, u"Manages keys."_s, u"platform"_s, 80, platform},
                                  Role{u"workspace_admin"_s, u"Workspace admin"_s, u"Administers a workspace."_s,
                                       u"workspace"_s, 60, {u"workspace.admin"_s}},
                                  Role{u"workspace_editor"_s, u"Workspace editor"_s, u"Writes a workspace."_s,
                                       u"workspace"_s, 40, {u"workspace.write"_s}}})
                items.append(r.toJson());
            return FakeServer::Reply{200, json({{u"items"_s, items}})};
        });
        m_server.on("GET", u"/v1/workspaces"_s, [](const FakeServer::Request &) {
            QJsonArray items{Workspace{u"ws_AnalyticsProd001"_s, u"Analytics (prod)"_s, u"Dashboards"_s}.toJson(),
                             Workspace{u"ws_Billing000000001"_s, u"Billing"_s, QString()}.toJson()};
            return FakeServer::Reply{200, json({{u"items"_s, items}})};
        });
        m_server.on("GET", u"/v1/quota"_s,
                    [this](const FakeServer::Request &) { return quotaReply(m_quotaUsed); });
        m_server.on("POST", u"/v1/api-keys"_s, [this](const FakeServer::Request &r) {
            if (m_createReply)
                return *m_createReply;
            const QJsonObject body = QJsonDocument::fromJson(r.body).object();
            return FakeServer::Reply{201, json({{u"api_key"_s, createdKey(body).toJson()},
                                                {u"secret"_s, kSecret},
                                                {u"replaces"_s, QJsonValue()}})};
        });
    }

    void openWizard()
    {
        m_wizard = std::make_unique<NewApiKeyWizard>(m_client.get(), m_caller,
                                                     QStringList{u"Deploy bot"_s, u"Billing export"_s});
        m_wizard->show();
        QTRY_VERIFY(m_wizard->isLoaded());
        const QStringList stray = labelsShowingAStrayCaret(m_wizard.get());
        QVERIFY2(stray.isEmpty(), qPrintable(stray.join(u", "_s)));
    }

    void walkToReview(const QString &name)
    {
        QTest::keyClicks(m_wizard->findChild<QLineEdit *>(u"nameEdit"_s), name);
        for (int page = NewApiKeyWizard::NamePageId; page < NewApiKeyWizard::ReviewPageId; ++page) {
            QVERIFY2(next()->isEnabled(), qPrintable(QString::number(page)));
            QTest::mouseClick(next(), Qt::LeftButton);
        }
        QCOMPARE(m_wizard->currentId(), int(NewApiKeyWizard::ReviewPageId));
    }

    QList<FakeServer::Request> postRequests() const
    {
        QList<FakeServer::Request> out;
        for (const FakeServer::Request &r : m_server.requests()) {
            if (r.method == "POST" && r.path == u"/v1/api-keys")
                out.append(r);
        }
        return out;
    }

    static CreatedApiKey created()
    {
        CreatedApiKey key;
        key.apiKey = createdKey({{u"name"_s, u"CI deploy"_s}, {u"role"_s, u"admin"_s}});
        key.secret = kSecret;
        return key;
    }

    QAbstractButton *next() const { return m_wizard->button(QWizard::NextButton); }
    QAbstractButton *back() const { return m_wizard->button(QWizard::BackButton); }
    QAbstractButton *generate() const { return m_wizard->button(QWizard::FinishButton); }

    FakeServer m_server;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<NewApiKeyWizard> m_wizard;
    Identity m_caller;
    int m_quotaUsed = 3;
    bool m_failRoles = false;
    std::optional<FakeServer::Reply> m_createReply;
};

Q_DECLARE_METATYPE(datarecs::CreatedApiKey)

QTEST_MAIN(TestNewKeyWizard)
#include "tst_newkeywizard.moc"
