#pragma once

#include "AuditExportToFile.h"
#include "AuditFilterBar.h"
#include "Queries.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace datarecs {

class ApiError;
class AuditEventDetails;
class AuditLogModel;
class ConsoleSettings;
class Session;

/// The audit log viewer: the tenant's events newest first, loaded as the user scrolls, filtered on
/// the server (filter bar with removable chips), with the full record of the selected event, follow
/// mode, export of the filtered events to a file and a check of the hash chain. Failures are shown on
/// the page; what was loaded stays usable.
class AuditLogPage : public QWidget
{
    Q_OBJECT
public:
    AuditLogPage(Session *session, ConsoleSettings *settings, QWidget *parent = nullptr);
    ~AuditLogPage() override;

    AuditLogModel *model() const { return m_model; }
    AuditFilter filter() const { return m_filterBar->filter(); }
    /// Applies a filter as if the user had chosen it (the model starts over).
    void setFilter(const AuditFilter &filter);
    /// "View activity" of a key: every event about that key.
    void showKeyActivity(const QString &apiKeyId);
    /// The message shown in place of a failure or a refusal; empty when all is well.
    QString message() const;
    bool hasLoaded() const;

    /// Exports the current filter to a file (what "Export…" does after asking where).
    void exportTo(const QString &filePath, ExportFormat format);
    void cancelExport();
    bool isExporting() const { return m_export != nullptr; }
    QString exportResult() const;
    void verifyIntegrity();
    QString verifyResult() const;
    void saveState();

    /// Records of a finished export: lines of NDJSON, or CSV records (quoted line breaks inside a
    /// field do not count) without the header. -1 if the file cannot be read.
    static qint64 countExportRows(const QString &filePath, ExportFormat format);

Q_SIGNALS:
    void statusMessage(const QString &text);
    /// The first load after sign-in ended (with rows or with an error shown).
    void firstLoadFinished();
    void signInRequested();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void onSignedIn();
    void onSignedOut();
    void applyFilter(const AuditFilter &filter);
    void loadIfNeeded();
    void loadKeyNames();
    void showError(const ApiError &error);
    void setBanner(const QString &text, bool retry);
    void updateCount();
    void updateFollowText();
    void showCurrentEvent();
    void chooseExportFile();

    Session *m_session;
    ConsoleSettings *m_settings;
    AuditLogModel *m_model;
    QSortFilterProxyModel *m_proxy;
    AuditFilterBar *m_filterBar;
    QTableView *m_table;
    AuditEventDetails *m_details;
    QLabel *m_banner;
    QPushButton *m_retry;
    QPushButton *m_signIn;
    QWidget *m_bannerBox;
    QLabel *m_permissionNotice;
    QCheckBox *m_follow;
    QLabel *m_followState;
    QLineEdit *m_find;
    QLabel *m_count;
    QPushButton *m_loadOlder;
    QPushButton *m_exportButton;
    QPushButton *m_verifyButton;
    QPushButton *m_refreshButton;
    QWidget *m_exportBox;
    QProgressBar *m_exportProgress;
    QLabel *m_exportText;
    QPushButton *m_cancelExport;
    QLabel *m_exportResult;
    QLabel *m_verifyResult;

    QPointer<AuditExportToFile> m_export;
    bool m_needsLoad = true;
    bool m_firstLoadSignalled = false;
    bool m_verifying = false;
};

} // namespace datarecs
