#include "NewApiKeyWizard.h"

#include "ApiClient.h"
#include "ClearButton.h"
#include "ExpiryPicker.h"
#include "KeyFormat.h"
#include "WizardPage.h"
#include "WorkspaceListModel.h"

#include <QAbstractButton>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>


namespace datarecs {

namespace {

constexpr int kNameMax = KeyNameMaxLength;
constexpr int kDescriptionMax = KeyDescriptionMaxLength;

bool isForbiddenControl(QChar c, bool multiLine)
{
    if (multiLine && (c == u'\n' || c == u'\t'))
        return false;
    return c.category() == QChar::Other_Control || c == QChar(0x2028) || c == QChar(0x2029);
}

/// The embeddings, overrides and isolates the server refuses: they make text read in another order.
bool isDirectionOverride(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069);
}

/// Keeps the explicit "All workspaces" row whatever the search says.
class WorkspaceFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QModelIndex index = sourceModel()->index(row, 0, parent);
        if (index.data(WorkspaceListModel::IdRole).toString().isEmpty())
            return true;
        return QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }
};

/// "Try again" under a page's message that a load failed; hidden until then.
QPushButton *retryButton(QWidget *page, const QString &objectName, const QString &accessibleName)
{
    auto *button = new QPushButton(NewApiKeyWizard::tr("&Try again"), page);
    button->setObjectName(objectName);
    button->setAccessibleName(accessibleName);
    button->setAutoDefault(false);
    button->hide();
    return button;
}

} // namespace

NewApiKeyWizard::NewApiKeyWizard(ApiClient *client, const Identity &caller, const QStringList &existingNames,
                                 QWidget *parent)
    : QWizard(parent)
    , m_client(client)
    , m_caller(caller)
    , m_existingNames(existingNames)
    , m_idempotencyKey(ApiClient::newIdempotencyKey())
{
    setObjectName(QStringLiteral("newApiKeyWizard"));
    setWindowTitle(tr("New API Key"));
    setAccessibleName(tr("New API Key"));
    // Going back must keep what was typed; the wizard, not QWizard, decides what a page holds.
    setOption(QWizard::IndependentPages, true);
    setOption(QWizard::NoBackButtonOnStartPage, true);
    setButtonText(QWizard::FinishButton, tr("Generate"));
    for (auto which : {QWizard::BackButton, QWizard::NextButton, QWizard::FinishButton, QWizard::CancelButton}) {
        QAbstractButton *b = button(which);
        b->setAccessibleName(buttonText(which).remove(u'&').remove(QStringLiteral(" >")).remove(QStringLiteral("< ")));
    }
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("generateButton"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("backButton"));
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("cancelButton"));

    buildNamePage();
    buildRolePage();
    buildWorkspacePage();
    buildReviewPage();
    load();
}

NewApiKeyWizard::~NewApiKeyWizard() = default;

QString NewApiKeyWizard::nameProblem(const QString &name)
{
    const QString text = name.trimmed();
    if (text.isEmpty())
        return tr("Enter a name.");
    for (QChar c : text) {
        if (isForbiddenControl(c, false))
            return tr("The name must be one line without control characters.");
        if (isDirectionOverride(c))
            return tr("The name must not contain characters that change the direction of text: they "
                      "could make it read as another name.");
    }
    if (text.size() > kNameMax)
        return tr("The name is %1 characters long: at most %2 are allowed.").arg(text.size()).arg(kNameMax);
    if (KeyFormat::containsCredential(text))
        return tr("The name contains an API key value or a session token. Everyone who can see keys reads "
                  "names, and the audit log keeps them: never put a secret in one.");
    return {};
}

QString NewApiKeyWizard::descriptionProblem(const QString &description)
{
    const QString text = description.trimmed();
    for (QChar c : text) {
        if (isForbiddenControl(c, true))
            return tr("The description must not contain control characters other than line breaks and tabs.");
        if (isDirectionOverride(c))
            return tr("The description must not contain characters that change the direction of text.");
    }
    if (text.size() > kDescriptionMax)
        return tr("The description is %1 characters long: at most %2 are allowed.")
            .arg(text.size())
            .arg(kDescriptionMax);
    if (KeyFormat::containsCredential(text))
        return tr("The description contains an API key value or a session token. Everyone who can see keys "
                  "reads descriptions, and the audit log keeps them: never put a secret in one.");
    return {};
}

