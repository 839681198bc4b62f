#include "FitToContents.h"

#include <QLayout>
#include <QWidget>

#include <algorithm>

namespace datarecs {

void growToFitContents(QWidget *window)
{
    QLayout *layout = window->layout();
    if (!layout || !window->isVisible())
        return; // show() sizes a window to its contents (height-for-width included) by itself
    layout->activate();
    const int width = window->width();
    const int needed = std::max(layout->hasHeightForWidth() ? layout->totalHeightForWidth(width)
                                                            : layout->totalSizeHint().height(),
                                layout->totalMinimumSize().height());
    // Set every time, so that a shorter message lowers the minimum again.
    window->setMinimumHeight(needed);
    if (window->height() < needed)
        window->resize(width, needed);
}

} // namespace datarecs
