#include "ServiceContext.h"

#include <QDateTime>

namespace datarecs::server {

qint64 ServiceContext::now() const { return clock ? clock() : QDateTime::currentMSecsSinceEpoch(); }

} // namespace datarecs::server
