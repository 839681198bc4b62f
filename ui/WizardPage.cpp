#include "WizardPage.h"

#include "AccessibleField.h"

#include <QLabel>

namespace datarecs {

QLabel *WizardPage::textLabel(QWidget *parent, const QString &objectName, const QString &accessibleName, bool hidden)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    setAccessibleField(label, accessibleName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setVisible(!hidden);
    return label;
}

void WizardPage::setMessage(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

} // namespace datarecs
