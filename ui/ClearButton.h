#pragma once

#include <QString>

class QLineEdit;

namespace datarecs {

/// Turns on a line edit's clear button and names it ("Clear search") for screen readers and its
/// tooltip. Qt's own clear button shows only an icon, so without this it is read as a button with
/// no name.
void enableClearButton(QLineEdit *edit, const QString &name);

} // namespace datarecs