void NewApiKeyWizard::buildNamePage()
{
    m_namePage = new WizardPage(this);
    m_namePage->setObjectName(QStringLiteral("namePage"));
    m_namePage->setTitle(tr("Name"));
    m_namePage->setSubTitle(tr("Name the key after what will use it, so it can be recognised, reviewed and revoked "
                               "on its own."));
    auto *layout = new QVBoxLayout(m_namePage);

    m_quotaLabel = WizardPage::textLabel(m_namePage, QStringLiteral("quotaMessage"), tr("Key quota"), true);
    layout->addWidget(m_quotaLabel);
    m_nameMessage = WizardPage::textLabel(m_namePage, QStringLiteral("nameMessage"), tr("Server message"), true);
    layout->addWidget(m_nameMessage);
    addLockedNotice(m_namePage, layout, QStringLiteral("nameLockedNotice"));

    auto *nameLabel = new QLabel(tr("N&ame (required):"), m_namePage);
    m_nameEdit = new QLineEdit(m_namePage);
    m_nameEdit->setObjectName(QStringLiteral("nameEdit"));
    m_nameEdit->setAccessibleName(tr("Name"));
    m_nameEdit->setAccessibleDescription(tr("One line of 1 to %1 characters.").arg(kNameMax));
    m_nameEdit->setPlaceholderText(tr("e.g. CI deploy"));
    nameLabel->setBuddy(m_nameEdit);
    layout->addWidget(nameLabel);
    layout->addWidget(m_nameEdit);
    m_nameError = WizardPage::textLabel(m_namePage, QStringLiteral("nameError"), tr("Name problem"), true);
    layout->addWidget(m_nameError);
    m_nameWarning = WizardPage::textLabel(m_namePage, QStringLiteral("nameWarning"), tr("Name warning"), true);
    layout->addWidget(m_nameWarning);

    auto *descriptionLabel = new QLabel(tr("&Description (optional):"), m_namePage);
    m_descriptionEdit = new QPlainTextEdit(m_namePage);
    m_descriptionEdit->setObjectName(QStringLiteral("descriptionEdit"));
    m_descriptionEdit->setAccessibleName(tr("Description"));
    m_descriptionEdit->setAccessibleDescription(tr("Optional, up to %1 characters.").arg(kDescriptionMax));
    m_descriptionEdit->setTabChangesFocus(true);
    descriptionLabel->setBuddy(m_descriptionEdit);
    layout->addWidget(descriptionLabel);
    layout->addWidget(m_descriptionEdit, 1);
    m_descriptionError = WizardPage::textLabel(m_namePage, QStringLiteral("descriptionError"), tr("Description problem"), true);
    layout->addWidget(m_descriptionError);

    auto *expiryLabel = new QLabel(tr("E&xpires (optional):"), m_namePage);
    m_expiry = new ExpiryPicker(m_namePage);
    expiryLabel->setBuddy(m_expiry);
    layout->addWidget(expiryLabel);
    layout->addWidget(m_expiry);
    connect(m_expiry, &ExpiryPicker::changed, m_namePage, &WizardPage::changed);

    m_namePage->complete = [this] {
        return nameProblem(m_nameEdit->text()).isEmpty() && descriptionProblem(m_descriptionEdit->toPlainText()).isEmpty() &&
               m_expiry->problem().isEmpty();
    };
    connect(m_nameEdit, &QLineEdit::textChanged, this, &NewApiKeyWizard::updateNameMessages);
    connect(m_descriptionEdit, &QPlainTextEdit::textChanged, this, &NewApiKeyWizard::updateNameMessages);
    setPage(NamePageId, m_namePage);
}

