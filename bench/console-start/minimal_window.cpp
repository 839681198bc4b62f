// bench-minimal-window FILE: the baseline for bench/console-start. A plain Qt Widgets window with a
// small table opens, saves a PNG of itself once shown (as `datarecs-console --screenshot` does) and
// quits: what any Qt Widgets program pays to start, show and grab a window on this machine.

#include <QApplication>
#include <QMainWindow>
#include <QTableWidget>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    if (argc < 2)
        return 2;
    const QString file = QString::fromLocal8Bit(argv[1]);
    QMainWindow window;
    auto *table = new QTableWidget(20, 5);
    for (int r = 0; r < 20; ++r) {
        for (int c = 0; c < 5; ++c)
            table->setItem(r, c, new QTableWidgetItem(QStringLiteral("cell %1,%2").arg(r).arg(c)));
    }
    window.setCentralWidget(table);
    window.resize(1180, 720);
    window.show();
    QTimer::singleShot(0, &window, [&window, &file] {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QApplication::exit(window.grab().save(file, "PNG") ? 0 : 1);
    });
    return app.exec();
}
