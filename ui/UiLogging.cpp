#include "UiLogging.h"

Q_LOGGING_CATEGORY(lcDatarecsUi, "datarecs.ui", QtWarningMsg)
