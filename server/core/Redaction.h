#pragma once

#include <QString>

namespace datarecs::server {

/// Replaces anything shaped like a key value (drk_...) or a session token (drs_...) with a marker.
/// Applied to every client-supplied string that reaches a log line or an audit record (paths, user
/// agents, attempted emails), since a client may paste a credential where it does not belong.
QString redactSecrets(const QString &text);

} // namespace datarecs::server
