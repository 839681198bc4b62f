#include "MainWindow.h"

#include "AccessibleField.h"
#include "ApiKeyDetailsPane.h"
#include "ApiKeysPage.h"
#include "AuditLogPage.h"
#include "ConsoleSettings.h"
#include "KeyRecentActivity.h"
#include "Session.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QScreen>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QTreeWidget>
#include <QHBoxLayout>
#include <QVBoxLayout>

namespace datarecs {

MainWindow::MainWindow(Session *session, ConsoleSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_settings(settings)
    , m_navigation(new QTreeWidget)
    , m_pages(new QStackedWidget)
    , m_keysPage(new ApiKeysPage(session, settings))
    , m_tenantLabel(new QLabel)
    , m_accountLabel(new QLabel)
    , m_quotaLabel(new QLabel)
    , m_keychainLabel(new QLabel)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("DataRecs Console"));
    setAccessibleName(tr("DataRecs Console"));

    buildNavigation();

    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->addWidget(m_keysPage); // the audit log joins on its first visit: see auditPage()

    // The navigation keeps its width; the page takes the rest.
    auto *central = new QWidget;
    auto *centralLayout = new QHBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->addWidget(m_navigation);
    centralLayout->addWidget(m_pages, 1);
    setCentralWidget(central);

    buildActions();

    for (QLabel *label : {m_tenantLabel, m_accountLabel, m_quotaLabel, m_keychainLabel}) {
        label->setTextFormat(Qt::PlainText); // tenant and account names as typed, never as HTML
        statusBar()->addPermanentWidget(label);
    }
    // The tenant, account and keychain texts say what they are ("Tenant: Acme"), so screen readers read
    // them as they are; the quota's "12 of 50 keys" needs its field.
    m_tenantLabel->setObjectName(QStringLiteral("tenantLabel"));
    m_accountLabel->setObjectName(QStringLiteral("accountLabel"));
    m_quotaLabel->setObjectName(QStringLiteral("quotaLabel"));
    setAccessibleField(m_quotaLabel, tr("API key quota"));
    m_keychainLabel->setObjectName(QStringLiteral("keychainLabel"));
    statusBar()->setObjectName(QStringLiteral("statusBar"));

    connect(m_session, &Session::signedIn, this, &MainWindow::updateStatusBar);
    connect(m_session, &Session::signedOut, this, &MainWindow::updateStatusBar);
    connect(m_session, &Session::sessionExpired, this, &MainWindow::updateStatusBar);
    connect(m_keysPage, &ApiKeysPage::quotaChanged, this, &MainWindow::updateStatusBar);
    connect(m_keysPage, &ApiKeysPage::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    connect(m_keysPage, &ApiKeysPage::signInRequested, this, &MainWindow::signInRequested);
    connect(m_keysPage, &ApiKeysPage::activityRequested, this, [this](const QString &apiKeyId) {
        auditPage()->showKeyActivity(apiKeyId);
        showPage(Page::AuditLog);
    });
    connect(m_pages, &QStackedWidget::currentChanged, this, &MainWindow::updateStatusBar); // the title names the page
    // The key's details pane lists the key's last events itself.
    if (auto *keyDetails = m_keysPage->findChild<ApiKeyDetailsPane *>()) {
        keyDetails->setClient(session->client());
        connect(keyDetails, &ApiKeyDetailsPane::activityRequested, m_keysPage, &ApiKeysPage::activityRequested);
    }
    connect(m_keysPage, &ApiKeysPage::firstLoadFinished, this, [this] {
        if (currentPage() != Page::ApiKeys)
            return;
        // The first key's recent activity is part of what the page first shows.
        auto *activity = m_keysPage->findChild<KeyRecentActivity *>();
        if (activity && activity->isLoading())
            connect(activity, &KeyRecentActivity::settled, this, &MainWindow::firstPageLoaded,
                    Qt::SingleShotConnection);
        else
            Q_EMIT firstPageLoaded();
    });

    if (!restoreGeometry(m_settings->value(QStringLiteral("window/geometry")).toByteArray())) {
        // First start: most of the screen, so that the key table's columns fit side by side.
        const QSize available = screen()->availableGeometry().size();
        resize(qBound(900, available.width() * 88 / 100, 1500), qBound(600, available.height() * 88 / 100, 950));
    }
    restoreState(m_settings->value(QStringLiteral("window/state")).toByteArray());
    showPage(static_cast<Page>(m_settings->value(QStringLiteral("window/page"), 0).toInt()));
    updateStatusBar();
}

MainWindow::~MainWindow() = default;

AuditLogPage *MainWindow::auditPage()
{
    // Built on first use: most visits start on the keys, and the window is up sooner without it.
    if (m_auditPage)
        return m_auditPage;
    m_auditPage = new AuditLogPage(m_session, m_settings);
    connect(m_auditPage, &AuditLogPage::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    connect(m_auditPage, &AuditLogPage::signInRequested, this, &MainWindow::signInRequested);
    connect(m_auditPage, &AuditLogPage::firstLoadFinished, this, [this] {
        if (currentPage() == Page::AuditLog)
            Q_EMIT firstPageLoaded();
    });
    m_pages->insertWidget(int(Page::AuditLog), m_auditPage);
    return m_auditPage;
}

void MainWindow::buildNavigation()
{
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setAccessibleName(tr("Navigation"));
    m_navigation->setHeaderHidden(true);
    m_navigation->setRootIsDecorated(false);
    auto *access = new QTreeWidgetItem(m_navigation, {tr("Access management")});
    access->setFlags(Qt::ItemIsEnabled); // a heading, not a page
    QFont bold = access->font(0);
    bold.setBold(true);
    access->setFont(0, bold);
    m_keysItem = new QTreeWidgetItem(access, {tr("API Keys")});
    m_auditItem = new QTreeWidgetItem(m_navigation, {tr("Audit log")});
    m_navigation->expandAll();
    m_navigation->setItemsExpandable(false);
    // As wide as its longest entry: the page gets the rest of the window.
    const QFontMetrics boldMetrics(bold);
    const int textWidth = qMax(boldMetrics.horizontalAdvance(access->text(0)),
                               fontMetrics().horizontalAdvance(m_keysItem->text(0)) + m_navigation->indentation());
    m_navigation->setFixedWidth(textWidth + 2 * m_navigation->frameWidth() + 3 * fontMetrics().horizontalAdvance(u'M'));
    connect(m_navigation, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item == m_keysItem)
            showPage(Page::ApiKeys);
        else if (item == m_auditItem)
            showPage(Page::AuditLog);
    });
}

