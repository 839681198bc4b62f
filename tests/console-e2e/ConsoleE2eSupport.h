#pragma once

#include "ApiCall.h"
#include "ApiClient.h"
#include "ConsoleServer.h"

#include <QObject>
#include <QTest>

#include <memory>
#include <optional>

namespace datarecs {
class ConsoleApp;
}

// The fixtures the console's end-to-end suites share (console-e2e and audit-e2e), against a real
// ConsoleServer; the settings helpers they use are in ConsoleTestSupport.h.

/// Demo accounts; ConsoleServer::password() has their passwords.
extern const QString kOwner;
extern const QString kMember;

/// Waits for a call and returns its result (test code only: the console itself never blocks).
template <typename T> datarecs::Result<T> await(datarecs::ApiCall<T> *call)
{
    std::optional<datarecs::Result<T>> out;
    QObject context;
    call->onFinished(&context, [&out](const datarecs::Result<T> &r) { out = r; });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, 30000))
        qWarning("a call did not finish in 30 s");
    return out.value_or(datarecs::Result<T>(
        datarecs::ApiError(datarecs::ApiError::Kind::Timeout, QStringLiteral("test gave up waiting"))));
}

/// For initTestCase(): starts the server and signs admin in as the owner, a session of the test's own
/// to set up keys and check what the server says. Empty on success, else what went wrong.
QString startSuite(ConsoleServer &server, datarecs::ApiClient &admin);

/// Starts the console signed in as email and waits for the keys page. The settings are cleared
/// first, so neither the profile nor a session remembered by an earlier test decides who signs in.
void signInAs(std::unique_ptr<datarecs::ConsoleApp> &console, const ConsoleServer &server,
              const QString &email);
/// Waits until the console shows its window with the keys loaded (the real server takes its time).
void waitForKeysPage(const datarecs::ConsoleApp &console);

/// A workspace viewer key made through admin, in the first workspace; empty (and a warning) on failure.
datarecs::CreatedApiKey createKey(datarecs::ApiClient &admin, const QString &name);
/// A client that calls the server with a key value, as a system that was given the key would.
datarecs::ApiClient *clientWithKey(const ConsoleServer &server, const QString &secret, QObject *parent);
