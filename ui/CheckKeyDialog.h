#pragma once

#include "ApiError.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace datarecs {

class ApiClient;
struct ApiKey;

/// "Check a key value": which of the tenant's keys a pasted value is (for a value found in a log, a
/// repository or a secret scanner's report). The format and checksum are checked here first and
/// explained without asking the server; a well-formed value is looked up (POST /v1/api-keys/lookup,
/// value in the body). The value is never logged or stored, and is wiped from the field on close.
class CheckKeyDialog : public QDialog
{
    Q_OBJECT
public:
    /// roleTitles: role name → title, for display.
    CheckKeyDialog(ApiClient *client, const QHash<QString, QString> &roleTitles, QWidget *parent = nullptr);
    ~CheckKeyDialog() override;

    bool isChecking() const { return m_checking; }
    /// What the check found, as shown.
    QString resultText() const;
    /// The id of the key found, empty when none.
    QString foundKeyId() const { return m_foundId; }

    void done(int result) override;

Q_SIGNALS:
    /// "Show in list": the page selects the key.
    void showKeyRequested(const QString &id);
    void requestFailed(const datarecs::ApiError &error);

private:
    void check();
    void showFound(const ApiKey &key);
    void setResult(const QString &text);

    ApiClient *m_client;
    QHash<QString, QString> m_roleTitles;
    bool m_checking = false;
    QString m_foundId;
    QLineEdit *m_valueEdit;
    QCheckBox *m_showCheck;
    QPushButton *m_checkButton;
    QLabel *m_result;
    QPushButton *m_showInListButton;
    QPushButton *m_closeButton;
};

} // namespace datarecs
