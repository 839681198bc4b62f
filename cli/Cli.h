#pragma once

#include "CommandLine.h"

#include <QObject>

namespace datarecs::cli {

class Context;

/// One invocation of `datarecs`: parses the command line, finds the server and the credential,
/// runs the command on the event loop and reports its exit status through finished().
class Cli : public QObject
{
    Q_OBJECT
public:
    explicit Cli(QObject *parent = nullptr);

    void run(const QStringList &arguments);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void withCredential(Context &ctx, const std::function<void(Context &)> &command);

    CommandLine m_commandLine;
};

} // namespace datarecs::cli
