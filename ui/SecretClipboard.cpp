#include "SecretClipboard.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QMimeData>

namespace datarecs {

namespace {
QByteArray hashOf(const QString &value)
{
    return QCryptographicHash::hash(value.toUtf8(), QCryptographicHash::Sha256);
}
} // namespace

SecretClipboard::SecretClipboard(QObject *parent)
    : QObject(parent)
{
    m_deadline.setSingleShot(true);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] { Q_EMIT countdown(secondsLeft()); });
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        m_tick.stop();
        const bool ours = holdsOurs();
        if (ours)
            QGuiApplication::clipboard()->clear();
        m_hash.clear();
        Q_EMIT finished(ours);
    });
    // A value left on the clipboard would outlive the console: take it with us.
    if (QCoreApplication *app = QCoreApplication::instance())
        connect(app, &QCoreApplication::aboutToQuit, this, &SecretClipboard::clearIfOurs);
}

SecretClipboard::~SecretClipboard()
{
    if (QGuiApplication::instance())
        clearIfOurs();
}

SecretClipboard *SecretClipboard::instance()
{
    static SecretClipboard *guard = new SecretClipboard(QCoreApplication::instance());
    return guard;
}

QMimeData *SecretClipboard::secretMimeData(const QString &value)
{
    auto *mime = new QMimeData;
    mime->setText(value);
#if defined(Q_OS_MACOS)
    mime->setData(QStringLiteral("application/x-nspasteboard-concealed-type"), QByteArrayLiteral("secret"));
#elif defined(Q_OS_WIN)
    // Keeps the value out of clipboard history and cloud clipboard.
    mime->setData(QStringLiteral("ExcludeClipboardContentFromMonitorProcessing"), QByteArrayLiteral("1"));
    mime->setData(QStringLiteral("CanIncludeInClipboardHistory"), QByteArray(4, '\0'));
    mime->setData(QStringLiteral("CanUploadToCloudClipboard"), QByteArray(4, '\0'));
#else
    // KDE's Klipper and Wayland clipboard managers skip entries marked like this.
    mime->setData(QStringLiteral("x-kde-passwordManagerHint"), QByteArrayLiteral("secret"));
#endif
    return mime;
}

void SecretClipboard::copy(const QString &value, int timeoutMs)
{
    QGuiApplication::clipboard()->setMimeData(secretMimeData(value), QClipboard::Clipboard);
    m_hash = hashOf(value);
    m_deadline.start(timeoutMs > 0 ? timeoutMs : DefaultTimeoutMs);
    m_tick.start();
    Q_EMIT countdown(secondsLeft());
}

void SecretClipboard::clearIfOurs()
{
    const bool counting = m_deadline.isActive();
    m_deadline.stop();
    m_tick.stop();
    const bool ours = holdsOurs();
    if (ours)
        QGuiApplication::clipboard()->clear();
    m_hash.clear();
    if (counting)
        Q_EMIT finished(ours);
}

int SecretClipboard::secondsLeft() const
{
    return m_deadline.isActive() ? (m_deadline.remainingTime() + 999) / 1000 : 0;
}

bool SecretClipboard::holdsOurs() const
{
    if (m_hash.isEmpty())
        return false;
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData(QClipboard::Clipboard);
    return mime && mime->hasText() && hashOf(mime->text()) == m_hash;
}

} // namespace datarecs
