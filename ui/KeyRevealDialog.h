#pragma once

#include "Responses.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace datarecs {

class SecretClipboard;

/// Shows a new key's value the one time it exists outside the server: masked until the user asks
/// to see it, copied to the clipboard through SecretClipboard, and overwritten in memory when the
/// dialog closes. Closing before the value was copied (or the user said it is stored) asks first.
class KeyRevealDialog : public QDialog
{
    Q_OBJECT
public:
    /// roleTitle and workspaceName are for display ("" workspace: all workspaces). clipboard may be
    /// nullptr for the application's SecretClipboard::instance().
    KeyRevealDialog(const CreatedApiKey &created, const QString &roleTitle, QWidget *parent = nullptr,
                    SecretClipboard *clipboard = nullptr);
    ~KeyRevealDialog() override;

    /// How long a copied value stays on the clipboard (default 30 s).
    void setClipboardTimeoutMs(int ms) { m_timeoutMs = ms; }
    int clipboardTimeoutMs() const { return m_timeoutMs; }

    bool isMasked() const;
    bool wasCopied() const { return m_copied; }
    /// False once the value was wiped (the dialog closed).
    bool holdsValue() const { return !m_secret.isEmpty(); }
    QString keyId() const { return m_keyId; }

    void done(int result) override;

private:
    void copyValue();
    void wipe();

    SecretClipboard *m_clipboard;
    QString m_secret;
    QString m_keyId;
    int m_timeoutMs;
    bool m_copied = false;
    QLineEdit *m_valueEdit;
    QCheckBox *m_showCheck;
    QPushButton *m_copyButton;
    QLabel *m_countdownLabel;
    QCheckBox *m_storedCheck;
    QPushButton *m_closeButton;
};

} // namespace datarecs
