// datarecs-console [--server URL] [--profile NAME] [--screenshot FILE]
//
// Sign-in from the environment, for scripts and tests (a password never goes on a command line,
// where other users could read it in the process list):
//   DATARECS_EMAIL           pre-fills the email in the sign-in dialog
//   DATARECS_PASSWORD_FILE   a file holding the password; together with DATARECS_EMAIL the console
//                            signs in by itself when no remembered session is found. A failure is
//                            shown in the sign-in dialog as if the user had typed it.

#include "ConsoleApp.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>

#include <cstdio>

using namespace datarecs;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("DataRecs"));
    QApplication::setApplicationName(QStringLiteral("datarecs-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("DataRecs Console"));
    QApplication::setApplicationVersion(QStringLiteral(DATARECS_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("datarecs-console"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Manage your DataRecs tenant's API keys."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption serverOption(QStringLiteral("server"),
                                          QApplication::translate("main", "The DataRecs server to sign in to."),
                                          QStringLiteral("URL"));
    const QCommandLineOption profileOption(
        QStringLiteral("profile"),
        QApplication::translate("main", "A named profile with its own sign-in and window layout."),
        QStringLiteral("NAME"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QApplication::translate("main", "Save a PNG of the window once its first data has loaded, then exit."),
        QStringLiteral("FILE"));
    parser.addOptions({serverOption, profileOption, screenshotOption});
    parser.process(app);

    ConsoleApp::Options options;
    if (parser.isSet(serverOption)) {
        options.server = QUrl(parser.value(serverOption), QUrl::StrictMode);
        if (!options.server.isValid() || options.server.host().isEmpty()) {
            std::fprintf(stderr, "datarecs-console: --server: not a server address: %s\n",
                         qPrintable(parser.value(serverOption)));
            return 2;
        }
    }
    options.profile = parser.value(profileOption);
    options.screenshotPath = parser.value(screenshotOption);
    options.email = qEnvironmentVariable("DATARECS_EMAIL");
    const QString passwordFile = qEnvironmentVariable("DATARECS_PASSWORD_FILE");
    if (!passwordFile.isEmpty()) {
        QFile file(passwordFile);
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "datarecs-console: DATARECS_PASSWORD_FILE: cannot read %s\n",
                         qPrintable(passwordFile));
            return 2;
        }
        options.password = QString::fromUtf8(file.readAll()).trimmed();
    }

    ConsoleApp console(options);
    QObject::connect(&console, &ConsoleApp::finished, &app, [](int code) { QApplication::exit(code); });
    console.start();
    return app.exec();
}