void NewApiKeyWizard::addLockedNotice(WizardPage *page, QVBoxLayout *layout, const QString &objectName)
{
    QLabel *notice = WizardPage::textLabel(page, objectName, tr("Why the fields cannot be changed"), true);
    layout->addWidget(notice);
    m_lockedNotices.append(notice);
}

void NewApiKeyWizard::lockFields(bool locked)
{
    // After an attempt without an answer the key may exist: Generate must repeat that very request
    // (same Idempotency-Key, same body). Anything edited would make it another request, which the
    // server refuses as idempotency-key-reused, and the value of the key it made would be lost.
    m_nameEdit->setReadOnly(locked);
    m_descriptionEdit->setReadOnly(locked);
    m_expiry->setEnabled(!locked);
    m_roleList->setEnabled(!locked);
    m_workspaceSearch->setEnabled(!locked);
    m_workspaceList->setEnabled(!locked);
    const QString why = locked ? tr("These fields cannot be changed now: the key “%1” may already have been created by "
                                    "the attempt that got no answer, and Generate must repeat exactly that request to "
                                    "show its value. For a different key, cancel and start a new one.")
                                     .arg(m_uncertainName)
                               : QString();
    for (QLabel *notice : std::as_const(m_lockedNotices))
        WizardPage::setMessage(notice, why);
}

void NewApiKeyWizard::updateNameMessages()
{
    const QString name = m_nameEdit->text();
    // An empty name only keeps Next disabled: saying "Enter a name" before typing would be noise.
    WizardPage::setMessage(m_nameError, name.isEmpty() ? QString() : nameProblem(name));
    const QString trimmed = name.trimmed();
    bool duplicate = false;
    for (const QString &existing : m_existingNames)
        duplicate = duplicate || (!trimmed.isEmpty() && existing.compare(trimmed, Qt::CaseInsensitive) == 0);
    WizardPage::setMessage(m_nameWarning, duplicate ? tr("Another key is already named “%1”. That is allowed, but a distinct "
                                             "name makes it clear which key to revoke.")
                                              .arg(trimmed)
                                        : QString());
    WizardPage::setMessage(m_descriptionError, descriptionProblem(m_descriptionEdit->toPlainText()));
    m_namePage->changed();
}

void NewApiKeyWizard::buildRolePage()
{
    m_rolePage = new WizardPage(this);
    m_rolePage->setObjectName(QStringLiteral("rolePage"));
    m_rolePage->setTitle(tr("Role"));
    m_rolePage->setSubTitle(tr("The key acts with this role's permissions."));
    auto *layout = new QVBoxLayout(m_rolePage);
    m_roleMessage = WizardPage::textLabel(m_rolePage, QStringLiteral("roleMessage"), tr("Role message"), true);
    layout->addWidget(m_roleMessage);
    m_roleRetry = retryButton(m_rolePage, QStringLiteral("roleRetryButton"), tr("Load the roles again"));
    layout->addWidget(m_roleRetry, 0, Qt::AlignLeft);
    connect(m_roleRetry, &QPushButton::clicked, this, &NewApiKeyWizard::loadRoles);
    addLockedNotice(m_rolePage, layout, QStringLiteral("roleLockedNotice"));
    m_roleHint = WizardPage::textLabel(m_rolePage, QStringLiteral("roleHint"), tr("Role advice"), true);
    layout->addWidget(m_roleHint);
    auto *label = new QLabel(tr("&Role:"), m_rolePage);
    m_roleList = new QListWidget(m_rolePage);
    m_roleList->setObjectName(QStringLiteral("roleList"));
    m_roleList->setAccessibleName(tr("Role"));
    m_roleList->setAccessibleDescription(tr("Roles above your own are listed but cannot be chosen."));
    m_roleList->setWordWrap(true);
    label->setBuddy(m_roleList);
    layout->addWidget(label);
    layout->addWidget(m_roleList, 1);
    m_roleDetails = WizardPage::textLabel(m_rolePage, QStringLiteral("roleDetails"), tr("Selected role"), true);
    layout->addWidget(m_roleDetails);

    m_rolePage->complete = [this] { return !selectedRole().isEmpty(); };
    connect(m_roleList, &QListWidget::currentRowChanged, this, [this] {
        const QString name = selectedRole();
        QString details;
        for (const Role &r : m_roles) {
            if (r.name == name)
                details = tr("%1: %2\nMay: %3").arg(r.title, r.description, r.permissions.join(QStringLiteral(", ")));
        }
        WizardPage::setMessage(m_roleDetails, details);
        m_rolePage->changed();
    });
    setPage(RolePageId, m_rolePage);
}

