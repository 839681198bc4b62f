#pragma once

#include "Confirmation.h"

#include <QCoreApplication>

namespace datarecs {

/// The questions asked before changing a key, worded once so that the page and the wizards that
/// disable or delete a key ask exactly the same thing.
class KeyQuestions
{
    Q_DECLARE_TR_FUNCTIONS(KeyQuestions)
public:
    static Confirmation::Question disableKey(const QString &name)
    {
        return {tr("Disable API key"),
                tr("Disable “%1”?\n\nEvery request made with this key will be refused at once, until the key "
                   "is enabled again.")
                    .arg(name),
                tr("Disable key"), false};
    }
    static Confirmation::Question deleteKey(const QString &name, const QString &id)
    {
        return {tr("Delete API key"),
                tr("Delete “%1” (%2)?\n\nThis cannot be undone. Every request made with this key will be refused "
                   "from now on.")
                    .arg(name, id),
                tr("Delete key"), true};
    }
};

} // namespace datarecs
