// The keys page's lifecycle actions: Rotate…, Report compromised…, Check a key value…, and the
// links between a key and its replacement. Kept apart from ApiKeysPage.cpp, which holds the list
// and the everyday actions.

#include "ApiKeysPage.h"

#include "ApiKeyDetailsPane.h"
#include "ApiKeyFilterProxyModel.h"
#include "ApiKeyTableModel.h"
#include "CheckKeyDialog.h"
#include "Confirmation.h"
#include "ConsoleSettings.h"
#include "IncidentSummaryDialog.h"
#include "RoleListModel.h"
#include "RotateApiKeyWizard.h"
#include "Session.h"
#include "ui_ApiKeysPage.h"

#include <QAction>
#include <QPointer>
#include <QStyle>
#include <QToolButton>

#include <limits>

namespace datarecs {

namespace {
const QString kCreate = QStringLiteral("create_api_key");
const QString kManage = QStringLiteral("manage_api_keys");
const QString kRead = QStringLiteral("read_api_keys");
const QString kReadAudit = QStringLiteral("read_audit");

QString requestIdOf(const ApiJob *job)
{
    return QString::fromLatin1(job->responseHeader("X-Request-Id"));
}
} // namespace

void ApiKeysPage::setUpLifecycleActions()
{
    m_rotate = makeAction(QStringLiteral("actionRotate"), tr("R&otate…"), QStringLiteral("view-refresh"),
                    QStyle::SP_DialogResetButton, {QKeySequence(tr("Ctrl+Shift+R"))});
    m_reportCompromised = makeAction(QStringLiteral("actionReportCompromised"), tr("Report &compromised…"),
                               QStringLiteral("security-low"), QStyle::SP_MessageBoxWarning,
                               {QKeySequence(tr("Ctrl+Shift+D"))}); // the response starts by disabling (Ctrl+D)
    m_checkKey = makeAction(QStringLiteral("actionCheckKey"), tr("Check a &key value…"), QStringLiteral("edit-find"),
                      QStyle::SP_FileDialogContentsView, {QKeySequence(tr("Ctrl+K"))});
    connect(m_rotate, &QAction::triggered, this, &ApiKeysPage::rotateSelected);
    connect(m_reportCompromised, &QAction::triggered, this, &ApiKeysPage::reportCompromisedSelected);
    connect(m_checkKey, &QAction::triggered, this, &ApiKeysPage::checkKeyValue);

    // On the page too, next to the search: a value found somewhere is where a search starts.
    auto *checkButton = new QToolButton(this);
    checkButton->setObjectName(QStringLiteral("checkKeyButton"));
    checkButton->setDefaultAction(m_checkKey);
    checkButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    checkButton->setAccessibleName(tr("Check a key value"));
    checkButton->setAccessibleDescription(tr("Finds which key of this tenant a pasted value belongs to."));
    checkButton->setFocusPolicy(Qt::StrongFocus);
    m_ui->filterLayout->addWidget(checkButton);

    m_proxy->setRotationDueIcon(themeIcon(QStringLiteral("appointment-soon"), QStyle::SP_MessageBoxWarning));
    connect(m_details, &ApiKeyDetailsPane::keyLinkActivated, this, [this](const QString &id) {
        if (showKey(id))
            m_ui->keysTable->setFocus(Qt::OtherFocusReason);
    });
}

qint64 ApiKeysPage::roleRank(const QString &role) const
{
    const Role *r = m_roles->role(role);
    return r ? r->rank : 0;
}

qint64 ApiKeysPage::callerRank() const
{
    // Before the roles are loaded the rank is unknown: let the server decide rather than refuse.
    if (m_roles->roles().isEmpty())
        return std::numeric_limits<qint64>::max();
    const Identity &me = m_session->identity();
    // A platform role the list does not describe is as unknown as no list at all.
    if (me.role && !m_roles->role(*me.role))
        return std::numeric_limits<qint64>::max();
    qint64 rank = me.role ? roleRank(*me.role) : 0;
    for (const WorkspaceRole &wr : me.workspaceRoles)
        rank = qMax(rank, roleRank(wr.role));
    return rank;
}

void ApiKeysPage::updateLifecycleActions(const std::optional<ApiKey> &key)
{
    if (!m_rotate)
        return;
    const bool signedIn = m_session->isSignedIn();
    const bool keyBusy = key && m_busyKeys.contains(key->id);
    auto apply = [](QAction *action, const QString &what, const QString &reason) {
        action->setEnabled(reason.isEmpty());
        const QString tip = reason.isEmpty() ? what : what + u' ' + reason;
        action->setToolTip(tip);
        action->setStatusTip(tip);
    };

    QString reason;
    if (!signedIn)
        reason = tr("Sign in first.");
    else if (!m_session->can(kCreate))
        reason = tr("Your account cannot rotate keys: that needs the create_api_key permission (Owner or Admin).");
    else if (!key)
        reason = tr("Select a key first.");
    else if (keyBusy)
        reason = tr("Waiting for the server to finish the last change to this key.");
    else if (key->replacedBy) {
        const ApiKey *next = m_model->keyById(*key->replacedBy);
        reason = tr("It was already replaced by “%1”: rotate that key instead, or delete this one once it is quiet.")
                     .arg(next ? next->name : *key->replacedBy);
    } else if (roleRank(key->role) > callerRank())
        reason = tr("The key's role (%1) ranks above your own: ask a tenant owner to rotate it.")
                     .arg(m_model->roleTitle(key->role));
    apply(m_rotate,
          tr("Create a replacement with the same role and workspace, then retire the old key (Ctrl+Shift+R)."),
          reason);

    reason.clear();
    if (!signedIn)
        reason = tr("Sign in first.");
    else if (!m_session->can(kManage))
        reason = tr("Your account cannot disable keys: that needs the manage_api_keys permission (Owner or Admin). "
                    "Tell a tenant admin at once.");
    else if (!key)
        reason = tr("Select a key first.");
    else if (keyBusy)
        reason = tr("Waiting for the server to finish the last change to this key.");
    apply(m_reportCompromised,
          tr("The selected key's value leaked: disable it at once, review its activity and replace it."), reason);

    reason.clear();
    if (!signedIn)
        reason = tr("Sign in first.");
    else if (!m_session->can(kRead))
        reason = tr("Your account cannot read keys: that needs the read_api_keys permission.");
    apply(m_checkKey, tr("Find which key of this tenant a pasted value belongs to (Ctrl+K)."), reason);
}

bool ApiKeysPage::showKey(const QString &id)
{
    if (selectKey(id))
        return true;
    if (m_model->rowOf(id) < 0) {
        Q_EMIT statusMessage(tr("Key %1 is not in the list: refresh it to load the latest keys.").arg(id));
        return false;
    }
    // The filters hide it: show everything rather than leave the user looking at the wrong key.
    m_ui->searchEdit->clear();
    m_ui->statusFilterCombo->setCurrentIndex(int(ApiKeyFilterProxyModel::StatusFilter::All));
    return selectKey(id);
}

void ApiKeysPage::rotateSelected()
{
    const std::optional<ApiKey> key = selectedKey();
    if (!key || !m_rotate->isEnabled())
        return;
    openRotateWizard(*key, this);
}

RotateApiKeyWizard *ApiKeysPage::openRotateWizard(const ApiKey &key, QWidget *parent)
{
    const Role *role = m_roles->role(key.role);
    auto *wizard = new RotateApiKeyWizard(m_session->client(), key, role ? role->title : key.role, parent);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->setClipboardTimeoutMs(
        m_settings->value(QStringLiteral("security/clipboardClearSeconds"), 30).toInt() * 1000);
    connect(wizard, &RotateApiKeyWizard::requestFailed, this,
            [this](const ApiError &error) { m_session->handleError(error); });
    connect(wizard, &RotateApiKeyWizard::replacementCreated, this, [this](const ApiKey &replacement) {
        m_model->upsertKey(replacement);
        loadQuota();
        Q_EMIT statusMessage(tr("Created “%1”: copy its value now, it is shown only once.").arg(replacement.name));
    });
    connect(wizard, &RotateApiKeyWizard::keyChanged, this, [this](const ApiKey &changed) {
        m_model->upsertKey(changed);
    });
    connect(wizard, &RotateApiKeyWizard::keyDeleted, this, [this](const QString &id) {
        if (m_model->removeKey(id))
            loadQuota();
    });
    connect(wizard, &QDialog::finished, this, [this, wizard] {
        // Closing the wizard early is fine, but the old key must not be forgotten (unless it no longer
        // works anyway: disabled, or expired whatever "enabled" says).
        if (wizard->replacement() && wizard->oldKey() && wizard->oldKey()->status == u"enabled")
            Q_EMIT statusMessage(tr("“%1” still works: disable it once every system uses “%2”.")
                                     .arg(wizard->oldKey()->name, wizard->replacement()->name));
    });
    wizard->open();
    return wizard;
}

void ApiKeysPage::reportCompromisedSelected()
{
    const std::optional<ApiKey> selected = selectedKey();
    if (!selected || !m_reportCompromised->isEnabled())
        return;
    const ApiKey key = *selected;
    // One question only: in an incident every extra click is time the key keeps working.
    // A key that is already refused (disabled, or expired whatever "enabled" says) needs no disabling:
    // say so rather than promise a change.
    const bool accepted = key.status == u"enabled";
    const Confirmation::Question question =
        accepted
            ? Confirmation::Question{tr("Report compromised key"),
                                     tr("Report “%1” (%2) as compromised?\n\nThe key is disabled at once: every "
                                        "request made with it is refused. The audit log then opens filtered to this "
                                        "key, and you can create a replacement with the same role and workspace.")
                                         .arg(key.name, key.id),
                                     tr("Disable and report"), true}
            : Confirmation::Question{tr("Report compromised key"),
                                     // The status as the Status column shows it (and translates it), not
                                     // the server's code.
                                     tr("Report “%1” (%2) as compromised?\n\nIts status is already %3: every "
                                        "request made with it is refused, and it stays that way. The audit log "
                                        "opens filtered to this key, and you can create a replacement with the same "
                                        "role and workspace.")
                                         .arg(key.name, key.id, ApiKeyTableModel::statusText(key)),
                                     tr("Report"), false};
    const bool yes = Confirmation::ask(this, question);
    if (!yes)
        return;

    const Identity &me = m_session->identity();
    const QString who = me.user ? tr("%1 <%2>").arg(me.user->name, me.user->email)
                        : me.apiKey ? tr("API key %1 (%2)").arg(me.apiKey->name, me.apiKey->id)
                                    : m_session->account();
    auto *summary = new IncidentSummaryDialog(key, m_roles->titles().value(key.role), who, this);
    summary->setAttribute(Qt::WA_DeleteOnClose);
    summary->addStep(tr("Reported “%1” (%2) as compromised.").arg(key.name, key.id));
    const QString rotateWhyNot = !m_session->can(kCreate)
                                     ? tr("Creating a replacement needs the create_api_key permission.")
                                 : roleRank(key.role) > callerRank()
                                     ? tr("The key's role ranks above your own: ask a tenant owner.")
                                     : QString();
    summary->setReplacementAvailable(rotateWhyNot.isEmpty(), rotateWhyNot);
    QPointer<IncidentSummaryDialog> guard(summary);
    connect(summary, &IncidentSummaryDialog::replacementRequested, this, [this, guard, id = key.id] {
        const ApiKey *current = m_model->keyById(id);
        if (!guard || !current)
            return;
        RotateApiKeyWizard *wizard = openRotateWizard(*current, guard);
        connect(wizard, &RotateApiKeyWizard::replacementCreated, guard,
                [guard](const ApiKey &replacement, const QString &requestId) {
                    guard->addStep(tr("Created the replacement “%1” (%2) with the same role and workspace.")
                                       .arg(replacement.name, replacement.id),
                                   requestId);
                    guard->setReplacementAvailable(false, tr("The replacement was created."));
                });
        connect(wizard, &RotateApiKeyWizard::stepDone, guard, &IncidentSummaryDialog::addStep);
    });
    connect(summary, &IncidentSummaryDialog::copied, this,
            [this] { Q_EMIT statusMessage(tr("The steps taken were copied to the clipboard.")); });

    auto openAudit = [this, guard, id = key.id] {
        if (!m_session->can(kReadAudit)) {
            if (guard)
                guard->addStep(tr("The audit log was not opened: this account cannot read it (read_audit). Ask a "
                                  "tenant owner to review it."));
            return;
        }
        Q_EMIT activityRequested(id);
        if (guard)
            guard->addStep(tr("Opened the audit log filtered to this key, to review what was done with it."));
    };

    summary->open();
    if (!accepted) {
        summary->addStep(tr("The key's status was already %1: requests with it are refused.")
                             .arg(ApiKeyTableModel::statusText(key)));
        openAudit();
        return;
    }
    m_busyKeys.insert(key.id);
    updateActions();
    auto *call = m_session->client()->disableApiKey(key.id);
    track(call);
    call->onFinished(this, [this, call, guard, openAudit, id = key.id, name = key.name](const Result<ApiKey> &result) {
        m_busyKeys.remove(id);
        if (result) {
            m_model->upsertKey(result.value());
            if (guard)
                guard->addStep(tr("Disabled the key: requests with it are refused from now on."), requestIdOf(call));
            Q_EMIT statusMessage(tr("Disabled “%1”: requests with it are now refused.").arg(name));
        } else {
            const ApiError &error = result.error();
            const bool unknown = error.kind() == ApiError::Kind::Network || error.kind() == ApiError::Kind::Timeout;
            if (guard)
                guard->addStep(unknown ? tr("No answer to the disable request (%1): the key may still be enabled. "
                                            "Refresh the list and disable it again.")
                                             .arg(error.userMessage())
                                       : tr("Could not disable the key: %1 Disable it from the list now.")
                                             .arg(error.userMessage()),
                               error.requestId());
            showError(error, BannerKind::ActionFailed, tr("Could not disable “%1”.").arg(name));
        }
        updateActions();
        openAudit();
    });
}

void ApiKeysPage::checkKeyValue()
{
    if (!m_checkKey->isEnabled())
        return;
    auto *dialog = new CheckKeyDialog(m_session->client(), m_roles->titles(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CheckKeyDialog::requestFailed, this, [this](const ApiError &error) { m_session->handleError(error); });
    connect(dialog, &CheckKeyDialog::showKeyRequested, this, [this, dialog](const QString &id) {
        if (showKey(id))
            dialog->accept();
    });
    dialog->open();
}

} // namespace datarecs
