#include "ApiKeysPage.h"

#include "AccessibleField.h"
#include "ApiKeyDetailsPane.h"
#include "ApiKeyFilterProxyModel.h"
#include "ApiKeyTableModel.h"
#include "ClearButton.h"
#include "Confirmation.h"
#include "ConsoleSettings.h"
#include "KeyQuestions.h"
#include "KeyRevealDialog.h"
#include "NewApiKeyWizard.h"
#include "RoleListModel.h"
#include "Session.h"
#include "StyleIcon.h"
#include "TimeText.h"
#include "ui_ApiKeysPage.h"
#include "UiLogging.h"

#include <QAction>
#include <QHeaderView>
#include <QMenu>
#include <QShortcut>
#include <QStyle>

#include <utility>

namespace datarecs {

namespace {
const QString kManage = QStringLiteral("manage_api_keys");
const QString kCreate = QStringLiteral("create_api_key");
const QString kReadAudit = QStringLiteral("read_audit");
constexpr int kRetryMs = 10000;
// The server's largest page: most tenants' keys arrive in one answer, and the wait is one round trip.
constexpr int kPageSize = 1000;
// How long the first keys wait for the roles' titles at most (see loadPage).
constexpr int kRolesWaitMs = 100;
} // namespace

ApiKeysPage::ApiKeysPage(Session *session, ConsoleSettings *settings, QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::ApiKeysPage>())
    , m_session(session)
    , m_settings(settings)
    , m_model(new ApiKeyTableModel(this))
    , m_proxy(new ApiKeyFilterProxyModel(this))
    , m_roles(new RoleListModel(this))
    , m_details(new ApiKeyDetailsPane)
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("apiKeysPage"));
    setAccessibleField(m_ui->countLabel, tr("Keys shown"));
    setAccessibleField(m_ui->readOnlyNotice, tr("Read-only"));
    setAccessibleField(m_ui->messageText, tr("Problem"));
    QFont title = m_ui->pageTitle->font();
    title.setPointSizeF(title.pointSizeF() * 1.4);
    title.setBold(true);
    m_ui->pageTitle->setFont(title);
    // Hidden, the busy indicator keeps its place: when the last request ends, the rows below it do
    // not move up, and so the whole page is not laid out and painted again.
    QSizePolicy busyPolicy = m_ui->busyIndicator->sizePolicy();
    busyPolicy.setRetainSizeWhenHidden(true);
    m_ui->busyIndicator->setSizePolicy(busyPolicy);
    m_ui->busyIndicator->setVisible(false);
    m_ui->messageBanner->setVisible(false);
    m_ui->readOnlyNotice->setVisible(false);

    m_proxy->setSourceModel(m_model);
    m_ui->keysTable->setModel(m_proxy);
    m_ui->keysTable->verticalHeader()->setVisible(false);
    // One line per key, compact like a file list.
    m_ui->keysTable->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_ui->keysTable->horizontalHeader()->setStretchLastSection(true);
    m_ui->keysTable->horizontalHeader()->setSectionsMovable(true);
    // Fitting columns to their content looks at this many rows, not at all of them.
    m_ui->keysTable->horizontalHeader()->setResizeContentsPrecision(200);
    m_ui->keysTable->sortByColumn(ApiKeyTableModel::Created, Qt::DescendingOrder);
    m_ui->keysTable->setTabKeyNavigation(false); // Tab leaves the table, arrows move within it
    m_details->setObjectName(QStringLiteral("detailsPane"));
    m_details->setModel(m_model);
    m_ui->detailsArea->setWidget(m_details);
    m_ui->splitter->setStretchFactor(0, 1);
    m_ui->splitter->setStretchFactor(1, 0);
    const int em = fontMetrics().horizontalAdvance(u'M');
    m_ui->detailsArea->setMinimumWidth(28 * em);
    m_ui->splitter->setSizes({70 * em, 32 * em});

    m_ui->statusFilterCombo->addItems(ApiKeyFilterProxyModel::statusFilterNames());

    // The actions. Their enabled state and tooltips follow the selection and permissions.
    m_refresh = makeAction(QStringLiteral("actionRefresh"), tr("&Refresh"), QStringLiteral("view-refresh"),
                           QStyle::SP_BrowserReload, {QKeySequence::Refresh, QKeySequence(tr("Ctrl+R"))});
    m_newKey = makeAction(QStringLiteral("actionNewKey"), tr("New API Key"), QStringLiteral("list-add"),
                          QStyle::SP_FileDialogNewFolder, {QKeySequence::New});
    m_enable = makeAction(QStringLiteral("actionEnable"), tr("&Enable"), QStringLiteral("media-playback-start"),
                          QStyle::SP_DialogApplyButton, {QKeySequence(tr("Ctrl+E"))});
    m_disable = makeAction(QStringLiteral("actionDisable"), tr("&Disable"), QStringLiteral("media-playback-pause"),
                           QStyle::SP_BrowserStop, {QKeySequence(tr("Ctrl+D"))});
    m_delete = makeAction(QStringLiteral("actionDelete"), tr("De&lete…"), QStringLiteral("edit-delete"),
                          QStyle::SP_TrashIcon, {QKeySequence::Delete});
    m_viewActivity = makeAction(QStringLiteral("actionViewActivity"), tr("View &activity"),
                                QStringLiteral("document-open-recent"), QStyle::SP_FileDialogDetailedView,
                                {QKeySequence(tr("Ctrl+Shift+A"))});
    // Delete must not fire while typing in the search field: it only applies with the table focused.
    m_delete->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_ui->keysTable->addAction(m_delete);
    connect(m_refresh, &QAction::triggered, this, [this] {
        reload();
        m_details->reloadActivity();
    });
    connect(m_newKey, &QAction::triggered, this, &ApiKeysPage::newKey);
    connect(m_enable, &QAction::triggered, this, &ApiKeysPage::enableSelected);
    connect(m_disable, &QAction::triggered, this, &ApiKeysPage::disableSelected);
    connect(m_delete, &QAction::triggered, this, &ApiKeysPage::deleteSelected);
    connect(m_viewActivity, &QAction::triggered, this, [this] {
        if (const std::optional<ApiKey> key = selectedKey())
            Q_EMIT activityRequested(key->id);
    });

    setUpLifecycleActions();

    m_contextMenu = new QMenu(this);
    m_contextMenu->setObjectName(QStringLiteral("keysContextMenu"));
    m_contextMenu->addActions({m_enable, m_disable});
    m_contextMenu->addSeparator();
    m_contextMenu->addActions({m_rotate, m_reportCompromised});
    m_contextMenu->addSeparator();
    m_contextMenu->addAction(m_delete);
    m_contextMenu->addSeparator();
    m_contextMenu->addAction(m_viewActivity);
    m_contextMenu->addSeparator();
    m_contextMenu->addAction(m_refresh);
    connect(m_ui->keysTable, &QWidget::customContextMenuRequested, this, &ApiKeysPage::showContextMenu);

    enableClearButton(m_ui->searchEdit, tr("Clear the search"));
    auto *focusSearch = new QShortcut(QKeySequence::Find, this);
    connect(focusSearch, &QShortcut::activated, this, [this] {
        m_ui->searchEdit->setFocus(Qt::ShortcutFocusReason);
        m_ui->searchEdit->selectAll();
    });
    // Down from the search field goes to the results, as in a browser's find bar.
    connect(m_ui->searchEdit, &QLineEdit::returnPressed, this, [this] { m_ui->keysTable->setFocus(); });

    connect(m_ui->searchEdit, &QLineEdit::textChanged, m_proxy, &ApiKeyFilterProxyModel::setSearchText);
    connect(m_ui->statusFilterCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_proxy->setStatusFilter(static_cast<ApiKeyFilterProxyModel::StatusFilter>(index));
        updateDaysSpin();
    });
    connect(m_ui->daysSpin, &QSpinBox::valueChanged, this, [this](int days) {
        switch (m_proxy->statusFilter()) {
        case ApiKeyFilterProxyModel::StatusFilter::Stale:
            m_proxy->setStaleDays(days);
            break;
        case ApiKeyFilterProxyModel::StatusFilter::RotationDue:
            m_proxy->setRotationDays(days);
            break;
        case ApiKeyFilterProxyModel::StatusFilter::ExpiringSoon:
            m_proxy->setExpiringSoonDays(days);
            break;
        default:
            break;
        }
    });
    // The source's signals too: the proxy reports a removal before the source has made it (so the total
    // was one too high), and says nothing of a key inserted under a search that hides it.
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_proxy, signal, this, &ApiKeysPage::updateCount);
        connect(m_model, signal, this, &ApiKeysPage::updateCount);
    }
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ApiKeysPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &ApiKeysPage::updateCount);
    // The selection alone says which key is shown and acted on (selectedKey()): a new current row
    // comes with a new selection, and filling the pane once per change is enough.
    connect(m_ui->keysTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showDetails();
        updateActions();
    });
    // A changed key (enabled, disabled, refreshed) updates the pane and what the actions allow.
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] {
        showDetails();
        updateActions();
    });

    connect(m_ui->retryButton, &QPushButton::clicked, this, [this] {
        if (m_banner == BannerKind::SignedOut)
            Q_EMIT signInRequested();
        else
            reload();
    });
    connect(m_ui->dismissButton, &QToolButton::clicked, this, &ApiKeysPage::hideBanner);
    connect(m_details, &ApiKeyDetailsPane::copied, this, &ApiKeysPage::statusMessage);

    m_retryTimer.setSingleShot(true);
    m_retryTimer.setInterval(kRetryMs);
    connect(&m_retryTimer, &QTimer::timeout, this, &ApiKeysPage::reload);
    m_relativeTimer.setInterval(60 * 1000);
    connect(&m_relativeTimer, &QTimer::timeout, m_model, &ApiKeyTableModel::refreshRelativeTimes);
    m_relativeTimer.start();

    connect(m_session, &Session::signedIn, this, &ApiKeysPage::onSignedIn);
    connect(m_session, &Session::signedOut, this, &ApiKeysPage::onSignedOut);
    connect(m_session, &Session::sessionExpired, this, [this] {
        showBanner(BannerKind::SignedOut, tr("Your session has ended. Sign in again to continue: the keys below "
                                             "are as last loaded."));
        updateActions();
    });

    restoreState();
    updateDaysSpin();
    updateActions();
    updateCount();
}

