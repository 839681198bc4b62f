// datarecs: the DataRecs command-line client. Thin: everything is in Cli and the api library.
#include "Cli.h"

#include <QCoreApplication>
#include <QTimer>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("DataRecs"));
    QCoreApplication::setApplicationName(QStringLiteral("datarecs"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DATARECS_VERSION));

    datarecs::cli::Cli cli;
    QObject::connect(
        &cli, &datarecs::cli::Cli::finished, &app, [](int code) { QCoreApplication::exit(code); },
        Qt::QueuedConnection);
    QTimer::singleShot(0, &cli, [&cli, &app] { cli.run(app.arguments()); });
    return app.exec();
}
