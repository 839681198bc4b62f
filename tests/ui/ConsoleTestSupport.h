#pragma once

#include "ApiClient.h"
#include "ApiKey.h"
#include "ConsoleApp.h"
#include "FakeServer.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <optional>

class QTableView;
class QWidget;

namespace datarecs {
class MainWindow;
}

// The fixtures the console's suites share: the widget suites here (against a FakeServer) and the
// end-to-end suites (against a real server), which use the settings and window helpers.

// --- any suite that drives the console ---

/// Empties both settings files the console writes (the profile it shares with the CLI and its own),
/// so no profile, layout or remembered session of an earlier test leaks into the next one.
void clearConsoleSettings();
/// The settings (as "application/key") whose value contains any of texts: what must stay empty for a
/// password or token never to be written to disk.
QStringList settingsKeysHolding(const QStringList &texts);

/// Options that start the console signed in as email, without asking.
datarecs::ConsoleApp::Options signInOptions(const QUrl &server, const QString &email,
                                            const QString &password);

/// The top-level widget with this objectName that is on screen (a dialog the console opened by itself).
QWidget *visibleTopLevel(const QString &objectName);

/// What a screen reader reads as the widget's name (its accessible interface's, not the property).
QString spokenName(QWidget *widget);

/// The visible labels under root that draw a text caret although they do not have the focus (a
/// caret makes a label look editable). Telling such a label the focus left redraws it without the
/// caret, so a picture that changes gives it away.
QStringList labelsShowingAStrayCaret(QWidget *root);

/// What is wrong with the Alt+letter keys of the visible labels and buttons of a window: a letter
/// used twice ("Alt+S: &Show value, I have &stored this key"), or a label's letter that leads to
/// no control. Empty when each letter goes to one control.
QStringList mnemonicProblems(QWidget *window);

QTableView *keysTable(const datarecs::MainWindow *window);
/// The row of the keys table that shows the key of that name, or -1.
int rowNamed(const QTableView *table, const QString &name);
/// Selects that key by clicking its row, as a user would.
void selectRowNamed(datarecs::MainWindow *window, const QString &name);

/// Answers every confirmation with answer and counts the questions in asked, which must live until
/// cleanup() takes the answerer away.
void answerAndCount(int &asked, bool answer);

// --- the widget suites' FakeServer ---

/// The password the FakeServer's owner signs in with.
extern const QString kPassword;

/// For initTestCase(): a window a test closes must not quit the application, and the server listens
/// before the first test (cleanup() restarts it on the same port).
bool startWidgetSuite(FakeServer &server);

/// A FakeServer reply body.
QByteArray json(const QJsonObject &o);

/// A key as the FakeServer lists it, last used an hour ago; restricted to workspace when given.
datarecs::ApiKey makeKey(const QString &id, const QString &name, bool enabled, int createdDaysAgo,
                         const std::optional<datarecs::NamedRef> &workspace = std::nullopt);
/// The keys the keys-page suites start from: enabled, disabled, and old enough for a rotation to be due.
QList<datarecs::ApiKey> startingKeys(const std::optional<datarecs::NamedRef> &workspace = std::nullopt);
/// Every permission the keys page and the audit log ask for.
QStringList allPermissions();

/// The signed-in account, owner@acme.test; an empty role makes it a member.
datarecs::User signedInUser(const QString &role);
/// POST /v1/auth/login: a session for user, with the token fakeSessionClient() uses.
FakeServer::Reply loginReply(const datarecs::User &user);
/// GET /v1/me: user, in the Acme tenant, acting with role (none when empty) and permissions.
FakeServer::Reply meReply(const datarecs::User &user, const QString &role, const QStringList &permissions);
/// GET /v1/quota with used of 50 keys taken.
FakeServer::Reply quotaReply(qint64 used);
/// GET /v1/api-keys: keys, on one page.
FakeServer::Reply keyListReply(const QList<datarecs::ApiKey> &keys);
/// POST /v1/api-keys/{id}/enable or /disable, applied to keys.
FakeServer::Reply setKeyEnabled(QList<datarecs::ApiKey> &keys, const QString &id, bool enabled);
/// The ids the per-key routes answer for: the starting keys' and key_dddddddddddddddd, which tests add.
QStringList routedKeyIds();
/// Serves keys as the keys page reads and changes them: GET /v1/quota and /v1/api-keys, and POST
/// …/disable and DELETE for each of routedKeyIds(). keys stays the test's own: what a test changes
/// there, the next request sees.
void serveKeys(FakeServer &server, QList<datarecs::ApiKey> &keys);

/// A client already signed in to the FakeServer at server. Its retries come quickly, so that a test
/// of a lost answer does not wait for the real back-off.
std::unique_ptr<datarecs::ApiClient> fakeSessionClient(const QUrl &server);

/// Starts the console signed in as the owner and waits until the keys page has loaded.
void startSignedIn(std::unique_ptr<datarecs::ConsoleApp> &console, const QUrl &server);