ApiKeysPage::~ApiKeysPage() = default;

QIcon ApiKeysPage::themeIcon(const QString &theme, QStyle::StandardPixmap fallback) const
{
    // Asked first rather than passed as fromTheme's fallback, which would make the style's icon now.
    return QIcon::hasThemeIcon(theme) ? QIcon::fromTheme(theme) : deferredStandardIcon(fallback);
}

QAction *ApiKeysPage::makeAction(const QString &name, const QString &text, const QString &theme,
                                 QStyle::StandardPixmap fallback, const QList<QKeySequence> &keys)
{
    auto *action = new QAction(themeIcon(theme, fallback), text, this);
    action->setObjectName(name);
    action->setShortcuts(keys);
    return action;
}

std::optional<ApiKey> ApiKeysPage::selectedKey() const
{
    const QModelIndexList rows = m_ui->keysTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    const ApiKey *key = m_model->keyAt(m_proxy->mapToSource(rows.first()).row());
    return key ? std::optional<ApiKey>(*key) : std::nullopt;
}

bool ApiKeysPage::selectKey(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_ui->keysTable->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_ui->keysTable->scrollTo(index);
    return true;
}

QString ApiKeysPage::message() const
{
    return m_banner == BannerKind::None ? QString() : m_ui->messageText->text();
}

