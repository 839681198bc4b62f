#include "ConsoleTestSupport.h"

#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "Confirmation.h"
#include "MainWindow.h"

#include <QAccessible>
#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QAbstractButton>
#include <QKeySequence>
#include <QLabel>
#include <QMap>
#include <QMenuBar>
#include <QSettings>
#include <QTableView>
#include <QTest>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {
const QString kOwnerEmail = u"owner@acme.test"_s;
const QString kSessionToken = u"drs_fakesessiontoken"_s;
// ProfileStore's file (shared with the CLI) and ConsoleSettings' own.
const QStringList kSettingsApplications = {u"datarecs"_s, u"datarecs-console"_s};
} // namespace

const QString kPassword = u"correct horse"_s;

void clearConsoleSettings()
{
    for (const QString &app : kSettingsApplications)
        QSettings(QSettings::IniFormat, QSettings::UserScope, u"DataRecs"_s, app).clear();
}

QStringList settingsKeysHolding(const QStringList &texts)
{
    QStringList found;
    for (const QString &app : kSettingsApplications) {
        QSettings s(QSettings::IniFormat, QSettings::UserScope, u"DataRecs"_s, app);
        for (const QString &k : s.allKeys()) {
            for (const QString &text : texts) {
                if (s.value(k).toString().contains(text))
                    found.append(app + u'/' + k);
            }
        }
    }
    return found;
}

ConsoleApp::Options signInOptions(const QUrl &server, const QString &email, const QString &password)
{
    return {.server = server, .profile = {}, .screenshotPath = {}, .email = email, .password = password};
}

QWidget *visibleTopLevel(const QString &objectName)
{
    for (QWidget *w : QApplication::topLevelWidgets()) {
        if (w->objectName() == objectName && w->isVisible())
            return w;
    }
    return nullptr;
}

QString spokenName(QWidget *widget)
{
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(widget);
    return iface ? iface->text(QAccessible::Name) : QString();
}

QStringList labelsShowingAStrayCaret(QWidget *root)
{
    QStringList found;
    for (QLabel *label : root->findChildren<QLabel *>()) {
        if (!label->isVisible() || label->hasFocus() || !(label->textInteractionFlags() & Qt::TextSelectableByKeyboard))
            continue;
        const QImage before = label->grab().toImage();
        QFocusEvent out(QEvent::FocusOut, Qt::OtherFocusReason);
        QCoreApplication::sendEvent(label, &out);
        if (label->grab().toImage() != before)
            found << label->objectName();
    }
    return found;
}

QStringList mnemonicProblems(QWidget *window)
{
    QMap<QString, QStringList> users; // "Alt+S" → the texts that use it
    QStringList problems;
    for (QWidget *w : window->findChildren<QWidget *>()) {
        if (!w->isVisible())
            continue;
        QString text;
        if (auto *label = qobject_cast<QLabel *>(w)) {
            text = label->text();
            if (!QKeySequence::mnemonic(text).isEmpty() && !label->buddy())
                problems << u"“%1” leads to no control"_s.arg(text);
        } else if (auto *button = qobject_cast<QAbstractButton *>(w)) {
            text = button->text();
        } else if (auto *menus = qobject_cast<QMenuBar *>(w)) {
            for (const QAction *menu : menus->actions()) {
                const QKeySequence key = QKeySequence::mnemonic(menu->text());
                if (!key.isEmpty())
                    users[key.toString()] << menu->text();
            }
        }
        const QKeySequence key = QKeySequence::mnemonic(text);
        if (!key.isEmpty())
            users[key.toString()] << text;
    }
    for (auto it = users.cbegin(); it != users.cend(); ++it) {
        if (it.value().size() > 1)
            problems << it.key() + u": "_s + it.value().join(u", "_s);
    }
    return problems;
}

QTableView *keysTable(const MainWindow *window)
{
    return window->findChild<QTableView *>(u"keysTable"_s);
}

int rowNamed(const QTableView *table, const QString &name)
{
    for (int r = 0; r < table->model()->rowCount(); ++r) {
        if (table->model()->index(r, ApiKeyTableModel::Name).data().toString() == name)
            return r;
    }
    return -1;
}

void selectRowNamed(MainWindow *window, const QString &name)
{
    QTableView *table = keysTable(window);
    const int row = rowNamed(table, name);
    QVERIFY2(row >= 0, qPrintable(name));
    const QRect rect = table->visualRect(table->model()->index(row, 0));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(window->keysPage()->selectedKey()->name, name);
}

void answerAndCount(int &asked, bool answer)
{
    Confirmation::setAnswerer([&asked, answer](const Confirmation::Question &) {
        ++asked;
        return answer;
    });
}