void NewApiKeyWizard::buildWorkspacePage()
{
    m_workspacePage = new WizardPage(this);
    m_workspacePage->setObjectName(QStringLiteral("workspacePage"));
    m_workspacePage->setTitle(tr("Workspace"));
    m_workspacePage->setSubTitle(tr("Optionally restrict the key to one workspace; it then cannot reach any "
                                    "other."));
    auto *layout = new QVBoxLayout(m_workspacePage);
    m_workspaceMessage = WizardPage::textLabel(m_workspacePage, QStringLiteral("workspaceMessage"), tr("Workspace message"), true);
    layout->addWidget(m_workspaceMessage);
    m_workspaceRetry = retryButton(m_workspacePage, QStringLiteral("workspaceRetryButton"),
                                   tr("Load the workspaces again"));
    layout->addWidget(m_workspaceRetry, 0, Qt::AlignLeft);
    connect(m_workspaceRetry, &QPushButton::clicked, this, &NewApiKeyWizard::loadWorkspaces);
    addLockedNotice(m_workspacePage, layout, QStringLiteral("workspaceLockedNotice"));
    auto *searchLabel = new QLabel(tr("&Search workspaces:"), m_workspacePage);
    m_workspaceSearch = new QLineEdit(m_workspacePage);
    m_workspaceSearch->setObjectName(QStringLiteral("workspaceSearch"));
    m_workspaceSearch->setAccessibleName(tr("Search workspaces"));
    enableClearButton(m_workspaceSearch, tr("Clear the workspace search"));
    searchLabel->setBuddy(m_workspaceSearch);
    layout->addWidget(searchLabel);
    layout->addWidget(m_workspaceSearch);

    m_workspaces = new WorkspaceListModel(this);
    m_workspaces->setAllWorkspacesRow(true);
    m_workspaceFilter = new WorkspaceFilter(this);
    m_workspaceFilter->setSourceModel(m_workspaces);
    m_workspaceFilter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    auto *listLabel = new QLabel(tr("&Workspace:"), m_workspacePage);
    m_workspaceList = new QListView(m_workspacePage);
    m_workspaceList->setObjectName(QStringLiteral("workspaceList"));
    m_workspaceList->setAccessibleName(tr("Workspace"));
    m_workspaceList->setAccessibleDescription(tr("All workspaces, or the one workspace the key is restricted to."));
    m_workspaceList->setModel(m_workspaceFilter);
    m_workspaceList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    listLabel->setBuddy(m_workspaceList);
    layout->addWidget(listLabel);
    layout->addWidget(m_workspaceList, 1);
    m_workspaceList->setCurrentIndex(m_workspaceFilter->index(0, 0));

    connect(m_workspaceSearch, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_workspaceFilter->setFilterFixedString(text);
        // Down from the search goes to the matches; the first real match is proposed.
        if (!m_workspaceList->currentIndex().isValid() || (!text.isEmpty() && m_workspaceFilter->rowCount() > 1))
            m_workspaceList->setCurrentIndex(m_workspaceFilter->index(text.isEmpty() ? 0 : 1, 0));
        m_workspacePage->changed();
    });
    connect(m_workspaceList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this] { m_workspacePage->changed(); });
    m_workspacePage->complete = [this] {
        if (!m_workspaceList->currentIndex().isValid())
            return false;
        // A caller restricted to one workspace may only make keys restricted to it (as the server checks).
        return !m_caller.workspace || selectedWorkspaceId() == m_caller.workspace->id;
    };
    WizardPage::setMessage(m_workspaceMessage, workspaceNotice());
    setPage(WorkspacePageId, m_workspacePage);
}

