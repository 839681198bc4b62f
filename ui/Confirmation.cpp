#include "Confirmation.h"

#include <QMessageBox>
#include <QPushButton>

namespace datarecs {

namespace {
Confirmation::Answerer &answerer()
{
    static Confirmation::Answerer a;
    return a;
}
std::optional<Confirmation::Question> &last()
{
    static std::optional<Confirmation::Question> q;
    return q;
}
} // namespace

bool Confirmation::ask(QWidget *parent, const Question &question)
{
    last() = question;
    if (answerer())
        return answerer()(question);

    QMessageBox box(parent);
    box.setObjectName(QStringLiteral("confirmationBox"));
    box.setIcon(question.destructive ? QMessageBox::Warning : QMessageBox::Question);
    box.setWindowTitle(question.title);
    box.setTextFormat(Qt::PlainText); // the text names keys as their creators typed them
    box.setText(question.text);
    QPushButton *accept = box.addButton(question.acceptLabel, QMessageBox::AcceptRole);
    accept->setAccessibleName(question.acceptLabel);
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    // The safe answer is the default: Enter on a destructive question must not destroy.
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == accept;
}

void Confirmation::setAnswerer(Answerer a)
{
    answerer() = std::move(a);
}

std::optional<Confirmation::Question> Confirmation::lastQuestion()
{
    return last();
}

} // namespace datarecs