void ApiKeysPage::onSignedIn()
{
    const QString tenant = m_session->identity().tenant.id;
    if (tenant != m_tenantId) {
        // Someone else's keys must never show under a new tenant, not even for a moment.
        forgetKeys();
        m_tenantId = tenant;
    }
    hideBanner();
    updateReadOnlyNotice();
    updateActions();
    m_firstLoadPending = !m_loaded;
    reload();
    // The shown key's recent activity may have failed with the ended session, or not been asked
    // for without one ("Not loaded."). The list's reload does not bring it back: the key itself did
    // not change, and the section asks again only when it does.
    m_details->reloadActivity();
}

void ApiKeysPage::onSignedOut()
{
    m_retryTimer.stop();
    forgetKeys();
    m_tenantId.clear();
    m_quota.reset();
    hideBanner();
    updateActions();
}

void ApiKeysPage::forgetKeys()
{
    m_model->clear();
    m_loaded = false;
    // A list still on its way, or waiting for the roles' titles, belongs to the session that ended.
    ++m_listGeneration;
    m_keysAwaitingRoles = {};
    m_loading = false;
    m_reloadQueued = false;
}

void ApiKeysPage::reload()
{
    m_retryTimer.stop();
    if (!m_session->isSignedIn())
        return;
    if (m_loading) {
        m_reloadQueued = true;
        return;
    }
    m_loading = true;
    m_firstLoadParts = m_firstLoadPending ? 3 : 0;
    // The two small answers first: the server takes requests in turn, so they then arrive while it
    // still writes the key list, rather than after it, and the roles' titles are there for the
    // first look at the keys.
    loadQuota();
    loadRoles();
    loadPage(QString(), std::make_shared<QList<ApiKey>>());
}

