#pragma once

#include <QPlainTextEdit>

namespace datarecs {

/// Read-only text that looks like a label but can break a line anywhere: between words where it
/// can, and inside a word too long for the width, such as a 64-digit hash, a URL or a name without
/// spaces. (A QLabel wraps only between words, so such a value would widen or overflow its pane.)
/// It is exactly as tall as its wrapped lines, and selecting and copying gives the exact value,
/// with no break characters in it.
class WrappedText : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit WrappedText(QWidget *parent = nullptr);

    void setText(const QString &text) { setPlainText(text); }
    QString text() const { return toPlainText(); }

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitHeight();
};

} // namespace datarecs
