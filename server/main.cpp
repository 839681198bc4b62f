#include "commands/ServerCommands.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("datarecs-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DATARECS_VERSION));
    return datarecs::server::runServerCommand(QCoreApplication::arguments());
}
