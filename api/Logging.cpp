#include "Logging.h"

Q_LOGGING_CATEGORY(lcDatarecsApi, "datarecs.api", QtWarningMsg)
