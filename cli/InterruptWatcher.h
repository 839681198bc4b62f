#pragma once

#include <QObject>

class QSocketNotifier;

namespace datarecs::cli {

/// Turns SIGINT/SIGTERM into a Qt signal while it exists (self-pipe), so that a long download can be
/// cancelled cleanly (its temporary file removed) instead of the process dying mid-write.
class InterruptWatcher : public QObject
{
    Q_OBJECT
public:
    explicit InterruptWatcher(QObject *parent = nullptr);
    ~InterruptWatcher() override;

Q_SIGNALS:
    void interrupted();

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace datarecs::cli
