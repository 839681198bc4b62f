#pragma once

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;

namespace Ui {
class ApiKeyDetailsPane;
}

namespace datarecs {

struct ApiKey;
class ApiClient;
class KeyRecentActivity;
class ApiKeyTableModel;

/// Every field of the selected key, as text a user can select and read out, with a button that
/// copies the key's id (never its value: the console does not have it).
class ApiKeyDetailsPane : public QWidget
{
    Q_OBJECT
public:
    explicit ApiKeyDetailsPane(QWidget *parent = nullptr);
    ~ApiKeyDetailsPane() override;

    /// Role titles and relative times come from the keys model, so pane and table agree.
    void setModel(const ApiKeyTableModel *model) { m_model = model; }
    void showKey(const std::optional<ApiKey> &key);
    /// Loads the shown key's recent activity again (after a refresh, or an action on the key).
    void reloadActivity();
    QString shownKeyId() const { return m_keyId; }
    /// The client the "Recent activity" section loads the key's last events with (not owned).
    void setClient(ApiClient *client);

Q_SIGNALS:
    /// After "Copy", for the window's status line.
    void copied(const QString &what);
    /// A "Replaces" / "Replaced by" link was followed: the page selects that key.
    void keyLinkActivated(const QString &id);
    /// "View all activity": the audit log viewer filtered to the key.
    void activityRequested(const QString &apiKeyId);

private:
    void showFields(const ApiKey &key);
    void showLink(QLabel *label, const std::optional<QString> &id, const QString &what);

    std::unique_ptr<Ui::ApiKeyDetailsPane> m_ui;
    const ApiKeyTableModel *m_model = nullptr;
    QString m_keyId;
    KeyRecentActivity *m_activity;
};

} // namespace datarecs
