#include "SecretField.h"

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QLineEdit>

namespace datarecs {

namespace {

class SecretFieldGuard : public QObject
{
public:
    SecretFieldGuard(QLineEdit *edit, std::function<void()> copy)
        : QObject(edit)
        , m_edit(edit)
        , m_copy(std::move(copy))
    {
        edit->setDragEnabled(false);
        edit->installEventFilter(this);
        // Undone as soon as it is made, before a mouse release or key press hands it to PRIMARY.
        connect(edit, &QLineEdit::selectionChanged, this, [this] {
            if (shown() && m_edit->hasSelectedText())
                m_edit->deselect();
        });
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const auto *key = static_cast<QKeyEvent *>(event);
            if (key->matches(QKeySequence::Copy)) {
                if (m_copy)
                    m_copy();
                return true;
            }
            if (key->matches(QKeySequence::Cut) && shown())
                return true;
        } else if (event->type() == QEvent::ContextMenu && shown()) {
            return true; // its Copy would put the plain value on the clipboard, unmarked and for good
        }
        return QObject::eventFilter(watched, event);
    }

private:
    bool shown() const { return m_edit->echoMode() == QLineEdit::Normal; }

    QLineEdit *m_edit;
    std::function<void()> m_copy;
};

} // namespace

void guardSecretField(QLineEdit *edit, std::function<void()> copy)
{
    new SecretFieldGuard(edit, std::move(copy));
}

void showSecretField(QLineEdit *edit, bool shown)
{
    if (shown)
        edit->deselect(); // selected while masked: no selection may carry over into clear text
    edit->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
}

} // namespace datarecs
