#include "Output.h"

#include "Terminal.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace datarecs::cli {

std::optional<Output::Format> Output::parseFormat(const QString &name)
{
    if (name == u"table") return Format::Table;
    if (name == u"json") return Format::Json;
    if (name == u"csv") return Format::Csv;
    return std::nullopt;
}

static void write(Output::Stream stream, const QString &text)
{
    if (stream == Output::Stream::Stdout)
        Terminal::out(text);
    else
        Terminal::err(text);
}

QString Output::table(const QStringList &headers, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &h : headers)
        widths.append(h.size());
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    }
    auto line = [&](const QStringList &cells) {
        QString s;
        for (qsizetype i = 0; i < cells.size(); ++i) {
            // No padding after the last column: no trailing blanks for people who copy lines.
            s += i + 1 < cells.size() ? cells[i].leftJustified(widths[i] + 2) : cells[i];
        }
        return s + u'\n';
    };
    QString out = line(headers);
    for (const QStringList &row : rows)
        out += line(row);
    return out;
}

static QString csvField(const QString &value)
{
    // RFC 4180: quote fields holding a separator, a quote or a line break; double inner quotes.
    if (!value.contains(u',') && !value.contains(u'"') && !value.contains(u'\n') && !value.contains(u'\r'))
        return value;
    QString quoted = value;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' + quoted + u'"';
}

QString Output::csv(const QStringList &headers, const QList<QStringList> &rows)
{
    auto line = [](const QStringList &cells) {
        QStringList escaped;
        for (const QString &c : cells)
            escaped.append(csvField(c));
        return escaped.join(u',') + u"\r\n"_s;
    };
    QString out = line(headers);
    for (const QStringList &row : rows)
        out += line(row);
    return out;
}

QString Output::json(const QJsonValue &value)
{
    const QJsonDocument doc =
        value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
}

void Output::list(const Rows &tableRows, const Rows &csvRows, const QJsonValue &jsonValue,
                  Stream stream) const
{
    switch (m_format) {
    case Format::Table:
        write(stream, table(tableRows.headers, tableRows.rows));
        break;
    case Format::Csv:
        write(stream, csv(csvRows.headers, csvRows.rows));
        break;
    case Format::Json:
        write(stream, json(jsonValue));
        break;
    }
}

void Output::record(const QList<Field> &fields, const QJsonValue &jsonValue, Stream stream) const
{
    switch (m_format) {
    case Format::Table: {
        qsizetype width = 0;
        for (const Field &f : fields)
            width = std::max(width, f.label.size());
        QString text;
        for (const Field &f : fields)
            text += (f.label + u':').leftJustified(width + 2) + f.value + u'\n';
        write(stream, text);
        break;
    }
    case Format::Csv: {
        QStringList headers, values;
        for (const Field &f : fields) {
            headers.append(f.key);
            values.append(f.value);
        }
        write(stream, csv(headers, {values}));
        break;
    }
    case Format::Json:
        write(stream, json(jsonValue));
        break;
    }
}

} // namespace datarecs::cli
