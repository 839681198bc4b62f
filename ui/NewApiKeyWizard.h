#pragma once

#include "ApiError.h"
#include "Identity.h"
#include "Queries.h"
#include "Quota.h"
#include "Responses.h"
#include "Role.h"

#include <QWizard>

#include <optional>

class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QVBoxLayout;

namespace datarecs {

class ApiClient;
class ExpiryPicker;
class WizardPage;
class WorkspaceListModel;

/// New API Key: Name (and optional expiry) → Role → Workspace → Review, then Generate. Validates as the server does,
/// offers only the roles the signed-in caller may grant, and creates the key with one
/// Idempotency-Key for the whole wizard, so that pressing Generate again after a lost answer can
/// never create a second key. A refusal from the server is shown on the page it concerns, with
/// everything typed kept.
class NewApiKeyWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { NamePageId, RolePageId, WorkspacePageId, ReviewPageId };

    /// existingNames: the names of the keys already loaded, to warn about a duplicate.
    NewApiKeyWizard(ApiClient *client, const Identity &caller, const QStringList &existingNames,
                    QWidget *parent = nullptr);
    ~NewApiKeyWizard() override;

    /// Roles, workspaces and quota have all answered (successfully or not).
    bool isLoaded() const { return m_pendingLoads == 0; }
    bool isGenerating() const { return m_generating; }
    bool isQuotaReached() const;
    QString idempotencyKey() const { return m_idempotencyKey; }
    /// What Generate sends, from the current fields.
    NewApiKey newKey() const;
    /// The highest role rank the caller acts with (its own role and its workspace roles).
    qint64 callerRank() const;
    /// The message shown on a page (empty when none).
    QString pageMessage(PageId page) const;

    /// The server's rules for a key's name and description; empty when valid.
    static QString nameProblem(const QString &name);
    static QString descriptionProblem(const QString &description);

    void done(int result) override;

public Q_SLOTS:
    /// Loads again what failed to load (roles, workspaces, quota), e.g. once signed in again after
    /// the session ended; what was typed or chosen stays. The pages also offer Try again.
    void reloadFailed();

Q_SIGNALS:
    /// The key exists. The only signal that carries a key value: show it once, then let it go.
    void keyCreated(const datarecs::CreatedApiKey &created);
    /// A request failed: for the session to notice an ended sign-in.
    void requestFailed(const datarecs::ApiError &error);

private:
    void buildNamePage();
    void buildRolePage();
    void buildWorkspacePage();
    void buildReviewPage();
    void addLockedNotice(WizardPage *page, QVBoxLayout *layout, const QString &objectName);
    void lockFields(bool locked);
    void load();
    void loadRoles();
    void loadWorkspaces();
    void loadQuota();
    QString workspaceNotice() const;
    void loadDone();
    void fillRoles();
    void updateNameMessages();
    void updateQuotaMessage();
    QString roleTitle(const QString &name) const;
    QString selectedRole() const;
    QString selectedWorkspaceId() const;
    QString selectedWorkspaceName() const;
    QString reviewText() const;
    bool startGenerate();
    void onGenerated(const Result<CreatedApiKey> &result, int attempts);
    void showOn(PageId page, const QString &message);
    void goBackTo(PageId page);
    void setGenerating(bool generating);

    ApiClient *m_client;
    Identity m_caller;
    QStringList m_existingNames;
    QString m_idempotencyKey;
    QList<Role> m_roles;
    std::optional<Quota> m_quota;
    int m_pendingLoads = 0;
    bool m_rolesFailed = false;
    bool m_workspacesFailed = false;
    bool m_quotaFailed = false;
    bool m_generating = false;
    bool m_created = false;
    bool m_uncertain = false; ///< an attempt ended without an answer: the key may exist
    QString m_uncertainName;

    WizardPage *m_namePage = nullptr;
    WizardPage *m_rolePage = nullptr;
    WizardPage *m_workspacePage = nullptr;
    WizardPage *m_reviewPage = nullptr;
    QLabel *m_quotaLabel = nullptr;
    QLineEdit *m_nameEdit = nullptr;
    QPlainTextEdit *m_descriptionEdit = nullptr;
    QLabel *m_nameError = nullptr;
    QLabel *m_nameWarning = nullptr;
    QLabel *m_descriptionError = nullptr;
    ExpiryPicker *m_expiry = nullptr;
    QLabel *m_nameMessage = nullptr;
    QListWidget *m_roleList = nullptr;
    QLabel *m_roleDetails = nullptr;
    QLabel *m_roleHint = nullptr;
    QLabel *m_roleMessage = nullptr;
    QPushButton *m_roleRetry = nullptr;
    QLineEdit *m_workspaceSearch = nullptr;
    QListView *m_workspaceList = nullptr;
    WorkspaceListModel *m_workspaces = nullptr;
    QSortFilterProxyModel *m_workspaceFilter = nullptr;
    QLabel *m_workspaceMessage = nullptr;
    QPushButton *m_workspaceRetry = nullptr;
    QLabel *m_reviewSummary = nullptr;
    QLabel *m_reviewMessage = nullptr;
    QLabel *m_reviewQuotaLabel = nullptr; ///< the quota reason again, next to the disabled Generate
    QList<QLabel *> m_lockedNotices; ///< on the pages before Review: why their fields are locked
};

} // namespace datarecs
