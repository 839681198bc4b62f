#include "CommandLine.h"

#include <QCoreApplication>
#include <QSet>

using namespace Qt::StringLiterals;

namespace datarecs::cli {

namespace {

const OptionSpec kApiKeyId{u"api-key-id"_s, u"ID"_s, u"The key to act on, e.g. key_4f9XbT2mQe8LrZ1a."_s};
const OptionSpec kIdempotencyKey{u"idempotency-key"_s, u"KEY"_s,
                                 u"Repeat an attempt that got no answer: the key it printed makes the server send that "
                                 "answer again, value included, instead of creating another key (within one hour)."_s};

QList<OptionSpec> auditFilters()
{
    return {
        {u"api-key-id"_s, u"ID"_s, u"Only events where this key is the actor or the target."_s},
        {u"actor"_s, u"ID"_s, u"Only events by this actor (usr_... or key_...)."_s},
        {u"action"_s, u"ACTION"_s, u"Only this action, e.g. api_key.disable or api_key.request."_s},
        {u"outcome"_s, u"OUTCOME"_s, u"success, refused or error."_s},
        {u"since"_s, u"WHEN"_s, u"From this time on: 2026-11-01, 2026-11-01T08:00:00Z, or 7d / 12h ago."_s},
        {u"until"_s, u"WHEN"_s, u"Before this time (same forms as --since)."_s}};
}

QList<CommandSpec> buildCommands()
{
    QList<CommandSpec> c;
    c.append(
        {u"login"_s,
         u"[--server URL] [--email EMAIL]"_s,
         u"Sign in with your email and password and keep the session in the system keychain."_s,
         {{u"email"_s, u"EMAIL"_s, u"The account to sign in as (asked for when missing)."_s}},
         {u"datarecs login --server https://datarecs.example.com"_s,
          u"printf '%s\\n' \"$PASSWORD\" | datarecs login --server http://127.0.0.1:8080 --email owner@acme.test"_s},
         u"The password is read from the terminal without echo. When standard input is not a terminal, "
         "the email (unless --email is given) and then the password are read as lines from standard input. "
         "Without a keychain (no Secret Service), login fails and keeps nothing: use DATARECS_API_KEY "
         "instead."_s});
    c.append({u"logout"_s,
              u"[--server URL]"_s,
              u"End the session on the server and remove it from the keychain."_s,
              {},
              {u"datarecs logout"_s},
              {}});
    c.append({u"whoami"_s,
              {},
              u"Show who the current credential belongs to: user or key, tenant, role, "
              "workspace and permissions."_s,
              {},
              {u"datarecs whoami"_s, u"DATARECS_API_KEY=\"$NEW_KEY\" datarecs whoami --output json"_s},
              {}});

    c.append(
        {u"api-key list"_s,
         u"[--status STATUS] [--search TEXT] [--workspace ID] [--limit N]"_s,
         u"List API keys with their role, status, creator and last use."_s,
         {{u"status"_s, u"STATUS"_s, u"all (default), enabled, disabled, expired, stale or rotation-due."_s},
          {u"search"_s, u"TEXT"_s, u"Only keys whose name, description, id or creator contains TEXT."_s},
          {u"workspace"_s, u"ID"_s, u"Only keys restricted to this workspace (ws_...)."_s},
          {u"stale-days"_s, u"N"_s, u"Days without use after which a key counts as stale (default 90)."_s},
          {u"rotation-days"_s, u"N"_s, u"Age in days after which rotation is due (default 90)."_s},
          {u"limit"_s, u"N"_s, u"Print at most N keys (default: all)."_s}},
         {u"datarecs api-key list"_s,
          u"datarecs api-key list --status stale --output csv > stale-keys.csv"_s},
         {}});
    c.append({u"api-key show"_s,
              u"--api-key-id ID"_s,
              u"Show every field of one API key."_s,
              {kApiKeyId},
              {u"datarecs api-key show --api-key-id key_4f9XbT2mQe8LrZ1a"_s},
              {}});
    c.append(
        {u"api-key create"_s,
         u"--name NAME --role ROLE [--workspace ID] [--description TEXT] [--expires WHEN] [--idempotency-key KEY]"_s,
         u"Create an API key and print its value once."_s,
         {{u"name"_s, u"NAME"_s, u"A name that says where the key is used (1 to 100 characters)."_s},
          {u"role"_s, u"ROLE"_s, u"The role the key acts with (see `datarecs roles`), at most your own."_s},
          {u"workspace"_s, u"ID"_s,
           u"Restrict the key to this workspace (ws_..., see `datarecs workspaces`)."_s},
          {u"description"_s, u"TEXT"_s, u"What the key is for."_s},
          {u"expires"_s, u"WHEN"_s, u"Expiry: 2027-03-01, 2027-03-01T00:00:00Z, or 90d from now."_s},
          kIdempotencyKey},
         {u"datarecs api-key create --name ci-deploy --role workspace_editor --workspace ws_1234567890abcdef > key.txt"_s},
         u"The key value is shown only this once. When standard output is not a terminal, or with "
         "--output json, standard output receives the value alone and the key's details go to standard "
         "error, so `> key.txt` captures just the key."_s});
    c.append(
        {u"api-key update"_s,
         u"--api-key-id ID [--name NAME] [--description TEXT]"_s,
         u"Rename a key or change its description."_s,
         {kApiKeyId,
          {u"name"_s, u"NAME"_s, u"The new name."_s},
          {u"description"_s, u"TEXT"_s, u"The new description (\"\" clears it)."_s}},
         {u"datarecs api-key update --api-key-id key_4f9XbT2mQe8LrZ1a --description \"Terraform, prod\""_s},
         {}});
    c.append({u"api-key enable"_s,
              u"--api-key-id ID"_s,
              u"Enable a disabled key again."_s,
              {kApiKeyId},
              {u"datarecs api-key enable --api-key-id key_4f9XbT2mQe8LrZ1a"_s},
              {}});
    c.append({u"api-key disable"_s,
              u"--api-key-id ID"_s,
              u"Disable a key: the server refuses its very next request. Reversible with enable."_s,
              {kApiKeyId},
              {u"datarecs api-key disable --api-key-id key_4f9XbT2mQe8LrZ1a"_s},
              {}});
    c.append(
        {u"api-key delete"_s,
         u"--api-key-id ID [--yes]"_s,
         u"Delete a key for good."_s,
         {kApiKeyId, {u"yes"_s, {}, u"Do not ask for confirmation (required when not on a terminal)."_s}},
         {u"datarecs api-key delete --api-key-id key_4f9XbT2mQe8LrZ1a --yes"_s},
         u"On a terminal, delete asks for confirmation unless --yes is given; elsewhere it refuses to "
         "run without --yes."_s});
    c.append({u"api-key rotate"_s,
              u"--api-key-id ID [--name NAME] [--description TEXT] [--expires WHEN] [--idempotency-key KEY]"_s,
              u"Create a replacement for a key (same role and workspace) and print its value once."_s,
              {kApiKeyId,
               {u"name"_s, u"NAME"_s, u"A name for the new key (default: the old key's)."_s},
               {u"description"_s, u"TEXT"_s, u"A description for the new key."_s},
               {u"expires"_s, u"WHEN"_s, u"Expiry of the new key (same forms as for create)."_s},
               kIdempotencyKey},
              {u"datarecs api-key rotate --api-key-id key_4f9XbT2mQe8LrZ1a > new-key.txt"_s},
              u"The old key stays enabled until you disable it, so you can switch every system over first. "
              "The value is printed as for create."_s});
    c.append({u"api-key check"_s,
              {},
              u"Check a key value read from standard input: its format and checksum "
              "here, then which key it is on the server."_s,
              {},
              {u"datarecs api-key check < key.txt"_s},
              u"The value is read from standard input (never from the command line) and never printed."_s});

    c.append(
        {u"audit list"_s,
         u"[filters] [--limit N]"_s,
         u"List audit events, newest first."_s,
         auditFilters() + QList<OptionSpec>{{u"limit"_s, u"N"_s, u"Print at most N events (default 100)."_s}},
         {u"datarecs audit list --api-key-id key_4f9XbT2mQe8LrZ1a --since 7d"_s,
          u"datarecs audit list --outcome refused --output json"_s},
         {}});
    c.append(
        {u"audit export"_s,
         u"--format csv|ndjson [filters] [--output FILE]"_s,
         u"Download the audit log (streamed) to a file or standard output."_s,
         auditFilters() + QList<OptionSpec>{{u"format"_s, u"FORMAT"_s, u"csv or ndjson (required)."_s}},
         {u"datarecs audit export --format csv --since 2026-11-01 --output audit.csv"_s,
          u"datarecs audit export --format ndjson | jq .action"_s},
         u"Here --output names the FILE to write (standard output without it). The file appears only when "
         "the download is complete. Progress is shown on standard error when it is a terminal."_s});
    c.append({u"audit verify"_s,
              {},
              u"Ask the server to verify the audit log's hash chain."_s,
              {},
              {u"datarecs audit verify"_s},
              u"Exits with status 10 when the chain is broken."_s});

    c.append({u"roles"_s,
              {},
              u"List the roles keys and users can hold, with their permissions."_s,
              {},
              {u"datarecs roles"_s},
              {}});
    c.append({u"workspaces"_s,
              {},
              u"List the workspaces you can see."_s,
              {},
              {u"datarecs workspaces --output csv"_s},
              {}});
    c.append({u"quota"_s, {}, u"Show the tenant's API key quota."_s, {}, {u"datarecs quota"_s}, {}});
    return c;
}

QString optionLines(const QList<OptionSpec> &options)
{
    QString out;
    for (const OptionSpec &o : options) {
        const QString left = u"  --"_s + o.name + (o.valueName.isEmpty() ? QString() : u' ' + o.valueName);
        out += left.leftJustified(26) + u' ' + o.help + u'\n';
    }
    return out;
}

} // namespace

const QList<CommandSpec> &CommandLine::commands()
{
    static const QList<CommandSpec> all = buildCommands();
    return all;
}

const QList<OptionSpec> &CommandLine::globalOptions()
{
    static const QList<OptionSpec> all{
        {u"server"_s, u"URL"_s, u"The DataRecs server (default: $DATARECS_SERVER, then the last login)."_s},
        {u"output"_s, u"FORMAT"_s, u"table (default), json or csv."_s},
        {u"help"_s, {}, u"Show help for the command."_s},
    };
    return all;
}

const CommandSpec *CommandLine::find(const QString &name)
{
    for (const CommandSpec &c : commands()) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

QStringList CommandLine::groups()
{
    return {u"api-key"_s, u"audit"_s};
}

QString CommandLine::overview()
{
    QString out =
        u"Usage: datarecs COMMAND [options]\n\n"
        "Manage DataRecs API keys and read the audit log from a terminal or a script.\n\nCommands:\n"_s;
    for (const CommandSpec &c : commands())
        out += (u"  "_s + c.name).leftJustified(20) + u' ' + c.summary + u'\n';
    out += u"\nGlobal options:\n"_s + optionLines(globalOptions());
    out += u"\nEnvironment:\n"
           "  DATARECS_API_KEY     An API key to use instead of the login session (for CI).\n"
           "  DATARECS_SERVER      The server, when --server is not given.\n"
           "\nExamples:\n"
           "  datarecs login --server https://datarecs.example.com\n"
           "  datarecs api-key list --status stale\n"
           "  datarecs api-key disable --api-key-id key_4f9XbT2mQe8LrZ1a\n"
           "\nRun 'datarecs COMMAND --help' for a command's options. Exit statuses: see docs/cli.md.\n"_s;
    return out;
}

QString CommandLine::groupHelp(const QString &group)
{
    QString out = u"Usage: datarecs %1 SUBCOMMAND [options]\n\nSubcommands:\n"_s.arg(group);
    for (const CommandSpec &c : commands()) {
        if (c.name.startsWith(group + u' '))
            out += (u"  "_s + c.name.mid(group.size() + 1)).leftJustified(12) + u' ' + c.summary + u'\n';
    }
    out += u"\nRun 'datarecs %1 SUBCOMMAND --help' for its options.\n"_s.arg(group);
    return out;
}

QString CommandLine::help(const CommandSpec &spec)
{
    QString out = u"Usage: datarecs %1%2 [global options]\n\n%3\n"_s.arg(
        spec.name, spec.synopsis.isEmpty() ? QString() : u' ' + spec.synopsis, spec.summary);
    if (!spec.notes.isEmpty()) out += u'\n' + spec.notes + u'\n';
    if (!spec.options.isEmpty()) out += u"\nOptions:\n"_s + optionLines(spec.options);
    QList<OptionSpec> globals = globalOptions();
    if (spec.name == u"audit export")
        globals.removeIf([](const OptionSpec &o) { return o.name == u"output"; });
    out += u"\nGlobal options:\n"_s + optionLines(globals);
    out += u"\nExamples:\n"_s;
    for (const QString &e : spec.examples)
        out += u"  "_s + e + u'\n';
    return out;
}

QString CommandLine::helpHint() const
{
    if (m_command) return u"Run 'datarecs %1 --help' for its usage."_s.arg(m_command->name);
    if (!m_group.isEmpty()) return u"Run 'datarecs %1 --help' for its subcommands."_s.arg(m_group);
    return u"Run 'datarecs --help' for the list of commands."_s;
}

CommandLine::Outcome CommandLine::parse(const QStringList &arguments)
{
    // First find the command words, skipping option values: any option that takes a value in some
    // command takes one everywhere, so this needs no knowledge of the command yet.
    QSet<QString> known, takesValue;
    for (const OptionSpec &o : globalOptions()) {
        known.insert(o.name);
        if (!o.valueName.isEmpty()) takesValue.insert(o.name);
    }
    for (const CommandSpec &c : commands())
        for (const OptionSpec &o : c.options) {
            known.insert(o.name);
            if (!o.valueName.isEmpty()) takesValue.insert(o.name);
        }

    QStringList words;
    QString unknownOption; // the first option no command has
    bool help = false;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &a = arguments[i];
        if (a == u"--help" || a == u"-h") {
            help = true;
        } else if (a == u"--version") {
            return Outcome::Version;
        } else if (a.startsWith(u'-') && a.size() > 1) {
            // -name reads as --name (QCommandLineParser::ParseAsLongOptions below), so its value is skipped too.
            const QString name = a.mid(a.startsWith(u"--") ? 2 : 1).section(u'=', 0, 0);
            if (!known.contains(name) && unknownOption.isEmpty()) unknownOption = name;
            if (!a.contains(u'=') && takesValue.contains(name)) ++i;
        } else {
            words.append(a);
        }
    }
    // Whether an unknown option takes a value cannot be known, so it may have taken one of the words
    // (`--stauts stale`): when the words do not make a command, the option is the mistake to report.
    auto unknownOrElse = [&](const QString &error) {
        m_error = unknownOption.isEmpty() ? error : u"Unknown option '%1'."_s.arg(unknownOption);
        return Outcome::Error;
    };
    if (!words.isEmpty() && words.first() == u"help") {
        words.removeFirst();
        help = true;
    }

    if (words.isEmpty()) {
        m_helpText = overview();
        if (help) return Outcome::Help;
        m_error = u"No command given."_s;
        return Outcome::Error;
    }
    QString name = words.takeFirst();
    if (groups().contains(name)) {
        m_group = name;
        if (words.isEmpty()) {
            m_helpText = groupHelp(name);
            if (help) return Outcome::Help;
            m_error = u"'datarecs %1' needs a subcommand."_s.arg(name);
            return Outcome::Error;
        }
        name += u' ' + words.takeFirst();
    }
    m_command = find(name);
    if (!m_command) return unknownOrElse(u"Unknown command '%1'."_s.arg(name));
    if (help) {
        m_helpText = CommandLine::help(*m_command);
        return Outcome::Help;
    }
    if (!words.isEmpty()) return unknownOrElse(u"Unexpected argument '%1'."_s.arg(words.first()));

    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    QList<OptionSpec> options = globalOptions() + m_command->options;
    for (const OptionSpec &o : options) {
        // audit export's --output names a file; it replaces the global --output FORMAT there.
        if (m_command->name == u"audit export" && o.name == u"output") continue;
        m_parser.addOption(QCommandLineOption(o.name, o.help, o.valueName));
    }
    if (m_command->name == u"audit export")
        m_parser.addOption(QCommandLineOption(u"output"_s, u"File to write."_s, u"FILE"_s));
    if (!m_parser.parse(arguments)) {
        m_error = m_parser.errorText();
        if (!m_error.endsWith(u'.')) m_error += u'.';
        return Outcome::Error;
    }
    for (const OptionSpec &o : options) {
        if (o.valueName.isEmpty() || !m_parser.isSet(o.name)) continue;
        // Qt keeps the last of repeated values: `disable --api-key-id A --api-key-id B` would act on B
        // alone and report success. The output format is the exception, where the last one winning is
        // how a command overrides an alias's (`alias dr='datarecs --output json'`).
        const bool format = o.name == u"output" && m_command->name != u"audit export";
        if (!format && m_parser.values(o.name).size() > 1) {
            m_error = u"--%1 is given more than once: give it once."_s.arg(o.name);
            return Outcome::Error;
        }
        // A script's unset variable (`--workspace "$WS"`) must not read as "option left out": that
        // would widen a key to every workspace, or a filter to everything. An empty description is how
        // one is cleared, and an empty search, like grep's, matches everything.
        const bool mayBeEmpty = o.name == u"description" || o.name == u"search";
        if (!mayBeEmpty && m_parser.value(o.name).trimmed().isEmpty()) {
            m_error = u"--%1 is empty: give it a value, or leave the option out."_s.arg(o.name);
            return Outcome::Error;
        }
    }
    // Global options may come before the command, where `--output json` means a format; for audit
    // export it names the file to write, and a file called "json" is never what was meant.
    if (m_command->name == u"audit export" && m_parser.isSet(u"output"_s) &&
        QStringList{u"table"_s, u"json"_s, u"csv"_s, u"ndjson"_s}.contains(m_parser.value(u"output"_s))) {
        m_error = u"audit export writes the file named by --output, and '%1' is a format: pass the format "
                  u"with --format (csv or ndjson) and a file name with --output (./%1 if that is the name)."_s
                      .arg(m_parser.value(u"output"_s));
        return Outcome::Error;
    }
    return Outcome::Run;
}

} // namespace datarecs::cli
