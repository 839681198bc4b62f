#include "commands/ServerCommands.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    // Qt's own event dispatcher rather than GLib's: the server needs nothing from GLib, and GLib's wakes
    // the loop with a system call for every event posted, two per request under load.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("datarecs-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DATARECS_VERSION));
    return datarecs::server::runServerCommand(QCoreApplication::arguments());
}
