#pragma once

#include <QIcon>
#include <QStyle>

namespace datarecs {

/// The application style's standard icon `which`, read the first time it is drawn. The style reads
/// and decodes every size of its icon at once, a few milliseconds of start-up for the page's ten
/// actions, and most of them are drawn later or never (menus, the context menu, disabled states).
QIcon deferredStandardIcon(QStyle::StandardPixmap which);

} // namespace datarecs
