#include "StyleIcon.h"

#include <QApplication>
#include <QIconEngine>

namespace datarecs {

namespace {

class DeferredStyleIconEngine : public QIconEngine
{
public:
    explicit DeferredStyleIconEngine(QStyle::StandardPixmap which)
        : m_which(which)
    {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override
    {
        icon().paint(painter, rect, Qt::AlignCenter, mode, state);
    }
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return icon().pixmap(size, mode, state);
    }
    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state, qreal scale) override
    {
        return icon().pixmap(size, scale, mode, state);
    }
    QSize actualSize(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return icon().actualSize(size, mode, state);
    }
    QList<QSize> availableSizes(QIcon::Mode mode, QIcon::State state) override
    {
        return icon().availableSizes(mode, state);
    }
    QIconEngine *clone() const override { return new DeferredStyleIconEngine(*this); }
    QString key() const override { return QStringLiteral("DeferredStyleIconEngine"); }

private:
    const QIcon &icon()
    {
        if (m_icon.isNull())
            m_icon = QApplication::style()->standardIcon(m_which);
        return m_icon;
    }

    QStyle::StandardPixmap m_which;
    QIcon m_icon;
};

} // namespace

QIcon deferredStandardIcon(QStyle::StandardPixmap which)
{
    return QIcon(new DeferredStyleIconEngine(which));
}

} // namespace datarecs
