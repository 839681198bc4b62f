#include "ClearButton.h"

#include <QLineEdit>
#include <QToolButton>

namespace datarecs {

void enableClearButton(QLineEdit *edit, const QString &name)
{
    // The button is a private QToolButton child created by setClearButtonEnabled(): the new child is it.
    const QList<QToolButton *> before = edit->findChildren<QToolButton *>(Qt::FindDirectChildrenOnly);
    edit->setClearButtonEnabled(true);
    for (QToolButton *button : edit->findChildren<QToolButton *>(Qt::FindDirectChildrenOnly)) {
        if (before.contains(button))
            continue;
        button->setAccessibleName(name);
        button->setToolTip(name);
    }
}

} // namespace datarecs