QString NewApiKeyWizard::workspaceNotice() const
{
    return m_caller.workspace ? tr("Your access is limited to the workspace “%1”: the new key must be "
                                   "restricted to it too.")
                                    .arg(m_caller.workspace->name)
                              : QString();
}

void NewApiKeyWizard::buildReviewPage()
{
    m_reviewPage = new WizardPage(this);
    m_reviewPage->setObjectName(QStringLiteral("reviewPage"));
    m_reviewPage->setTitle(tr("Review"));
    m_reviewPage->setSubTitle(tr("This key will be created when you press Generate. Its value is shown once, "
                                 "right after."));
    m_reviewPage->setFinalPage(true);
    auto *layout = new QVBoxLayout(m_reviewPage);
    m_reviewMessage = WizardPage::textLabel(m_reviewPage, QStringLiteral("reviewMessage"), tr("Generate status"), true);
    layout->addWidget(m_reviewMessage);
    m_reviewQuotaLabel = WizardPage::textLabel(m_reviewPage, QStringLiteral("reviewQuotaMessage"), tr("Key quota"), true);
    layout->addWidget(m_reviewQuotaLabel);
    m_reviewSummary = WizardPage::textLabel(m_reviewPage, QStringLiteral("reviewSummary"), tr("Summary of the new key"), true);
    layout->addWidget(m_reviewSummary);
    layout->addStretch(1);
    // Written on every arrival, not in initializePage: with IndependentPages that runs on the first
    // visit only, and after Back and a change the page would show old values while Generate sends
    // the new ones. The fields all live on earlier pages, so arriving is the only moment they change.
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        if (id == ReviewPageId)
            WizardPage::setMessage(m_reviewSummary, reviewText());
    });
    m_reviewPage->complete = [this] { return !m_generating && !isQuotaReached(); };
    m_reviewPage->validate = [this] { return m_created || startGenerate(); };
    setPage(ReviewPageId, m_reviewPage);
}

void NewApiKeyWizard::load()
{
    loadRoles();
    loadWorkspaces();
    loadQuota();
}

void NewApiKeyWizard::reloadFailed()
{
    // Only what failed: what loaded stays, and so does everything typed or chosen.
    if (m_rolesFailed)
        loadRoles();
    if (m_workspacesFailed)
        loadWorkspaces();
    if (m_quotaFailed)
        loadQuota();
}

void NewApiKeyWizard::loadRoles()
{
    ++m_pendingLoads;
    m_rolesFailed = false;
    m_roleRetry->hide();
    WizardPage::setMessage(m_roleMessage, QString());
    WizardPage::setMessage(m_roleHint, tr("Loading the roles…"));
    auto *roles = m_client->roles();
    roles->onFinished(this, [this](const Result<QList<Role>> &result) {
        if (result) {
            m_roles = result.value();
            std::sort(m_roles.begin(), m_roles.end(), [](const Role &a, const Role &b) { return a.rank < b.rank; });
            fillRoles();
        } else {
            m_rolesFailed = true;
            WizardPage::setMessage(m_roleHint, QString());
            WizardPage::setMessage(m_roleMessage, tr("Could not load the roles. %1").arg(result.error().userMessage()));
            m_roleRetry->show();
            Q_EMIT requestFailed(result.error());
        }
        loadDone();
    });
}

void NewApiKeyWizard::loadWorkspaces()
{
    ++m_pendingLoads;
    m_workspacesFailed = false;
    m_workspaceRetry->hide();
    WizardPage::setMessage(m_workspaceMessage, workspaceNotice());
    auto *workspaces = m_client->workspaces();
    workspaces->onFinished(this, [this](const Result<QList<Workspace>> &result) {
        if (result) {
            m_workspaces->setWorkspaces(result.value());
            const int row = m_caller.workspace ? m_workspaces->rowOf(m_caller.workspace->id) : 0;
            m_workspaceList->setCurrentIndex(m_workspaceFilter->mapFromSource(m_workspaces->index(qMax(row, 0), 0)));
        } else {
            m_workspacesFailed = true;
            WizardPage::setMessage(m_workspaceMessage,
                       tr("Could not load the workspaces: only “All workspaces” can be chosen. %1")
                           .arg(result.error().userMessage()));
            m_workspaceRetry->show();
            Q_EMIT requestFailed(result.error());
        }
        m_workspacePage->changed();
        loadDone();
    });
}