void ApiKeysPage::loadPage(const QString &cursor, std::shared_ptr<QList<ApiKey>> collected)
{
    ApiKeyQuery query;
    query.limit = kPageSize;
    auto *call = m_session->client()->listApiKeys(query, cursor);
    track(call);
    call->onFinished(this, [this, collected, generation = m_listGeneration](const Result<Page<ApiKey>> &result) {
        if (generation != m_listGeneration)
            return;
        if (!result) {
            m_loading = false;
            m_reloadQueued = false;
            const QString when = m_loadedAt.isValid()
                                     ? tr(" Showing the keys as loaded at %1.").arg(TimeText::exact(m_loadedAt))
                                     : QString();
            if (!showError(result.error(), BannerKind::LoadFailed, tr("Could not load the keys.")) &&
                result.error().kind() != ApiError::Kind::Http) {
                // The server is away: keep what is on screen and try again by ourselves.
                m_ui->messageText->setText(m_ui->messageText->text() + when +
                                           tr(" Trying again every %1 seconds.").arg(kRetryMs / 1000));
                m_retryTimer.start();
            }
            partDone();
            return;
        }
        collected->append(result.value().items);
        if (result.value().nextCursor) {
            // The first time, each page shows as it arrives. A refresh waits for the whole list: a
            // partial one would look as if the other keys had been deleted.
            if (!m_loaded)
                m_model->mergeKeys(*collected);
            loadPage(*result.value().nextCursor, collected);
            return;
        }
        if (!m_loaded && m_rolesLoading) {
            // The first keys wait for the roles' titles, which come a moment later at most (the
            // server answers them together): the table and the details are then laid out and
            // painted once with the titles, not once with role names and again with titles.
            m_keysAwaitingRoles = [this, collected] { showLoadedKeys(*collected); };
            QTimer::singleShot(kRolesWaitMs, this, &ApiKeysPage::showKeysAwaitingRoles);
            return;
        }
        showLoadedKeys(*collected);
    });
}

void ApiKeysPage::showKeysAwaitingRoles()
{
    if (m_keysAwaitingRoles)
        std::exchange(m_keysAwaitingRoles, {})();
}

