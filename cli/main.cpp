// datarecs: the DataRecs command-line client. Thin: everything is in Cli and the api library.
#include "Cli.h"
#include "ExitCode.h"
#include "Terminal.h"

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
        &cli, &datarecs::cli::Cli::finished, &app,
        [](int code) {
            // A script reading our output must not take a partial answer for a whole one.
            const QString error = datarecs::cli::Terminal::stdoutError();
            if (code == datarecs::cli::ExitCode::Ok && !error.isEmpty()) {
                datarecs::cli::Terminal::err(QStringLiteral("datarecs: could not write to standard output: %1\n").arg(error));
                code = datarecs::cli::ExitCode::Failure;
            }
            QCoreApplication::exit(code);
        },
        Qt::QueuedConnection);
    QTimer::singleShot(0, &cli, [&cli, &app] { cli.run(app.arguments()); });
    return app.exec();
}
