#pragma once

#include <QLoggingCategory>

// Quiet by default (warnings only): enable with QT_LOGGING_RULES="datarecs.api.debug=true".
// Lines name the method, path, status and request id; never a header, a body, a token or a key.
Q_DECLARE_LOGGING_CATEGORY(lcDatarecsApi)
