#include "RotateApiKeyWizard.h"

#include "ApiClient.h"
#include "Confirmation.h"
#include "ExpiryPicker.h"
#include "KeyQuestions.h"
#include "KeyRevealDialog.h"
#include "NewApiKeyWizard.h"
#include "TimeText.h"
#include "WizardPage.h"

#include <QAbstractButton>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>


namespace datarecs {

namespace {

constexpr int kNameMax = KeyNameMaxLength;
constexpr int kRefreshMs = 10000;

QString requestIdOf(const ApiJob *job)
{
    return QString::fromLatin1(job->responseHeader("X-Request-Id"));
}

QPushButton *actionButton(QWidget *parent, const QString &objectName, const QString &text,
                          const QString &accessibleName, const QString &description)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(objectName);
    button->setAccessibleName(accessibleName);
    button->setAccessibleDescription(description);
    button->setAutoDefault(false);
    return button;
}

} // namespace

RotateApiKeyWizard::RotateApiKeyWizard(ApiClient *client, const ApiKey &oldKey, const QString &roleTitle,
                                       QWidget *parent)
    : QWizard(parent)
    , m_client(client)
    , m_oldKeyId(oldKey.id)
    , m_oldName(oldKey.name)
    , m_oldKey(oldKey)
    , m_idempotencyKey(ApiClient::newIdempotencyKey())
{
    setObjectName(QStringLiteral("rotateApiKeyWizard"));
    setWindowTitle(tr("Rotate API Key"));
    setAccessibleName(tr("Rotate API Key"));
    setAccessibleDescription(tr("Creates a replacement for “%1”, then helps retire the old key.").arg(oldKey.name));
    setOption(QWizard::NoBackButtonOnStartPage, true);
    setOption(QWizard::NoBackButtonOnLastPage, true);
    setOption(QWizard::NoCancelButtonOnLastPage, true);
    setButtonText(QWizard::CommitButton, tr("Create replacement"));
    setButtonText(QWizard::FinishButton, tr("Done"));
    button(QWizard::CommitButton)->setObjectName(QStringLiteral("createReplacementButton"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("doneButton"));
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("cancelButton"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("backButton"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    for (auto which : {QWizard::CommitButton, QWizard::FinishButton, QWizard::CancelButton, QWizard::BackButton,
                       QWizard::NextButton})
        button(which)->setAccessibleName(buttonText(which).remove(u'&').remove(QStringLiteral(" >")).remove(QStringLiteral("< ")));
    button(QWizard::CommitButton)->setAccessibleDescription(
        tr("Creates the new key and shows its value once. The old key keeps working until you disable it."));

    m_refreshTimer.setInterval(kRefreshMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &RotateApiKeyWizard::refreshOldKey);

    buildReplacementPage(roleTitle);
    buildMovePage();
}

RotateApiKeyWizard::~RotateApiKeyWizard() = default;

QString RotateApiKeyWizard::suggestedName(const QString &oldName, const QDate &today)
{
    const QString suffix = tr(" (rotated %1)").arg(today.toString(Qt::ISODate));
    return oldName.trimmed().left(kNameMax - suffix.size()) + suffix;
}

void RotateApiKeyWizard::buildReplacementPage(const QString &roleTitle)
{
    const ApiKey &old = *m_oldKey;
    m_replacementPage = new WizardPage(this);
    m_replacementPage->setObjectName(QStringLiteral("replacementPage"));
    m_replacementPage->setTitle(tr("Create the replacement"));
    m_replacementPage->setSubTitle(
        tr("The new key gets the same role and workspace as “%1”. The old key keeps working until you disable "
           "it, so that every system can move over first.")
            .arg(old.name));
    auto *layout = new QVBoxLayout(m_replacementPage);

    m_rotateMessage = WizardPage::textLabel(m_replacementPage, QStringLiteral("rotateMessage"), tr("Rotation status"), true);
    layout->addWidget(m_rotateMessage);

    auto *form = new QFormLayout;
    auto *oldLabel = WizardPage::textLabel(m_replacementPage, QStringLiteral("oldKeyLabel"), tr("Key being rotated"));
    oldLabel->setText(tr("%1 (%2)").arg(old.name, old.id));
    auto *roleLabel = WizardPage::textLabel(m_replacementPage, QStringLiteral("replacementRoleLabel"), tr("Role of the new key"));
    m_roleTitle = roleTitle.isEmpty() ? old.role : roleTitle;
    roleLabel->setText(m_roleTitle);
    auto *workspaceLabel =
        WizardPage::textLabel(m_replacementPage, QStringLiteral("replacementWorkspaceLabel"), tr("Workspace of the new key"));
    workspaceLabel->setText(old.workspace ? old.workspace->name : tr("All workspaces (not restricted)"));
    for (QLabel *l : {oldLabel, roleLabel, workspaceLabel})
        l->setFocusPolicy(Qt::StrongFocus); // readable by keyboard and screen reader, in tab order
    form->addRow(tr("Rotating:"), oldLabel);
    form->addRow(tr("Role:"), roleLabel);
    form->addRow(tr("Workspace:"), workspaceLabel);

    m_nameEdit = new QLineEdit(suggestedName(old.name, QDate::currentDate()), m_replacementPage);
    m_nameEdit->setObjectName(QStringLiteral("replacementNameEdit"));
    m_nameEdit->setAccessibleName(tr("Name of the new key"));
    m_nameEdit->setAccessibleDescription(tr("Suggested from the old key's name and today's date; one line of 1 to "
                                            "%1 characters.")
                                             .arg(kNameMax));
    form->addRow(tr("N&ame:"), m_nameEdit);
    m_nameError = WizardPage::textLabel(m_replacementPage, QStringLiteral("replacementNameError"), tr("Name problem"), true);
    form->addRow(QString(), m_nameError);
    m_expiry = new ExpiryPicker(m_replacementPage);
    form->addRow(tr("E&xpires:"), m_expiry);
    layout->addLayout(form);
    layout->addStretch(1);

    connect(m_nameEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        WizardPage::setMessage(m_nameError, NewApiKeyWizard::nameProblem(text));
        m_replacementPage->changed();
    });
    connect(m_expiry, &ExpiryPicker::changed, m_replacementPage, &WizardPage::changed);
    m_replacementPage->setCommitPage(true);
    m_replacementPage->complete = [this] {
        return !m_rotating && NewApiKeyWizard::nameProblem(m_nameEdit->text()).isEmpty() && m_expiry->problem().isEmpty();
    };
    m_replacementPage->validate = [this] { return m_replacement.has_value() || startRotate(); };
    setPage(ReplacementPageId, m_replacementPage);
}

void RotateApiKeyWizard::buildMovePage()
{
    m_movePage = new WizardPage(this);
    m_movePage->setObjectName(QStringLiteral("movePage"));
    m_movePage->setTitle(tr("Move systems to the new key"));
    m_movePage->setSubTitle(tr("Update every system that used the old key (CI, Terraform, scripts) to use the new "
                               "value. When the old key stays quiet, disable it; once nothing broke, delete it."));
    m_movePage->setFinalPage(true);
    auto *layout = new QVBoxLayout(m_movePage);
    m_moveMessage = WizardPage::textLabel(m_movePage, QStringLiteral("moveMessage"), tr("Message"), true);
    layout->addWidget(m_moveMessage);
    m_newKeyLabel = WizardPage::textLabel(m_movePage, QStringLiteral("newKeyLabel"), tr("New key"));
    m_activityLabel = WizardPage::textLabel(m_movePage, QStringLiteral("oldKeyActivity"), tr("Last use of the old key"));
    m_activityLabel->setAccessibleDescription(tr("When and from which address the old key was last used; checked "
                                                 "again every few seconds."));
    m_checkedLabel = WizardPage::textLabel(m_movePage, QStringLiteral("checkedLabel"), tr("Last checked"));
    m_oldStatusLabel = WizardPage::textLabel(m_movePage, QStringLiteral("oldKeyStatus"), tr("Status of the old key"));
    for (QLabel *l : {m_newKeyLabel, m_activityLabel, m_oldStatusLabel})
        l->setFocusPolicy(Qt::StrongFocus);
    // Short lines that break where the text says: wrapping them in a form only leaves gaps.
    for (QLabel *l : {m_newKeyLabel, m_activityLabel, m_checkedLabel, m_oldStatusLabel})
        l->setWordWrap(false);
    auto *form = new QFormLayout;
    form->addRow(tr("New key:"), m_newKeyLabel);
    form->addRow(tr("Old key last used:"), m_activityLabel);
    form->addRow(QString(), m_checkedLabel);
    form->addRow(tr("Old key:"), m_oldStatusLabel);
    layout->addLayout(form);

    m_refreshButton = actionButton(m_movePage, QStringLiteral("refreshOldKeyButton"), tr("&Refresh now"),
                                   tr("Refresh now"), tr("Checks the old key's last use right away."));
    m_disableButton = actionButton(m_movePage, QStringLiteral("disableOldKeyButton"), tr("&Disable old key"),
                                   tr("Disable old key"),
                                   tr("Requests with the old key are refused from then on; it can be enabled "
                                      "again from the list."));
    m_deleteButton = actionButton(m_movePage, QStringLiteral("deleteOldKeyButton"), tr("De&lete old key…"),
                                  tr("Delete old key"), tr("Deletes the old key for good, after a confirmation."));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_refreshButton);
    buttons->addStretch(1);
    buttons->addWidget(m_disableButton);
    buttons->addWidget(m_deleteButton);
    layout->addLayout(buttons);
    layout->addStretch(1);

    connect(m_refreshButton, &QPushButton::clicked, this, &RotateApiKeyWizard::refreshOldKey);
    connect(m_disableButton, &QPushButton::clicked, this, &RotateApiKeyWizard::disableOld);
    connect(m_deleteButton, &QPushButton::clicked, this, &RotateApiKeyWizard::deleteOld);
    m_movePage->initialize = [this] {
        updateMovePage();
        m_refreshTimer.start();
        m_refreshButton->setFocus(Qt::OtherFocusReason);
    };
    m_movePage->complete = [this] { return !m_changing; };
    setPage(MovePageId, m_movePage);
}

void RotateApiKeyWizard::setRefreshIntervalMs(int ms)
{
    m_refreshTimer.setInterval(ms);
}

QString RotateApiKeyWizard::message() const
{
    return currentId() == MovePageId ? m_moveMessage->text() : m_rotateMessage->text();
}

QString RotateApiKeyWizard::activityText() const
{
    return m_activityLabel->text();
}

void RotateApiKeyWizard::showEvent(QShowEvent *event)
{
    // The name is what there is to decide: it gets the focus (the facts above it stay reachable with
    // Shift+Tab). It must be the focus widget before QDialog shows the window: QDialog sends the focus
    // widget of that moment a FocusIn, and the label QWizard picked would keep a caret it never loses.
    if (currentId() == ReplacementPageId)
        m_nameEdit->setFocus(Qt::TabFocusReason);
    QWizard::showEvent(event);
}

void RotateApiKeyWizard::lockFields(bool locked)
{
    // After an attempt without an answer the request must be repeated exactly as it was sent.
    m_nameEdit->setReadOnly(locked);
    m_expiry->setEnabled(!locked);
}

bool RotateApiKeyWizard::startRotate()
{
    if (m_rotating)
        return false;
    RotateOptions options;
    options.name = m_nameEdit->text().trimmed();
    options.expiresAt = m_expiry->expiresAt();
    WizardPage::setMessage(m_rotateMessage, tr("Creating the replacement…"));
    setRotating(true);
    auto *call = m_client->rotateApiKey(m_oldKeyId, options, m_idempotencyKey);
    call->onFinished(this, [this, call](const Result<CreatedApiKey> &result) {
        onRotated(result, call->attempts(), requestIdOf(call));
    });
    return false; // the wizard moves on once the server answered
}

void RotateApiKeyWizard::onRotated(const Result<CreatedApiKey> &result, int attempts, const QString &requestId)
{
    setRotating(false);
    if (result) {
        const CreatedApiKey &created = result.value();
        m_uncertain = false;
        m_replacement = created.apiKey;
        lockFields(true);
        WizardPage::setMessage(m_rotateMessage, tr("The replacement was created."));
        Q_EMIT replacementCreated(created.apiKey, requestId);
        if (created.replaces)
            setOldKey(created.replaces);
        next();
        // The value is shown once, over the page that follows; only the dialog holds it.
        m_reveal = new KeyRevealDialog(created, m_roleTitle, this);
        m_reveal->setAttribute(Qt::WA_DeleteOnClose);
        m_reveal->setClipboardTimeoutMs(m_clipboardTimeoutMs);
        m_reveal->open();
        return;
    }
    const ApiError &error = result.error();
    Q_EMIT requestFailed(error);
    switch (error.kind()) {
    case ApiError::Kind::Network:
    case ApiError::Kind::Timeout:
        // As in NewApiKeyWizard: refused before anything was sent, no replacement can exist.
        if (!error.mayHaveArrived() && !m_uncertain) {
            WizardPage::setMessage(m_rotateMessage, tr("%1 Nothing reached the server, so no replacement was "
                                                       "created, and the old key is unchanged.")
                                                        .arg(error.userMessage()));
            return;
        }
        m_uncertain = true;
        lockFields(true);
        WizardPage::setMessage(m_rotateMessage,
                   // As in NewApiKeyWizard: the error's text is a sentence of its own, the count spelt out.
                   (attempts == 1 ? tr("No answer from the server. ")
                                  : tr("No answer from the server after %1 attempts. ").arg(attempts)) +
                       tr("%1 The replacement may or may not have been "
                      "created. Press Create replacement again: it repeats the very same request, so the server "
                      "either creates the replacement once or answers with the one it already created, value "
                      "included; a second key is never made. To check without creating, refresh the API Keys list "
                      "and look at “Replaced by” on “%2”.")
                       .arg(error.userMessage(), m_oldName));
        return;
    case ApiError::Kind::MalformedResponse:
        if (error.type() == u"not-the-api") // a web page in the server's place is no sign of a key
            break;
        // As in NewApiKeyWizard: a 2xx that could not be read made a key whose value is lost.
        WizardPage::setMessage(m_rotateMessage,
                   tr("%1 The server answered, so it has most likely created the replacement, but its value could "
                      "not be read and cannot be shown again. Refresh the API Keys list: if “Replaced by” is set "
                      "on “%2”, delete that replacement and rotate again; “%2” stays enabled meanwhile.")
                       .arg(error.userMessage(), m_oldName));
        return;
    default:
        break;
    }
    if (error.is(u"idempotency-key-reused")) {
        WizardPage::setMessage(m_rotateMessage, tr("An earlier attempt, whose answer was lost, already created a replacement "
                                       "for “%1”. Refresh the API Keys list and look at “Replaced by” on the old "
                                       "key; if the new value was never shown, delete that key and rotate again.")
                                        .arg(m_oldName));
        return;
    }
    if (error.is(u"quota-exceeded")) {
        WizardPage::setMessage(m_rotateMessage, tr("%1 A replacement counts against the quota like a new key: delete unused "
                                       "keys or ask to raise the quota.")
                                        .arg(error.userMessage()));
        return;
    }
    QString text = tr("Could not create the replacement. %1").arg(error.userMessage());
    if (!error.requestId().isEmpty() && error.httpStatus() >= 500)
        text += tr(" (request id %1)").arg(error.requestId());
    WizardPage::setMessage(m_rotateMessage, text);
}

void RotateApiKeyWizard::setRotating(bool rotating)
{
    m_rotating = rotating;
    if (rotating)
        lockFields(true);
    else if (!m_uncertain && !m_replacement)
        lockFields(false);
    m_replacementPage->changed();
    // No way out while the answer is awaited: leaving now could lose a value the server just made.
    button(QWizard::CancelButton)->setEnabled(!rotating);
}

void RotateApiKeyWizard::setOldKey(const std::optional<ApiKey> &key)
{
    m_oldKey = key;
    if (key)
        Q_EMIT keyChanged(*key);
    updateMovePage();
}

void RotateApiKeyWizard::updateMovePage()
{
    if (!m_movePage)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_replacement)
        m_newKeyLabel->setText(tr("%1 (%2), created %3")
                                   .arg(m_replacement->name, m_replacement->id, TimeText::exact(m_replacement->createdAt)));
    if (!m_oldKey) {
        m_activityLabel->setText(tr("The old key no longer exists."));
        m_oldStatusLabel->setText(tr("Deleted."));
        m_refreshTimer.stop();
    } else {
        const ApiKey &old = *m_oldKey;
        QString text;
        if (!old.lastUsedAt) {
            text = tr("Never used.");
        } else {
            text = old.lastUsedIp ? tr("%1 (%2) from %3")
                                        .arg(TimeText::exact(*old.lastUsedAt), TimeText::relative(*old.lastUsedAt, now),
                                             *old.lastUsedIp)
                                  : tr("%1 (%2)").arg(TimeText::exact(*old.lastUsedAt),
                                                      TimeText::relative(*old.lastUsedAt, now));
            if (m_replacement && *old.lastUsedAt >= m_replacement->createdAt)
                text += u'\n' + tr("Used after the replacement was created: a system still uses the old key.");
            else if (m_replacement)
                text += u'\n' + tr("Not used since the replacement was created.");
        }
        m_activityLabel->setText(text);
        // By status: an expired key is refused whatever "enabled" says.
        m_oldStatusLabel->setText(old.status == u"expired"   ? tr("Expired: requests with it are refused.")
                                  : old.status == u"enabled" ? tr("Enabled: requests with it are still accepted.")
                                                             : tr("Disabled: requests with it are refused."));
    }
    const QString every = m_refreshTimer.interval() >= 2000
                              ? tr("every %1 seconds").arg(m_refreshTimer.interval() / 1000)
                              : tr("every second");
    m_checkedLabel->setText(m_checkedAt.isValid()
                                ? tr("Checked at %1; checked again %2.")
                                      .arg(QLocale().toString(m_checkedAt.toLocalTime().time(), QLocale::LongFormat),
                                           every)
                                : tr("Checked again %1.").arg(every));

    const bool exists = m_oldKey.has_value();
    // Only a key whose status is "enabled" is accepted: an expired one needs no disabling first.
    const bool accepted = exists && m_oldKey->status == u"enabled";
    const bool expired = exists && m_oldKey->status == u"expired";
    m_disableButton->setEnabled(accepted && !m_changing);
    m_disableButton->setToolTip(!exists     ? tr("The old key no longer exists.")
                                : expired   ? tr("The old key has expired: requests with it are already refused.")
                                : !accepted ? tr("The old key is already disabled.")
                                            : tr("Refuse every request made with the old key from now on."));
    m_deleteButton->setEnabled(exists && !accepted && !m_changing);
    m_deleteButton->setToolTip(!exists    ? tr("The old key no longer exists.")
                               : accepted ? tr("Disable the old key first, and check that nothing broke.")
                                          : tr("Delete the old key for good."));
    m_refreshButton->setEnabled(exists);
    m_movePage->changed();
}