void NewApiKeyWizard::loadQuota()
{
    ++m_pendingLoads;
    m_quotaFailed = false;
    auto *quota = m_client->quota();
    quota->onFinished(this, [this](const Result<Quota> &result) {
        // Without the quota the wizard goes on: the server still refuses a key over the limit.
        if (result) {
            m_quota = result.value();
        } else {
            m_quotaFailed = true;
            Q_EMIT requestFailed(result.error());
        }
        updateQuotaMessage();
        loadDone();
    });
}

void NewApiKeyWizard::loadDone()
{
    --m_pendingLoads;
}

bool NewApiKeyWizard::isQuotaReached() const
{
    return m_quota && m_quota->remaining <= 0;
}

void NewApiKeyWizard::updateQuotaMessage()
{
    const QString text = isQuotaReached()
                             ? tr("%1 of %2 keys: delete unused keys or ask to raise the quota. A new key "
                                  "cannot be generated until then.")
                                   .arg(m_quota->used)
                                   .arg(m_quota->limit)
                             : QString();
    WizardPage::setMessage(m_quotaLabel, text);
    // The quota disables Generate on the Review page: say why there too, not only on the first page.
    WizardPage::setMessage(m_reviewQuotaLabel, text);
    m_reviewPage->changed();
}

qint64 NewApiKeyWizard::callerRank() const
{
    qint64 rank = 0;
    auto consider = [&](const QString &name) {
        for (const Role &r : m_roles) {
            if (r.name == name)
                rank = qMax(rank, r.rank);
        }
    };
    if (m_caller.role)
        consider(*m_caller.role);
    for (const WorkspaceRole &wr : m_caller.workspaceRoles)
        consider(wr.role);
    return rank;
}

QString NewApiKeyWizard::roleTitle(const QString &name) const
{
    for (const Role &r : m_roles) {
        if (r.name == name)
            return r.title;
    }
    return name;
}

void NewApiKeyWizard::fillRoles()
{
    const qint64 mine = callerRank();
    const QString myRole = m_caller.role ? roleTitle(*m_caller.role) : tr("a workspace member");
    m_roleList->clear();
    int narrowest = -1;
    for (const Role &r : m_roles) {
        const bool allowed = r.rank <= mine;
        QString text = tr("%1 — %2\nMay: %3").arg(r.title, r.description, r.permissions.join(QStringLiteral(", ")));
        const QString reason = tr("Not available: ranks above your own role (%1).").arg(myRole);
        if (!allowed)
            text += u'\n' + reason;
        auto *item = new QListWidgetItem(text, m_roleList);
        item->setData(Qt::UserRole, r.name);
        item->setData(Qt::AccessibleTextRole, allowed ? tr("%1: %2").arg(r.title, r.description)
                                                      : tr("%1: %2 %3").arg(r.title, r.description, reason));
        item->setToolTip(allowed ? r.description : reason);
        if (!allowed)
            item->setFlags(item->flags() & ~(Qt::ItemIsEnabled | Qt::ItemIsSelectable));
        else if (narrowest < 0)
            narrowest = m_roleList->count() - 1;
    }
    if (narrowest >= 0) {
        const Role &r = m_roles.at(narrowest);
        WizardPage::setMessage(m_roleHint, tr("Choose the narrowest role that does the job. %1 is the narrowest you can grant "
                                  "and is selected; pick a broader one only if the integration needs it.")
                                   .arg(r.title));
        m_roleList->setCurrentRow(narrowest);
    } else {
        WizardPage::setMessage(m_roleHint, tr("Your role (%1) cannot grant any of these roles.").arg(myRole));
    }
    m_rolePage->changed();
}

QString NewApiKeyWizard::selectedRole() const
{
    const QListWidgetItem *item = m_roleList->currentItem();
    if (!item || !(item->flags() & Qt::ItemIsEnabled))
        return {};
    return item->data(Qt::UserRole).toString();
}

