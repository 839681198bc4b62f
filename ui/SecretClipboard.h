#pragma once

#include <QByteArray>
#include <QObject>
#include <QTimer>

class QMimeData;

namespace datarecs {

/// Puts a secret on the system clipboard the careful way: marked as secret so clipboard managers
/// and history do not keep it, cleared after a visible countdown, and cleared on quit, but only
/// while the clipboard still holds our value (what the user copied since is theirs to keep).
///
/// Only a hash of the copied value is kept here, to recognise it; never the value itself.
class SecretClipboard : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultTimeoutMs = 30000;

    explicit SecretClipboard(QObject *parent = nullptr);
    ~SecretClipboard() override;

    /// The one clipboard guard of the application, so that a countdown outlives the dialog that
    /// started it and the clipboard is cleared on quit.
    static SecretClipboard *instance();

    /// Copies value and starts the countdown; timeoutMs <= 0 uses DefaultTimeoutMs.
    void copy(const QString &value, int timeoutMs = DefaultTimeoutMs);
    /// Clears the clipboard now if it still holds what we put there; stops the countdown.
    void clearIfOurs();
    /// Whether the clipboard still holds our value and the countdown runs.
    bool isCountingDown() const { return m_deadline.isActive(); }
    int secondsLeft() const;

    /// The clipboard content for a secret, with the markers clipboard managers honour.
    static QMimeData *secretMimeData(const QString &value);

Q_SIGNALS:
    /// Once a second while counting down.
    void countdown(int secondsLeft);
    /// The countdown ended: wasOurs tells whether the clipboard still held our value (and was cleared).
    void finished(bool wasOurs);

private:
    bool holdsOurs() const;

    QByteArray m_hash;
    QTimer m_deadline;
    QTimer m_tick;
};

} // namespace datarecs
