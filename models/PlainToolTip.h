#pragma once

#include <QString>
#include <QTextDocument> // Qt::mightBeRichText, Qt::convertFromPlainText

namespace datarecs {

/// A tooltip that shows text exactly as someone typed it. Qt reads a tooltip as HTML as soon as it
/// looks like HTML (a description such as "<b>nightly</b> sync"); such text is turned into HTML
/// that displays it literally. Other text stays as it is.
inline QString plainToolTip(const QString &text)
{
    return Qt::mightBeRichText(text) ? Qt::convertFromPlainText(text, Qt::WhiteSpaceNormal) : text;
}

} // namespace datarecs
