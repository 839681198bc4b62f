#pragma once

#include <QMainWindow>

class QLabel;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace datarecs {

class ApiKeysPage;
class AuditLogPage;
class ConsoleSettings;
class Session;

/// The console's window: navigation on the left (Access management → API Keys, Audit log), the
/// page on the right, the page's actions in the toolbar and menus, and who is signed in where in
/// the status bar. Remembers its geometry and the page it was on.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class Page { ApiKeys, AuditLog };

    MainWindow(Session *session, ConsoleSettings *settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    ApiKeysPage *keysPage() const { return m_keysPage; }
    AuditLogPage *auditPage();
    void showPage(Page page);
    Page currentPage() const;
    void saveState();

Q_SIGNALS:
    void signOutRequested();
    void signInRequested();
    /// The page the window opened on has shown its first data (or why it has none).
    void firstPageLoaded();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildNavigation();
    void buildActions();
    void updateStatusBar();

    Session *m_session;
    ConsoleSettings *m_settings;
    QTreeWidget *m_navigation;
    QStackedWidget *m_pages;
    ApiKeysPage *m_keysPage;
    AuditLogPage *m_auditPage = nullptr;
    QTreeWidgetItem *m_keysItem = nullptr;
    QTreeWidgetItem *m_auditItem = nullptr;
    QLabel *m_tenantLabel;
    QLabel *m_accountLabel;
    QLabel *m_quotaLabel;
    QLabel *m_keychainLabel;
};

} // namespace datarecs