bool startWidgetSuite(FakeServer &server)
{
    QApplication::setQuitOnLastWindowClosed(false);
    return server.listen();
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

ApiKey makeKey(const QString &id, const QString &name, bool enabled, int createdDaysAgo,
               const std::optional<NamedRef> &workspace)
{
    ApiKey k;
    k.id = id;
    k.name = name;
    k.description = u"Used by "_s + name;
    k.role = u"workspace_viewer"_s;
    k.workspace = workspace;
    k.enabled = enabled;
    k.status = enabled ? u"enabled"_s : u"disabled"_s;
    k.hint = u"drk_…"_s + id.right(4);
    k.createdBy = {u"user"_s, u"usr_owner00000000001"_s, kOwnerEmail};
    k.createdAt = QDateTime::currentDateTimeUtc().addDays(-createdDaysAgo);
    k.updatedAt = k.createdAt;
    k.lastUsedAt = QDateTime::currentDateTimeUtc().addSecs(-3600);
    k.lastUsedIp = u"198.51.100.4"_s;
    return k;
}

QList<ApiKey> startingKeys(const std::optional<NamedRef> &workspace)
{
    return {makeKey(u"key_aaaaaaaaaaaaaaaa"_s, u"Deploy bot"_s, true, 1, workspace),
            makeKey(u"key_bbbbbbbbbbbbbbbb"_s, u"Billing export"_s, false, 10, workspace),
            makeKey(u"key_cccccccccccccccc"_s, u"Old reporting"_s, true, 200, workspace)};
}

QStringList allPermissions()
{
    return {u"read_api_keys"_s, u"create_api_key"_s, u"manage_api_keys"_s, u"read_audit"_s,
            u"read_workspaces"_s};
}

User signedInUser(const QString &role)
{
    User u{u"usr_owner00000000001"_s, kOwnerEmail, u"Olivia Owner"_s, std::nullopt};
    if (!role.isEmpty())
        u.role = role;
    return u;
}

FakeServer::Reply loginReply(const User &user)
{
    const QJsonObject o{{u"token"_s, kSessionToken},
                        {u"token_type"_s, u"Bearer"_s},
                        {u"expires_at"_s, u"2099-01-01T00:00:00.000Z"_s},
                        {u"user"_s, user.toJson()}};
    return FakeServer::Reply{200, json(o)};
}

FakeServer::Reply meReply(const User &user, const QString &role, const QStringList &permissions)
{
    Identity id;
    id.kind = u"user"_s;
    id.tenant = {u"ten_acme000000000001"_s, u"Acme"_s};
    id.user = user;
    if (!role.isEmpty())
        id.role = role;
    id.permissions = permissions;
    return FakeServer::Reply{200, json(id.toJson())};
}

FakeServer::Reply quotaReply(qint64 used)
{
    return FakeServer::Reply{
        200, json({{u"limit"_s, 50}, {u"used"_s, used}, {u"remaining"_s, qMax<qint64>(0, 50 - used)}})};
}

FakeServer::Reply keyListReply(const QList<ApiKey> &keys)
{
    QJsonArray items;
    for (const ApiKey &k : keys)
        items.append(k.toJson());
    return FakeServer::Reply{200, json({{u"items"_s, items}, {u"next_cursor"_s, QJsonValue()}})};
}

FakeServer::Reply setKeyEnabled(QList<ApiKey> &keys, const QString &id, bool enabled)
{
    for (ApiKey &k : keys) {
        if (k.id == id) {
            k.enabled = enabled;
            k.status = enabled ? u"enabled"_s : u"disabled"_s;
            return FakeServer::Reply{200, json(k.toJson())};
        }
    }
    return FakeServer::problem(404, u"not-found"_s, u"no such key"_s);
}

QStringList routedKeyIds()
{
    QStringList ids;
    for (int i = 0; i < 4; ++i)
        ids.append(u"key_"_s + QString(16, QChar(u'a' + i)));
    return ids;
}

void serveKeys(FakeServer &server, QList<ApiKey> &keys)
{
    server.on("GET", u"/v1/quota"_s, [&keys](const FakeServer::Request &) { return quotaReply(keys.size()); });
    server.on("GET", u"/v1/api-keys"_s, [&keys](const FakeServer::Request &) { return keyListReply(keys); });
    for (const QString &id : routedKeyIds()) {
        server.on("POST", u"/v1/api-keys/%1/disable"_s.arg(id),
                  [&keys, id](const FakeServer::Request &) { return setKeyEnabled(keys, id, false); });
        server.on("DELETE", u"/v1/api-keys/%1"_s.arg(id), [&keys, id](const FakeServer::Request &) {
            keys.removeIf([&](const ApiKey &k) { return k.id == id; });
            return FakeServer::Reply{204, {}};
        });
    }
}

std::unique_ptr<ApiClient> fakeSessionClient(const QUrl &server)
{
    auto client = std::make_unique<ApiClient>();
    client->setBaseUrl(server);
    client->setCredential(kSessionToken);
    ClientOptions options;
    options.retry.initialDelayMs = 50;
    client->setOptions(options);
    return client;
}

void startSignedIn(std::unique_ptr<ConsoleApp> &console, const QUrl &server)
{
    console = std::make_unique<ConsoleApp>(signInOptions(server, kOwnerEmail, kPassword));
    console->start();
    QTRY_VERIFY(console->mainWindow() && console->mainWindow()->isVisible());
    QTRY_VERIFY(console->mainWindow()->keysPage()->hasLoaded());
    QTRY_VERIFY(!console->mainWindow()->keysPage()->isBusy());
}
