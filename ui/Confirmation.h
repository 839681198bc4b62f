#pragma once

#include <QString>

#include <functional>
#include <optional>

class QWidget;

namespace datarecs {

/// Asks the user to confirm a consequential action (delete, disable). The one place such questions
/// are asked, so tests can answer them: a widget test sets an answerer instead of facing a modal
/// box nobody can click.
class Confirmation
{
public:
    struct Question
    {
        QString title;
        QString text;         ///< what will happen, naming the object
        QString acceptLabel;  ///< the verb on the button, e.g. "Delete key"
        bool destructive = false;
    };
    using Answerer = std::function<bool(const Question &)>;

    /// Returns true if the user accepted. Blocks in a modal dialog unless an answerer is set.
    static bool ask(QWidget *parent, const Question &question);

    /// Tests: answer every question with this (nullptr restores the dialog).
    static void setAnswerer(Answerer answerer);
    /// Tests: the last question asked, to check its wording.
    static std::optional<Question> lastQuestion();
};

} // namespace datarecs