void RotateApiKeyWizard::refreshOldKey()
{
    if (m_refreshing || !m_oldKey)
        return;
    m_refreshing = true;
    auto *call = m_client->apiKey(m_oldKeyId);
    call->onFinished(this, [this, changes = m_changes](const Result<ApiKey> &result) {
        m_refreshing = false;
        if (changes != m_changes)
            return; // the key was disabled or deleted meanwhile: this answer is older than what we know
        if (result) {
            m_checkedAt = QDateTime::currentDateTimeUtc();
            WizardPage::setMessage(m_moveMessage, QString());
            setOldKey(result.value());
            return;
        }
        if (result.error().is(u"not-found")) {
            m_checkedAt = QDateTime::currentDateTimeUtc();
            setOldKey(std::nullopt);
            Q_EMIT keyDeleted(m_oldKeyId);
            return;
        }
        Q_EMIT requestFailed(result.error());
        WizardPage::setMessage(m_moveMessage, tr("Could not check the old key: %1 Trying again in a few seconds.")
                                      .arg(result.error().userMessage()));
    });
}

void RotateApiKeyWizard::disableOld()
{
    if (!m_oldKey || m_oldKey->status != u"enabled" || m_changing)
        return;
    if (!Confirmation::ask(this, KeyQuestions::disableKey(m_oldKey->name)))
        return;
    m_changing = true;
    updateMovePage();
    WizardPage::setMessage(m_moveMessage, tr("Disabling the old key…"));
    ++m_changes;
    auto *call = m_client->disableApiKey(m_oldKeyId);
    call->onFinished(this, [this, call](const Result<ApiKey> &result) {
        m_changing = false;
        ++m_changes;
        if (result) {
            WizardPage::setMessage(m_moveMessage, tr("The old key is disabled: requests with it are refused. If something broke, "
                                         "enable it again from the list; otherwise delete it."));
            setOldKey(result.value());
            Q_EMIT stepDone(tr("Disabled the old key “%1” (%2).").arg(m_oldName, m_oldKeyId), requestIdOf(call));
            m_deleteButton->setFocus(Qt::OtherFocusReason);
            return;
        }
        const ApiError &error = result.error();
        Q_EMIT requestFailed(error);
        if (error.kind() == ApiError::Kind::Network || error.kind() == ApiError::Kind::Timeout)
            WizardPage::setMessage(m_moveMessage, tr("No answer from the server (%1): the old key may or may not be disabled. "
                                         "Press Refresh now to see its status, then disable it again if needed.")
                                          .arg(error.userMessage()));
        else
            WizardPage::setMessage(m_moveMessage, tr("Could not disable the old key. %1").arg(error.userMessage()));
        updateMovePage();
    });
}

