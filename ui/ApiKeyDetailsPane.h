#pragma once

#include <QWidget>

#include <memory>
#include <optional>

namespace Ui {
class ApiKeyDetailsPane;
}

namespace datarecs {

struct ApiKey;
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
    QString shownKeyId() const { return m_keyId; }

Q_SIGNALS:
    /// After "Copy", for the window's status line.
    void copied(const QString &what);

private:
    std::unique_ptr<Ui::ApiKeyDetailsPane> m_ui;
    const ApiKeyTableModel *m_model = nullptr;
    QString m_keyId;
};

} // namespace datarecs
