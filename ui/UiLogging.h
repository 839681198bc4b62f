#pragma once

#include <QLoggingCategory>

// Quiet by default (warnings only): QT_LOGGING_RULES="datarecs.ui.debug=true" to follow the console's
// flow. Lines name states and key ids, never a password, a token or a key value.
Q_DECLARE_LOGGING_CATEGORY(lcDatarecsUi)