void ApiKeysPage::showLoadedKeys(const QList<ApiKey> &keys)
{
    m_model->mergeKeys(keys);
    m_loaded = true;
    m_loadedAt = QDateTime::currentDateTimeUtc();
    m_loading = false;
    if (m_banner == BannerKind::LoadFailed)
        hideBanner();
    qCDebug(lcDatarecsUi) << "loaded" << keys.size() << "keys";
    if (m_fitColumns && m_model->rowCount() > 0) {
        m_fitColumns = false;
        fitColumns();
    }
    if (!m_ui->keysTable->selectionModel()->hasSelection() && m_proxy->rowCount() > 0)
        m_ui->keysTable->selectionModel()->setCurrentIndex(
            m_proxy->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    updateActions();
    updateCount();
    partDone();
    if (m_reloadQueued) {
        m_reloadQueued = false;
        reload();
    }
}

void ApiKeysPage::loadQuota()
{
    auto *call = m_session->client()->quota();
    track(call);
    call->onFinished(this, [this](const Result<Quota> &result) {
        if (result) {
            m_quota = result.value();
            Q_EMIT quotaChanged();
        } else {
            // The keys' own load reports what went wrong; the quota just is not shown.
            m_session->handleError(result.error());
        }
        partDone();
    });
}

void ApiKeysPage::loadRoles()
{
    if (!m_roles->roles().isEmpty()) {
        partDone();
        return;
    }
    auto *call = m_session->client()->roles();
    track(call);
    m_rolesLoading = true;
    call->onFinished(this, [this](const Result<QList<Role>> &result) {
        m_rolesLoading = false;
        if (result) {
            m_roles->setRoles(result.value());
            m_model->setRoleTitles(m_roles->titles());
            showDetails();
        }
        showKeysAwaitingRoles();
        partDone();
    });
}

void ApiKeysPage::partDone()
{
    if (m_firstLoadParts <= 0)
        return;
    if (--m_firstLoadParts == 0 && m_firstLoadPending) {
        m_firstLoadPending = false;
        Q_EMIT firstLoadFinished();
    }
}

void ApiKeysPage::track(ApiJob *job)
{
    if (m_inFlight++ == 0) {
        m_ui->busyIndicator->setVisible(true);
        Q_EMIT busyChanged(true);
    }
    connect(job, &ApiJob::finished, this, [this] {
        if (--m_inFlight == 0) {
            m_ui->busyIndicator->setVisible(false);
            Q_EMIT busyChanged(false);
        }
    });
}

bool ApiKeysPage::showError(const ApiError &error, BannerKind kind, const QString &context)
{
    qCDebug(lcDatarecsUi) << "request failed:" << error.kindName() << error.httpStatus() << error.type()
                          << error.requestId();
    if (m_session->handleError(error))
        return true; // the sessionExpired handler shows the banner
    QString text = context.isEmpty() ? error.userMessage() : context + u' ' + error.userMessage();
    if (!error.requestId().isEmpty() && error.httpStatus() >= 500)
        text += tr(" (request id %1)").arg(error.requestId());
    showBanner(kind, text);
    return false;
}

void ApiKeysPage::showBanner(BannerKind kind, const QString &text)
{
    m_banner = kind;
    m_ui->messageText->setText(text);
    m_ui->retryButton->setVisible(kind == BannerKind::LoadFailed || kind == BannerKind::SignedOut);
    m_ui->retryButton->setText(kind == BannerKind::SignedOut ? tr("&Sign in…") : tr("&Try again"));
    m_ui->retryButton->setAccessibleName(kind == BannerKind::SignedOut ? tr("Sign in") : tr("Try again"));
    m_ui->dismissButton->setVisible(kind == BannerKind::ActionFailed);
    m_ui->messageBanner->setVisible(true);
    Q_EMIT statusMessage(text);
}

void ApiKeysPage::hideBanner()
{
    m_banner = BannerKind::None;
    m_ui->messageText->clear();
    m_ui->messageBanner->setVisible(false);
}

void ApiKeysPage::updateActions()
{
    const std::optional<ApiKey> key = selectedKey();
    const bool signedIn = m_session->isSignedIn();
    const bool canManage = m_session->can(kManage);
    const bool keyBusy = key && m_busyKeys.contains(key->id);

    // Each action says why it is unavailable, in its tooltip and status tip.
    // The server refuses enabling, changing or deleting a key whose role ranks above the caller's
    // (disabling is always allowed, so a leaked key can be contained): say so before the click.
    const bool outranked = key && roleRank(key->role) > callerRank();
    auto set = [&](QAction *action, bool applies, const QString &whatItDoes, const QString &whyNot,
                   bool needsRank = true) {
        QString reason;
        if (!signedIn)
            reason = tr("Sign in first.");
        else if (!canManage)
            reason = tr("Your account may only view keys: changing them needs the manage_api_keys permission.");
        else if (!key)
            reason = tr("Select a key first.");
        else if (keyBusy)
            reason = tr("Waiting for the server to finish the last change to this key.");
        else if (!applies)
            reason = whyNot;
        else if (needsRank && outranked)
            reason = tr("The key's role (%1) ranks above your own: ask a tenant owner.").arg(m_model->roleTitle(key->role));
        action->setEnabled(reason.isEmpty());
        const QString tip = reason.isEmpty() ? whatItDoes : whatItDoes + u' ' + reason;
        action->setToolTip(tip);
        action->setStatusTip(tip);
    };
    // The status decides, not the enabled flag: an expired key is refused whatever "enabled" says, and
    // its expiry cannot change, so neither Enable nor Disable would change what happens to a request.
    const bool expired = key && key->status == u"expired";
    const QString expiredReason = tr("The key has expired: requests with it are refused whether it is enabled or "
                                     "not. Rotate it to make a replacement.");
    set(m_enable, key && key->status == u"disabled", tr("Enable the selected key: requests with it are accepted again."),
        expired ? expiredReason : tr("The key is already enabled."));
    set(m_disable, key && key->status == u"enabled", tr("Disable the selected key: requests with it are refused at once."),
        expired ? expiredReason : tr("The key is already disabled."), false);
    set(m_delete, true, tr("Delete the selected key for good."), QString());
    m_refresh->setEnabled(signedIn);
    {
        QString reason;
        if (!signedIn)
            reason = tr("Sign in first.");
        else if (!m_session->can(kReadAudit))
            reason = tr("Your account cannot read the audit log: that needs the read_audit permission (Owner or "
                        "Admin).");
        else if (!key)
            reason = tr("Select a key first.");
        const QString what = tr("Open the audit log filtered to the selected key (Ctrl+Shift+A).");
        m_viewActivity->setEnabled(reason.isEmpty());
        m_viewActivity->setToolTip(reason.isEmpty() ? what : what + u' ' + reason);
        m_viewActivity->setStatusTip(m_viewActivity->toolTip());
    }
    {
        QString reason;
        if (!signedIn)
            reason = tr("Sign in first.");
        else if (!m_session->can(kCreate))
            reason = tr("Your account cannot create keys: that needs the create_api_key permission (Owner or "
                        "Admin). Ask your tenant admin.");
        const QString what = tr("Create a new API key (Ctrl+N).");
        m_newKey->setEnabled(reason.isEmpty());
        m_newKey->setToolTip(reason.isEmpty() ? what : what + u' ' + reason);
        m_newKey->setStatusTip(m_newKey->toolTip());
    }
    m_refresh->setToolTip(tr("Load the keys again from the server (F5)."));
    updateLifecycleActions(key);
}

void ApiKeysPage::updateReadOnlyNotice()
{
    const bool readOnly = m_session->isSignedIn() && !m_session->can(kManage);
    m_ui->readOnlyNotice->setVisible(readOnly);
    if (!readOnly)
        return;
    const Identity &id = m_session->identity();
    const QString who = id.role ? tr("your role (%1)").arg(*id.role) : tr("your account (a workspace member)");
    m_ui->readOnlyNotice->setText(
        tr("Read-only: %1 may view keys but not enable, disable or delete them, which needs the "
           "manage_api_keys permission. Ask a tenant owner or admin if you need to change a key.")
            .arg(who));
}

void ApiKeysPage::updateCount()
{
    const int shown = m_proxy->rowCount();
    const int total = m_model->rowCount();
    m_ui->countLabel->setText(shown == total ? tr("%1 keys").arg(total) : tr("%1 of %2 keys shown").arg(shown).arg(total));
}

void ApiKeysPage::updateDaysSpin()
{
    using F = ApiKeyFilterProxyModel::StatusFilter;
    const F filter = m_proxy->statusFilter();
    const bool shown = filter == F::Stale || filter == F::RotationDue || filter == F::ExpiringSoon;
    m_ui->daysSpin->setVisible(shown);
    if (!shown)
        return;
    const QSignalBlocker block(m_ui->daysSpin);
    if (filter == F::Stale) {
        m_ui->daysSpin->setValue(m_proxy->staleDays());
        m_ui->daysSpin->setPrefix(tr("unused for "));
        m_ui->daysSpin->setAccessibleName(tr("Stale after days unused"));
    } else if (filter == F::RotationDue) {
        m_ui->daysSpin->setValue(m_proxy->rotationDays());
        m_ui->daysSpin->setPrefix(tr("older than "));
        m_ui->daysSpin->setAccessibleName(tr("Rotation period in days"));
    } else {
        m_ui->daysSpin->setValue(m_proxy->expiringSoonDays());
        m_ui->daysSpin->setPrefix(tr("within "));
        m_ui->daysSpin->setAccessibleName(tr("Expiring within days"));
    }
    m_ui->daysSpin->setSuffix(tr(" days"));
}

void ApiKeysPage::showDetails()
{
    m_details->showKey(selectedKey());
}

void ApiKeysPage::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_ui->keysTable->indexAt(pos);
    if (index.isValid())
        m_ui->keysTable->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_contextMenu->popup(m_ui->keysTable->viewport()->mapToGlobal(pos));
}

