#pragma once

#include "ApiKey.h"
#include "Quota.h"

#include <QIcon>
#include <QKeySequence>
#include <QStyle>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QMenu;

namespace Ui {
class ApiKeysPage;
}

namespace datarecs {

class ApiError;
class ApiJob;
class ApiKeyDetailsPane;
class ApiKeyFilterProxyModel;
class ApiKeyTableModel;
class ConsoleSettings;
class RoleListModel;
class RotateApiKeyWizard;
class Session;

/// Access management → API Keys: the tenant's keys with search, status filter and details, and the
/// everyday actions on the selected key (Enable, Disable, Delete, Refresh) as QActions that the
/// window's toolbar, menus, the table's context menu and keyboard shortcuts all share.
///
/// Every request is asynchronous; while one runs a busy indicator shows and the table stays usable.
/// Failures are shown in a banner on the page, with the last loaded keys kept on screen.
class ApiKeysPage : public QWidget
{
    Q_OBJECT
public:
    ApiKeysPage(Session *session, ConsoleSettings *settings, QWidget *parent = nullptr);
    ~ApiKeysPage() override;

    QAction *refreshAction() const { return m_refresh; }
    /// "New API Key": opens the NewApiKeyWizard; disabled (with the reason) without create_api_key.
    QAction *newKeyAction() const { return m_newKey; }
    QAction *enableAction() const { return m_enable; }
    QAction *disableAction() const { return m_disable; }
    QAction *deleteAction() const { return m_delete; }
    /// "View activity": opens the audit log filtered to the selected key (emits activityRequested).
    QAction *viewActivityAction() const { return m_viewActivity; }
    /// "Rotate…": a replacement with the same role and workspace, then retiring the old key
    /// (RotateApiKeyWizard).
    QAction *rotateAction() const { return m_rotate; }
    /// "Report compromised…": one confirmation, the key disabled at once, its audit log opened, a
    /// replacement offered, and the steps summarised for an incident report.
    QAction *reportCompromisedAction() const { return m_reportCompromised; }
    /// "Check a key value…": which key of the tenant a pasted value is (CheckKeyDialog).
    QAction *checkKeyAction() const { return m_checkKey; }
    QList<QAction *> keyActions() const { return {m_enable, m_disable, m_rotate, m_delete}; }

    ApiKeyTableModel *model() const { return m_model; }
    ApiKeyFilterProxyModel *proxy() const { return m_proxy; }
    std::optional<ApiKey> selectedKey() const;
    bool selectKey(const QString &id);
    bool hasLoaded() const { return m_loaded; }
    bool isBusy() const { return m_inFlight > 0; }
    /// The text of the banner, empty when none is shown (for tests and the status line).
    QString message() const;
    std::optional<Quota> quota() const { return m_quota; }

    /// Loads keys, quota and role titles from the server (keys in pages, then merged into the model
    /// so that the selection and scroll position survive).
    void reload();
    void saveState();
    void restoreState();

Q_SIGNALS:
    /// The first load after signing in is on screen (whether or not every part of it succeeded).
    void firstLoadFinished();
    void busyChanged(bool busy);
    void quotaChanged();
    /// A short note for the window's status line.
    void statusMessage(const QString &text);
    /// The user asked to sign in again from the page (after a session ended).
    void signInRequested();
    /// The user asked to see what a key did: the window opens the audit log filtered to it.
    void activityRequested(const QString &apiKeyId);

private:
    enum class BannerKind { None, LoadFailed, ActionFailed, SignedOut };

    void onSignedIn();
    void onSignedOut();
    /// Empties the table, and drops any key list still on its way, for a session that ended.
    void forgetKeys();
    void loadPage(const QString &cursor, std::shared_ptr<QList<ApiKey>> collected);
    /// The last page is in: the keys go into the table, the first one is selected.
    void showLoadedKeys(const QList<ApiKey> &keys);
    void showKeysAwaitingRoles();
    void loadQuota();
    void loadRoles();
    void partDone();
    void track(ApiJob *job);
    /// Shows an error in the banner; returns true if the session itself ended (the caller stops).
    bool showError(const ApiError &error, BannerKind kind, const QString &context);
    void showBanner(BannerKind kind, const QString &text);
    void hideBanner();
    void updateActions();
    void updateReadOnlyNotice();
    void updateCount();
    void updateDaysSpin();
    void showDetails();
    void fitColumns();
    void showContextMenu(const QPoint &pos);

    void enableSelected();
    void disableSelected();
    void deleteSelected();
    void newKey();
    /// The icon theme's icon when the theme has one, else the style's own.
    QIcon themeIcon(const QString &theme, QStyle::StandardPixmap fallback) const;
    QAction *makeAction(const QString &name, const QString &text, const QString &theme,
                        QStyle::StandardPixmap fallback, const QList<QKeySequence> &keys);
    // Key lifecycle (ApiKeysPageLifecycle.cpp): rotation, a compromised key, checking a value.
    void setUpLifecycleActions();
    void updateLifecycleActions(const std::optional<ApiKey> &key);
    qint64 callerRank() const;
    qint64 roleRank(const QString &role) const;
    void rotateSelected();
    RotateApiKeyWizard *openRotateWizard(const ApiKey &key, QWidget *parent);
    void reportCompromisedSelected();
    void checkKeyValue();
    /// Selects a key, clearing the search and status filter if they hide it.
    bool showKey(const QString &id);

    std::unique_ptr<Ui::ApiKeysPage> m_ui;
    Session *m_session;
    ConsoleSettings *m_settings;
    ApiKeyTableModel *m_model;
    ApiKeyFilterProxyModel *m_proxy;
    RoleListModel *m_roles;
    ApiKeyDetailsPane *m_details;
    QAction *m_refresh;
    QAction *m_newKey;
    QAction *m_enable;
    QAction *m_disable;
    QAction *m_delete;
    QAction *m_viewActivity;
    QAction *m_rotate = nullptr;
    QAction *m_reportCompromised = nullptr;
    QAction *m_checkKey = nullptr;
    QMenu *m_contextMenu;

    QString m_tenantId;       ///< whose keys the model holds: another tenant means a reset, not a merge
    bool m_loaded = false;    ///< keys were loaded at least once in this session
    bool m_loading = false;   ///< a key list load is running
    bool m_reloadQueued = false;
    bool m_fitColumns = false; ///< no saved column widths: fit them to the first load
    int m_firstLoadParts = 0; ///< parts of the first load still running
    bool m_firstLoadPending = false;
    bool m_rolesLoading = false;
    std::function<void()> m_keysAwaitingRoles; ///< the first keys, shown once the roles' titles are in
    /// Counts the sessions whose keys this page has shown: a key list asked for in an earlier one
    /// (signed out since, or another tenant) is dropped when it arrives.
    int m_listGeneration = 0;
    int m_inFlight = 0;
    QSet<QString> m_busyKeys; ///< keys with an action in flight: not acted on twice
    BannerKind m_banner = BannerKind::None;
    QDateTime m_loadedAt;
    std::optional<Quota> m_quota;
    QTimer m_retryTimer;      ///< retries a failed load while the server is away
    QTimer m_relativeTimer;   ///< keeps "5 minutes ago" true
};

} // namespace datarecs