void MainWindow::buildActions()
{
    auto *toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setAccessibleName(tr("Main toolbar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->setMovable(false);
    toolBar->addAction(m_keysPage->refreshAction());
    toolBar->addSeparator();
    toolBar->addAction(m_keysPage->newKeyAction());
    toolBar->addActions(m_keysPage->keyActions());

    auto *signOut = new QAction(tr("Sign &out"), this);
    signOut->setObjectName(QStringLiteral("actionSignOut"));
    connect(signOut, &QAction::triggered, this, &MainWindow::signOutRequested);
    auto *quit = new QAction(tr("&Quit"), this);
    quit->setObjectName(QStringLiteral("actionQuit"));
    quit->setShortcuts(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *console = menuBar()->addMenu(tr("&Console"));
    console->addAction(m_keysPage->refreshAction());
    console->addSeparator();
    console->addAction(signOut);
    console->addAction(quit);
    QMenu *key = menuBar()->addMenu(tr("&Key"));
    key->addAction(m_keysPage->newKeyAction());
    key->addSeparator();
    key->addActions(m_keysPage->keyActions());
    key->addSeparator();
    key->addAction(m_keysPage->viewActivityAction());
    key->addActions({m_keysPage->reportCompromisedAction(), m_keysPage->checkKeyAction()});
    QMenu *go = menuBar()->addMenu(tr("&Go"));
    auto *goKeys = go->addAction(tr("&API Keys"), this, [this] { showPage(Page::ApiKeys); });
    goKeys->setShortcut(QKeySequence(tr("Ctrl+1")));
    auto *goAudit = go->addAction(tr("Au&dit log"), this, [this] { showPage(Page::AuditLog); });
    goAudit->setShortcut(QKeySequence(tr("Ctrl+2")));

    // The key actions apply to the keys page only.
    connect(m_pages, &QStackedWidget::currentChanged, this, [this, key](int index) {
        key->setEnabled(index == int(Page::ApiKeys));
        for (QAction *a : m_keysPage->keyActions())
            a->setVisible(index == int(Page::ApiKeys));
        // The audit page has its own Refresh (and F5); a hidden action's shortcut does not fire.
        m_keysPage->refreshAction()->setVisible(index == int(Page::ApiKeys));
    });
}

void MainWindow::showPage(Page page)
{
    m_navigation->setCurrentItem(page == Page::AuditLog ? m_auditItem : m_keysItem);
    m_pages->setCurrentWidget(page == Page::AuditLog ? static_cast<QWidget *>(auditPage()) : m_keysPage);
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(m_pages->currentIndex());
}

void MainWindow::updateStatusBar()
{
    const bool in = m_session->isSignedIn();
    const Identity &id = m_session->identity();
    m_tenantLabel->setText(in ? tr("Tenant: %1").arg(id.tenant.name) : tr("Not signed in"));
    QString account = m_session->account();
    if (in && id.user) {
        const QString role = id.role ? *id.role : tr("member");
        account = tr("%1 (%2)").arg(id.user->email, role);
    }
    m_accountLabel->setText(account.isEmpty() ? QString() : tr("Signed in as %1").arg(account));
    m_accountLabel->setVisible(in);
    const std::optional<Quota> quota = m_keysPage->quota();
    m_quotaLabel->setText(quota ? tr("%1 of %2 keys").arg(quota->used).arg(quota->limit) : QString());
    m_quotaLabel->setToolTip(quota ? tr("%1 more keys can be created.").arg(quota->remaining) : QString());
    m_quotaLabel->setVisible(in && quota);
    switch (m_session->keychainState()) {
    case Session::KeychainState::Unavailable:
        m_keychainLabel->setText(tr("Session kept in memory only: no keychain"));
        m_keychainLabel->setToolTip(m_session->keychainError());
        m_keychainLabel->setVisible(in);
        break;
    default:
        m_keychainLabel->setVisible(false);
        break;
    }
    const QString page = currentPage() == Page::AuditLog ? tr("Audit log") : tr("API Keys");
    setWindowTitle(in ? tr("%1 – %2 – DataRecs Console").arg(page, id.tenant.name) : tr("DataRecs Console"));
}

void MainWindow::saveState()
{
    m_settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
    m_settings->setValue(QStringLiteral("window/state"), QMainWindow::saveState());
    m_settings->setValue(QStringLiteral("window/page"), int(currentPage()));
    m_keysPage->saveState();
    if (m_auditPage)
        m_auditPage->saveState();
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveState();
    event->accept();
}

} // namespace datarecs