void ApiKeysPage::enableSelected()
{
    const std::optional<ApiKey> key = selectedKey();
    if (!key || !m_enable->isEnabled())
        return;
    const QString id = key->id;
    m_busyKeys.insert(id);
    updateActions();
    auto *call = m_session->client()->enableApiKey(id);
    track(call);
    call->onFinished(this, [this, id, name = key->name](const Result<ApiKey> &result) {
        m_busyKeys.remove(id);
        if (result) {
            m_model->upsertKey(result.value());
            Q_EMIT statusMessage(tr("Enabled “%1”.").arg(name));
        } else {
            showError(result.error(), BannerKind::ActionFailed, tr("Could not enable “%1”.").arg(name));
            // The refused attempt is on record although the key did not change.
            if (m_details->shownKeyId() == id)
                m_details->reloadActivity();
        }
        updateActions();
    });
}

void ApiKeysPage::disableSelected()
{
    const std::optional<ApiKey> key = selectedKey();
    if (!key || !m_disable->isEnabled())
        return;
    const bool yes = Confirmation::ask(this, KeyQuestions::disableKey(key->name));
    if (!yes)
        return;
    const QString id = key->id;
    m_busyKeys.insert(id);
    updateActions();
    auto *call = m_session->client()->disableApiKey(id);
    track(call);
    call->onFinished(this, [this, id, name = key->name](const Result<ApiKey> &result) {
        m_busyKeys.remove(id);
        if (result) {
            m_model->upsertKey(result.value());
            Q_EMIT statusMessage(tr("Disabled “%1”: requests with it are now refused.").arg(name));
        } else {
            showError(result.error(), BannerKind::ActionFailed, tr("Could not disable “%1”.").arg(name));
            // The refused attempt is on record although the key did not change.
            if (m_details->shownKeyId() == id)
                m_details->reloadActivity();
        }
        updateActions();
    });
}