void RotateApiKeyWizard::deleteOld()
{
    if (!m_oldKey || m_changing)
        return;
    if (!Confirmation::ask(this, KeyQuestions::deleteKey(m_oldKey->name, m_oldKeyId)))
        return;
    m_changing = true;
    updateMovePage();
    WizardPage::setMessage(m_moveMessage, tr("Deleting the old key…"));
    ++m_changes;
    auto *call = m_client->deleteApiKey(m_oldKeyId);
    call->onFinished(this, [this, call](const Result<NoContent> &result) {
        m_changing = false;
        ++m_changes;
        if (result || result.error().is(u"not-found")) {
            WizardPage::setMessage(m_moveMessage, tr("The old key was deleted. The rotation is complete."));
            setOldKey(std::nullopt);
            Q_EMIT keyDeleted(m_oldKeyId);
            Q_EMIT stepDone(tr("Deleted the old key “%1” (%2).").arg(m_oldName, m_oldKeyId),
                            result ? requestIdOf(call) : QString());
            button(QWizard::FinishButton)->setFocus(Qt::OtherFocusReason);
            return;
        }
        const ApiError &error = result.error();
        Q_EMIT requestFailed(error);
        if (error.kind() == ApiError::Kind::Network || error.kind() == ApiError::Kind::Timeout)
            WizardPage::setMessage(m_moveMessage, tr("No answer from the server (%1): the old key may or may not be deleted. "
                                         "Press Refresh now to see whether it still exists.")
                                          .arg(error.userMessage()));
        else
            WizardPage::setMessage(m_moveMessage, tr("Could not delete the old key. %1").arg(error.userMessage()));
        updateMovePage();
    });
}

void RotateApiKeyWizard::done(int result)
{
    if (m_rotating)
        return;
    m_refreshTimer.stop();
    QWizard::done(result);
}

} // namespace datarecs
