#include "ConsoleE2eSupport.h"

#include "ApiKeysPage.h"
#include "ConsoleApp.h"
#include "ConsoleTestSupport.h"
#include "MainWindow.h"

#include <QApplication>

using namespace datarecs;
using namespace Qt::StringLiterals;

const QString kOwner = u"owner@acme.test"_s;
const QString kMember = u"member@acme.test"_s;

QString startSuite(ConsoleServer &server, ApiClient &admin)
{
    QApplication::setQuitOnLastWindowClosed(false);
    if (const QString error = server.start(); !error.isEmpty())
        return error;
    admin.setBaseUrl(server.url());
    const Result<LoginResult> login = await(admin.login(kOwner, server.password(kOwner)));
    if (!login.ok())
        return u"the owner could not sign in: "_s + login.error().userMessage();
    admin.setCredential(login.value().token);
    return {};
}

void signInAs(std::unique_ptr<ConsoleApp> &console, const ConsoleServer &server, const QString &email)
{
    ::clearConsoleSettings();
    console = std::make_unique<ConsoleApp>(::signInOptions(server.url(), email, server.password(email)));
    console->start();
    waitForKeysPage(*console);
}

void waitForKeysPage(const ConsoleApp &console)
{
    QTRY_VERIFY_WITH_TIMEOUT(console.mainWindow() && console.mainWindow()->isVisible(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(
        console.mainWindow()->keysPage()->hasLoaded() && !console.mainWindow()->keysPage()->isBusy(), 20000);
}

CreatedApiKey createKey(ApiClient &admin, const QString &name)
{
    NewApiKey key;
    key.name = name;
    key.role = u"workspace_viewer"_s;
    const Result<QList<Workspace>> workspaces = await(admin.workspaces());
    if (workspaces.ok() && !workspaces.value().isEmpty())
        key.workspaceId = workspaces.value().first().id;
    const Result<CreatedApiKey> created = await(admin.createApiKey(key));
    if (!created.ok())
        qWarning() << "create failed:" << created.error().userMessage();
    return created.ok() ? created.value() : CreatedApiKey{};
}

ApiClient *clientWithKey(const ConsoleServer &server, const QString &secret, QObject *parent)
{
    auto *client = new ApiClient(parent);
    client->setBaseUrl(server.url());
    client->setCredential(secret);
    return client;
}
