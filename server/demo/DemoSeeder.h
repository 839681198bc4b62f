#pragma once

#include <QJsonObject>
#include <QString>

namespace datarecs::server {

class ServerKeyring;
class Storage;

namespace DemoSeeder {

/// Fills an empty store with two tenants (Acme, Globex), their users, workspaces, a few dozen keys in
/// every state the console shows, and about four months of audit history, so that every screen has
/// something real to display. The shape is the same on every run; passwords and key values are fresh.
/// Key values are only ever HMACed and then dropped. The users' passwords go to
/// dataDir/demo-credentials.json (0600) and to *credentials.
/// Returns false with *error set if the store already has tenants or a write fails.
bool seed(Storage &storage, const ServerKeyring &keyring, const QString &dataDir, QJsonObject *credentials,
          QString *error);

} // namespace DemoSeeder
} // namespace datarecs::server
