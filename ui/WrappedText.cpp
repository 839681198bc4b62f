#include "WrappedText.h"

#include <QTextDocument>

namespace datarecs {

WrappedText::WrappedText(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setTabChangesFocus(true); // Tab moves on, as from a label
    setFrameShape(QFrame::NoFrame);
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    document()->setDocumentMargin(0);
    // The pane's own background shows through, as it does under a label.
    QPalette p = palette();
    p.setColor(QPalette::Base, Qt::transparent);
    setPalette(p);
    connect(this, &QPlainTextEdit::textChanged, this, &WrappedText::fitHeight);
    fitHeight();
}

void WrappedText::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event); // lays the text out again at the new width
    fitHeight();
}

void WrappedText::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitHeight();
}

void WrappedText::fitHeight()
{
    // The plain-text layout counts the lines the text wraps into at the current width.
    const int lines = qMax(1, document()->lineCount());
    const QMargins m = contentsMargins();
    setFixedHeight(lines * fontMetrics().lineSpacing() + m.top() + m.bottom() + 2);
}

} // namespace datarecs
