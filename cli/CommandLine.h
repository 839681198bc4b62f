#pragma once

#include <QCommandLineParser>
#include <QList>
#include <QStringList>

namespace datarecs::cli {

struct OptionSpec
{
    QString name;      ///< long name without dashes
    QString valueName; ///< empty for a flag
    QString help;
};

struct CommandSpec
{
    QString name;     ///< "api-key create"
    QString synopsis; ///< the arguments part of the usage line
    QString summary;
    QList<OptionSpec> options;
    QStringList examples;
    QString notes; ///< extra paragraph for --help (stdin use, output rules...)
};

/// The command table of `datarecs`, its help texts, and the parsing of one command line.
class CommandLine
{
public:
    static const QList<CommandSpec> &commands();
    static const QList<OptionSpec> &globalOptions();
    static const CommandSpec *find(const QString &name);
    static QStringList groups(); ///< "api-key", "audit"

    static QString overview();
    static QString groupHelp(const QString &group);
    static QString help(const CommandSpec &spec);

    enum class Outcome { Run, Help, Version, Error };
    /// Parses argv (with the program name first). On Help, helpText() is what to print; on Error,
    /// error() says what was wrong and helpHint() where to look.
    Outcome parse(const QStringList &arguments);

    const CommandSpec *command() const { return m_command; }
    QString error() const { return m_error; }
    QString helpText() const { return m_helpText; }
    QString helpHint() const;

    bool isSet(const QString &name) const { return m_parser.isSet(name); }
    QString value(const QString &name) const { return m_parser.value(name); }

private:
    QCommandLineParser m_parser;
    const CommandSpec *m_command = nullptr;
    QString m_group;
    QString m_error;
    QString m_helpText;
};

} // namespace datarecs::cli