void ApiKeysPage::deleteSelected()
{
    const std::optional<ApiKey> key = selectedKey();
    if (!key || !m_delete->isEnabled())
        return;
    const bool yes = Confirmation::ask(this, KeyQuestions::deleteKey(key->name, key->id));
    if (!yes)
        return;
    const QString id = key->id;
    m_busyKeys.insert(id);
    updateActions();
    auto *call = m_session->client()->deleteApiKey(id);
    track(call);
    call->onFinished(this, [this, id, name = key->name](const Result<NoContent> &result) {
        m_busyKeys.remove(id);
        if (result || result.error().is(u"not-found")) {
            // Not found: someone deleted it first; either way it is gone.
            m_model->removeKey(id);
            Q_EMIT statusMessage(tr("Deleted “%1”.").arg(name));
            loadQuota();
        } else {
            showError(result.error(), BannerKind::ActionFailed, tr("Could not delete “%1”.").arg(name));
            // The refused attempt is on record although the key did not change.
            if (m_details->shownKeyId() == id)
                m_details->reloadActivity();
        }
        updateActions();
    });
}

void ApiKeysPage::newKey()
{
    if (!m_newKey->isEnabled())
        return;
    QStringList names;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (const ApiKey *key = m_model->keyAt(row))
            names.append(key->name);
    }
    auto *wizard = new NewApiKeyWizard(m_session->client(), m_session->identity(), names, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &NewApiKeyWizard::requestFailed, this,
            [this](const ApiError &error) { m_session->handleError(error); });
    // A load refused because the session ended (roles, workspaces) is asked again once signed in
    // again, so the wizard can go on with what was typed instead of being cancelled.
    connect(m_session, &Session::signedIn, wizard, &NewApiKeyWizard::reloadFailed);
    connect(wizard, &NewApiKeyWizard::keyCreated, this, [this](const CreatedApiKey &created) {
        m_model->upsertKey(created.apiKey);
        showKey(created.apiKey.id); // clears a search or filter that would hide it
        loadQuota();
        const Role *role = m_roles->role(created.apiKey.role);
        auto *reveal = new KeyRevealDialog(created, role ? role->title : created.apiKey.role, this);
        reveal->setAttribute(Qt::WA_DeleteOnClose);
        reveal->setClipboardTimeoutMs(
            m_settings->value(QStringLiteral("security/clipboardClearSeconds"), 30).toInt() * 1000);
        reveal->open();
        Q_EMIT statusMessage(tr("Created “%1”: copy its value now, it is shown only once.").arg(created.apiKey.name));
    });
    wizard->open();
}

