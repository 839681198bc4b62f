#pragma once

#include <QJsonValue>
#include <QList>
#include <QStringList>

namespace datarecs::cli {

/// Prints results as an aligned table (for people), JSON (stable, for scripts) or CSV.
class Output
{
public:
    enum class Format { Table, Json, Csv };
    enum class Stream { Stdout, Stderr };

    /// "table", "json", "csv"; nullopt for anything else.
    static std::optional<Format> parseFormat(const QString &name);

    explicit Output(Format format = Format::Table)
        : m_format(format)
    {}
    Format format() const { return m_format; }

    struct Rows
    {
        QStringList headers;
        QList<QStringList> rows;
    };
    /// A list: as shown in a table (readable values), as CSV (raw values, snake_case headers such as
    /// full timestamps) and as the JSON array.
    void list(const Rows &table, const Rows &csv, const QJsonValue &json,
              Stream stream = Stream::Stdout) const;

    /// One object: labelled readable fields for the table, one row of raw values for CSV (the same
    /// columns and values as the matching list's CSV, so both can be read the same way), the object
    /// for JSON.
    struct Field
    {
        QString label; ///< table label, e.g. "Created by"
        QString value;
    };
    void record(const QList<Field> &fields, const Rows &csv, const QJsonValue &json,
                Stream stream = Stream::Stdout) const;

    static QString table(const QStringList &headers, const QList<QStringList> &rows);
    static QString csv(const QStringList &headers, const QList<QStringList> &rows);
    static QString json(const QJsonValue &value);

private:
    Format m_format;
};

} // namespace datarecs::cli