QString NewApiKeyWizard::selectedWorkspaceId() const
{
    return m_workspaceList->currentIndex().data(WorkspaceListModel::IdRole).toString();
}

QString NewApiKeyWizard::selectedWorkspaceName() const
{
    return m_workspaceList->currentIndex().data(Qt::DisplayRole).toString();
}

NewApiKey NewApiKeyWizard::newKey() const
{
    NewApiKey key;
    key.name = m_nameEdit->text().trimmed();
    key.description = m_descriptionEdit->toPlainText().trimmed();
    key.role = selectedRole();
    key.workspaceId = selectedWorkspaceId();
    key.expiresAt = m_expiry->expiresAt();
    return key;
}

QString NewApiKeyWizard::reviewText() const
{
    const NewApiKey key = newKey();
    return tr("Name: %1\nDescription: %2\nRole: %3\nWorkspace: %4\nExpires: %5")
        .arg(key.name, key.description.isEmpty() ? tr("(none)") : key.description, roleTitle(key.role),
             key.workspaceId.isEmpty() ? tr("All workspaces (not restricted)") : selectedWorkspaceName(),
             m_expiry->summary());
}

QString NewApiKeyWizard::pageMessage(PageId page) const
{
    const QLabel *label = nullptr;
    switch (page) {
    case NamePageId:
        label = m_nameMessage;
        break;
    case RolePageId:
        label = m_roleMessage;
        break;
    case WorkspacePageId:
        label = m_workspaceMessage;
        break;
    case ReviewPageId:
        label = m_reviewMessage;
        break;
    }
    return label ? label->text() : QString();
}

bool NewApiKeyWizard::startGenerate()
{
    if (m_generating || isQuotaReached())
        return false;
    for (QLabel *l : {m_nameMessage, m_roleMessage, m_reviewMessage})
        WizardPage::setMessage(l, QString());
    WizardPage::setMessage(m_reviewMessage, tr("Generating the key…"));
    setGenerating(true);
    auto *call = m_client->createApiKey(newKey(), m_idempotencyKey);
    call->onFinished(this, [this, call](const Result<CreatedApiKey> &result) { onGenerated(result, call->attempts()); });
    return false; // the wizard finishes once the server answered
}