void ApiKeysPage::fitColumns()
{
    // Fit to the content, within reason: a long description must not push everything else away.
    QHeaderView *header = m_ui->keysTable->horizontalHeader();
    const int em = fontMetrics().horizontalAdvance(u'M');
    m_ui->keysTable->resizeColumnsToContents();
    for (int c = 0; c < ApiKeyTableModel::ColumnCount; ++c)
        header->resizeSection(c, qMin(header->sectionSize(c) + em, c == ApiKeyTableModel::Name ? 16 * em : 13 * em));
}

void ApiKeysPage::saveState()
{
    m_settings->setValue(QStringLiteral("keysPage/header"), m_ui->keysTable->horizontalHeader()->saveState());
    m_settings->setValue(QStringLiteral("keysPage/splitter"), m_ui->splitter->saveState());
    m_settings->setValue(QStringLiteral("keysPage/statusFilter"), m_ui->statusFilterCombo->currentIndex());
    m_settings->setValue(QStringLiteral("keysPage/staleDays"), m_proxy->staleDays());
    m_settings->setValue(QStringLiteral("keysPage/rotationDays"), m_proxy->rotationDays());
    m_settings->setValue(QStringLiteral("keysPage/expiringSoonDays"), m_proxy->expiringSoonDays());
}

void ApiKeysPage::restoreState()
{
    m_proxy->setStaleDays(m_settings->value(QStringLiteral("keysPage/staleDays"), 90).toInt());
    m_proxy->setRotationDays(m_settings->value(QStringLiteral("keysPage/rotationDays"), 90).toInt());
    m_proxy->setExpiringSoonDays(m_settings->value(QStringLiteral("keysPage/expiringSoonDays"), 14).toInt());
    m_ui->statusFilterCombo->setCurrentIndex(m_settings->value(QStringLiteral("keysPage/statusFilter"), 0).toInt());
    QHeaderView *header = m_ui->keysTable->horizontalHeader();
    const QByteArray headerState = m_settings->value(QStringLiteral("keysPage/header")).toByteArray();
    if (headerState.isEmpty() || !header->restoreState(headerState)) {
        m_fitColumns = true; // first run: fit the columns to the first keys loaded
        // Shown next to the status: whether a key is still used is what a review of keys turns on,
        // and at the model's place it is past the right edge of a window of ordinary width.
        header->moveSection(header->visualIndex(ApiKeyTableModel::LastUsed),
                            header->visualIndex(ApiKeyTableModel::Status) + 1);
    } else {
        m_ui->keysTable->sortByColumn(header->sortIndicatorSection(), header->sortIndicatorOrder());
    }
    const QByteArray splitterState = m_settings->value(QStringLiteral("keysPage/splitter")).toByteArray();
    if (!splitterState.isEmpty())
        m_ui->splitter->restoreState(splitterState);
}

} // namespace datarecs
