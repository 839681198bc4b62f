#pragma once

#include <QString>

class QLabel;

namespace datarecs {

/// Makes screen readers read a label that shows the value of a field as "Field: value", for
/// example "Role: Admin" or "Sign-in problem: Wrong email or password". Qt reads a label either by a
/// fixed accessible name, which hides the value, or by its text alone, which hides what the value
/// is. The name follows every later setText(), and Qt announces each change (it does so for labels
/// without a fixed accessible name), so the label must not be given one.
void setAccessibleField(QLabel *label, const QString &field);

} // namespace datarecs
