#pragma once

#include "ApiError.h"
#include "ApiKey.h"
#include "KeyRevealDialog.h"
#include "Responses.h"

#include <QPointer>
#include <QTimer>
#include <QWizard>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;

namespace datarecs {

class ApiClient;
class ExpiryPicker;
class WizardPage;

/// Rotate: creates a replacement for a key (same role and workspace, POST …/rotate), shows its value
/// once, then watches the OLD key's last use so that the admin sees when every system has moved
/// over, and offers to disable and then delete it — the product guide's rotation steps in one place.
///
/// The replacement is created with one Idempotency-Key for the whole wizard, and the fields are
/// locked after an attempt without an answer, so that trying again repeats the same request and can
/// never create a second key.
class RotateApiKeyWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { ReplacementPageId, MovePageId };

    RotateApiKeyWizard(ApiClient *client, const ApiKey &oldKey, const QString &roleTitle, QWidget *parent = nullptr);
    ~RotateApiKeyWizard() override;

    /// "<name> (rotated 2026-11-27)", cut to the 100 characters a name may have.
    static QString suggestedName(const QString &oldName, const QDate &today);

    QString idempotencyKey() const { return m_idempotencyKey; }
    bool isRotating() const { return m_rotating; }
    const std::optional<ApiKey> &replacement() const { return m_replacement; }
    /// The old key as last seen (refreshed while the wizard is open); nullopt once deleted.
    const std::optional<ApiKey> &oldKey() const { return m_oldKey; }
    QString oldKeyId() const { return m_oldKeyId; }
    /// The message on the current page (empty when none).
    QString message() const;
    /// The old key's last use and what it means, as shown on the second page.
    QString activityText() const;

    /// How often the old key's last use is checked on the second page (default 10 s).
    void setRefreshIntervalMs(int ms);
    int refreshIntervalMs() const { return m_refreshTimer.interval(); }
    void setClipboardTimeoutMs(int ms) { m_clipboardTimeoutMs = ms; }
    /// The one-time reveal of the new value, while it is open.
    KeyRevealDialog *revealDialog() const { return m_reveal; }

    /// Loads the old key again (also done by the timer and the Refresh button).
    void refreshOldKey();

    void done(int result) override;

protected:
    void showEvent(QShowEvent *event) override;

Q_SIGNALS:
    /// The replacement exists (never carries its value: that goes only to the reveal dialog).
    void replacementCreated(const datarecs::ApiKey &replacement, const QString &requestId);
    /// The old key changed (now replaced, refreshed, disabled): for the keys list.
    void keyChanged(const datarecs::ApiKey &key);
    void keyDeleted(const QString &id);
    /// A step worth recording (disabled, deleted), with the server's request id when there is one.
    void stepDone(const QString &text, const QString &requestId);
    void requestFailed(const datarecs::ApiError &error);

private:
    void buildReplacementPage(const QString &roleTitle);
    void buildMovePage();
    bool startRotate();
    void onRotated(const Result<CreatedApiKey> &result, int attempts, const QString &requestId);
    void setRotating(bool rotating);
    void lockFields(bool locked);
    void updateMovePage();
    void disableOld();
    void deleteOld();
    void setOldKey(const std::optional<ApiKey> &key);

    ApiClient *m_client;
    QString m_oldKeyId;
    QString m_oldName;
    QString m_roleTitle;
    std::optional<ApiKey> m_oldKey;
    std::optional<ApiKey> m_replacement;
    QString m_idempotencyKey;
    bool m_rotating = false;
    bool m_uncertain = false;
    bool m_refreshing = false;
    bool m_changing = false; ///< a disable or delete of the old key is awaiting its answer
    int m_changes = 0;       ///< counts disables and deletes: a check begun before one is out of date
    int m_clipboardTimeoutMs = 30000;
    QDateTime m_checkedAt;
    QTimer m_refreshTimer;
    QPointer<KeyRevealDialog> m_reveal;

    WizardPage *m_replacementPage = nullptr;
    WizardPage *m_movePage = nullptr;
    QLineEdit *m_nameEdit = nullptr;
    QLabel *m_nameError = nullptr;
    ExpiryPicker *m_expiry = nullptr;
    QLabel *m_rotateMessage = nullptr;
    QLabel *m_newKeyLabel = nullptr;
    QLabel *m_activityLabel = nullptr;
    QLabel *m_checkedLabel = nullptr;
    QLabel *m_oldStatusLabel = nullptr;
    QLabel *m_moveMessage = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_disableButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
};

} // namespace datarecs
