// bench-minimal-window [FILE]: the baseline for bench/console-start. A plain Qt Widgets window with a
// small table opens and, once shown and painted, quits: what any Qt Widgets program pays to start
// and show a window on this machine. With FILE it first saves a PNG of itself, as
// `datarecs-console --screenshot` does on the offscreen platform (the painted window read back).

#include <QApplication>
#include <QMainWindow>
#include <QPixmap>
#include <QScreen>
#include <QTableWidget>
#include <QTimer>
#include <QWindow>

#include <functional>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const QString file = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    QMainWindow window;
    auto *table = new QTableWidget(20, 5);
    for (int r = 0; r < 20; ++r) {
        for (int c = 0; c < 5; ++c)
            table->setItem(r, c, new QTableWidgetItem(QStringLiteral("cell %1,%2").arg(r).arg(c)));
    }
    window.setCentralWidget(table);
    window.resize(1180, 720);
    window.show();
    // Once the window is on screen (the console's data arrives long after that).
    std::function<void()> shoot = [&] {
        if (!window.windowHandle()->isExposed()) {
            QTimer::singleShot(0, &window, shoot);
            return;
        }
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::sendPostedEvents(&window, QEvent::UpdateRequest);
        if (file.isEmpty()) {
            QApplication::exit(0);
            return;
        }
        const QPixmap shot = window.screen()->grabWindow(window.winId());
        QApplication::exit(shot.save(file, "PNG") ? 0 : 1);
    };
    QTimer::singleShot(0, &window, shoot);
    return app.exec();
}