void NewApiKeyWizard::onGenerated(const Result<CreatedApiKey> &result, int attempts)
{
    setGenerating(false);
    if (result) {
        m_created = true;
        m_uncertain = false;
        WizardPage::setMessage(m_reviewMessage, tr("The key was created."));
        Q_EMIT keyCreated(result.value());
        accept();
        return;
    }
    const ApiError &error = result.error();
    Q_EMIT requestFailed(error);
    const QString name = newKey().name;
    switch (error.kind()) {
    case ApiError::Kind::Network:
    case ApiError::Kind::Timeout:
        // Refused before anything was sent (the server down, a wrong address): no key can exist, unless
        // an earlier attempt already left that in doubt.
        if (!error.mayHaveArrived() && !m_uncertain) {
            showOn(ReviewPageId, tr("%1 Nothing reached the server, so no key was created, and what you "
                                    "entered is kept.")
                                     .arg(error.userMessage()));
            return;
        }
        m_uncertain = true;
        m_uncertainName = name;
        lockFields(true);
        // The error's own text is a full sentence, so it follows as one instead of going inside
        // parentheses; and the count is spelt out, as "%n attempt(s)" stays as is without a translation.
        showOn(ReviewPageId,
               (attempts == 1 ? tr("No answer from the server. ")
                              : tr("No answer from the server after %1 attempts. ").arg(attempts)) +
                   tr("%1 The key “%2” may or may not have been "
                  "created. Press Generate again: it repeats the very same request, so the server either "
                  "creates the key once or answers with the key it already created, value included; a second "
                  "key is never made. So that it stays the very same request, the fields cannot be changed "
                  "now. To check without generating, refresh the API Keys list and look for "
                  "“%2” created just now; if it is there but its value was never shown, delete it and create "
                  "a new one.")
                   .arg(error.userMessage(), name));
        return;
    case ApiError::Kind::MalformedResponse:
        // A web page in the server's place (a sign-in portal, a proxy) is no sign of a key.
        if (error.type() == u"not-the-api")
            break;
        // A 2xx the client could not read: the server made the key, but its value is lost. Another
        // Generate would only replay the same answer.
        showOn(ReviewPageId,
               tr("%1 The server answered, so it has most likely created the key “%2”, but its value could not "
                  "be read and cannot be shown again. Refresh the API Keys list, delete “%2” if it is there, "
                  "and create a new key.")
                   .arg(error.userMessage(), name));
        return;
    default:
        break;
    }
    // The server answered, with a refusal, so the fields may be corrected again (a refusal such as
    // role-too-high asks for that): if the attempt without an answer did make the key, any other request
    // under its Idempotency-Key is refused as idempotency-key-reused (said below), never made twice.
    if (m_uncertain && error.kind() == ApiError::Kind::Http)
        lockFields(false);
    if (error.is(u"quota-exceeded")) {
        if (error.quotaLimit())
            m_quota = Quota{*error.quotaLimit(), error.quotaUsed().value_or(*error.quotaLimit()), 0};
        else
            m_quota = Quota{m_quota ? m_quota->limit : 0, m_quota ? m_quota->used : 0, 0};
        updateQuotaMessage();
        showOn(NamePageId, error.userMessage());
        return;
    }
    if (error.is(u"role-too-high")) {
        showOn(RolePageId, error.userMessage());
        return;
    }
    if (error.is(u"idempotency-key-reused")) {
        showOn(ReviewPageId, tr("An earlier attempt of this wizard, whose answer was lost, already created a "
                                "key named “%1”. Refresh the API Keys list to see it; if its value was never "
                                "shown, delete it and start a new key.")
                                 .arg(m_uncertain ? m_uncertainName : name));
        return;
    }
    if (error.is(u"forbidden")) {
        showOn(m_caller.workspace ? WorkspacePageId : RolePageId, error.userMessage());
        return;
    }
    if (error.is(u"validation-failed") || error.is(u"invalid-parameter")) {
        PageId page = ReviewPageId;
        for (const ApiError::FieldError &f : error.fieldErrors()) {
            const PageId p = (f.field == u"name" || f.field == u"description" || f.field == u"expires_at") ? NamePageId
                             : f.field == u"role"                               ? RolePageId
                             : f.field == u"workspace_id"                       ? WorkspacePageId
                                                                                 : ReviewPageId;
            page = qMin(page, p);
        }
        showOn(page, error.userMessage());
        return;
    }
    showOn(ReviewPageId, error.userMessage());
}

void NewApiKeyWizard::showOn(PageId page, const QString &message)
{
    QLabel *label = page == NamePageId        ? m_nameMessage
                    : page == RolePageId      ? m_roleMessage
                    : page == WorkspacePageId ? m_workspaceMessage
                                              : m_reviewMessage;
    if (page != ReviewPageId)
        WizardPage::setMessage(m_reviewMessage, QString());
    WizardPage::setMessage(label, message);
    goBackTo(page);
    // Generate was disabled while the answer was awaited, which took the keyboard focus away from
    // every control; give it back to Generate, so that Enter tries again.
    if (page == ReviewPageId)
        button(QWizard::FinishButton)->setFocus(Qt::OtherFocusReason);
}

void NewApiKeyWizard::goBackTo(PageId page)
{
    while (currentId() > page) {
        const int before = currentId();
        back();
        if (currentId() == before)
            break;
    }
}

void NewApiKeyWizard::setGenerating(bool generating)
{
    m_generating = generating;
    m_reviewPage->changed();
    // No way out while the answer is awaited: leaving now could lose a value the server just made.
    button(QWizard::CancelButton)->setEnabled(!generating);
    button(QWizard::BackButton)->setEnabled(!generating);
}

void NewApiKeyWizard::done(int result)
{
    if (m_generating)
        return;
    QWizard::done(result);
}

} // namespace datarecs
