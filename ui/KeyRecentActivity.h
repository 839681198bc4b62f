#pragma once

#include "ApiJob.h"
#include "AuditEvent.h"
#include "Page.h"
#include "Result.h"

#include <QDateTime>
#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace datarecs {

class ApiClient;

/// The "Recent activity" section of a key's details: its last few audit events (limit ~5), fetched
/// when a key is shown, with a button that opens the whole history in the audit log viewer.
class KeyRecentActivity : public QWidget
{
    Q_OBJECT
public:
    static constexpr int EventCount = 5;

    explicit KeyRecentActivity(QWidget *parent = nullptr);
    ~KeyRecentActivity() override;

    /// Not owned. Without a client the section says nothing is loaded.
    void setClient(ApiClient *client) { m_client = client; }
    /// Loads the key's last events; the same key with the same update time is not loaded again.
    void showKey(const QString &apiKeyId, const QDateTime &updatedAt);
    /// Loads the shown key's events again: requests made with a key, or refused changes to it, leave
    /// events without changing the key.
    void reload();
    QString text() const;
    /// True while the key's events are on their way.
    bool isLoading() const { return !m_call.isNull(); }

Q_SIGNALS:
    /// "View all activity": the audit log viewer filtered to this key.
    void activityRequested(const QString &apiKeyId);
    /// The section shows its final text for the key: its events, none, or why they are missing.
    void settled();

private:
    void showEvents(const Result<Page<AuditEvent>> &result);

    ApiClient *m_client = nullptr;
    QString m_keyId;
    QDateTime m_updatedAt;
    QPointer<ApiJob> m_call;
    QLabel *m_list;
    QPushButton *m_viewAll;
};

} // namespace datarecs
