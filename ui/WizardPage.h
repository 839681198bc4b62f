#pragma once

#include <QWizardPage>

#include <functional>

class QLabel;

namespace datarecs {

/// A wizard page whose completeness, validation and set-up are given by its wizard, which owns all
/// the state (the pages only lay out the wizard's widgets). Shared by the console's wizards.
class WizardPage : public QWizardPage
{
public:
    using QWizardPage::QWizardPage;
    std::function<bool()> complete;
    std::function<bool()> validate;
    std::function<void()> initialize;

    bool isComplete() const override { return complete ? complete() : true; }
    bool validatePage() override { return validate ? validate() : true; }
    void initializePage() override
    {
        if (initialize)
            initialize();
    }
    void changed() { Q_EMIT completeChanged(); }

    /// A label for text on a page: wraps, selectable, plain text, read by screen readers by its name.
    static QLabel *textLabel(QWidget *parent, const QString &objectName, const QString &accessibleName,
                             bool hidden = false);
    /// Shows text in a label made by textLabel, or hides the label when the text is empty.
    static void setMessage(QLabel *label, const QString &text);
};

} // namespace datarecs
