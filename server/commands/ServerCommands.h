#pragma once

#include <QStringList>

namespace datarecs::server {

/// The datarecs-server command line: serve, init, audit-verify, set-quota. Returns the exit code
/// (0 ok, 1 failure, 2 usage).
int runServerCommand(const QStringList &arguments);

} // namespace datarecs::server
