#include "Output.h"

#include "Terminal.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cwchar>

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

/// The terminal cells text takes, to line up table columns: a CJK character takes two, a combining
/// mark (an accent written after its letter) none; counting UTF-16 units misaligns both.
static qsizetype displayWidth(const QString &text)
{
    // The C library knows the widths by the locale of the environment (QCoreApplication calls
    // setlocale() on Unix). It answers -1 for what it cannot measure, such as any non-ASCII
    // character in a C/POSIX locale: one cell is the best guess there.
    qsizetype cells = 0;
    for (const char32_t c : text.toUcs4()) {
        const int w = ::wcwidth(wchar_t(c));
        cells += w < 0 ? 1 : w;
    }
    return cells;
}

QString Output::table(const QStringList &headers, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &h : headers)
        widths.append(displayWidth(h));
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], displayWidth(row[i]));
    }
    auto line = [&](const QStringList &cells) {
        QString s;
        for (qsizetype i = 0; i < cells.size(); ++i) {
            s += cells[i];
            // No padding after the last column: no trailing blanks for people who copy lines.
            if (i + 1 < cells.size()) s += QString(widths[i] + 2 - displayWidth(cells[i]), u' ');
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

void Output::record(const QList<Field> &fields, const Rows &csvRow, const QJsonValue &jsonValue,
                    Stream stream) const
{
    switch (m_format) {
    case Format::Table: {
        qsizetype width = 0;
        for (const Field &f : fields)
            width = std::max(width, f.label.size());
        QString text;
        // The lines of a multi-line value (a description) start under the value column: at the start
        // of a line they could pass for fields of their own ("Enabled: no").
        const QString indent(width + 2, u' ');
        for (const Field &f : fields) {
            QString value = f.value;
            value.replace(u"\r\n"_s, u"\n"_s).replace(u'\r', u'\n');
            text += (f.label + u':').leftJustified(width + 2) + value.replace(u'\n', u'\n' + indent) + u'\n';
        }
        write(stream, text);
        break;
    }
    case Format::Csv:
        write(stream, csv(csvRow.headers, csvRow.rows));
        break;
    case Format::Json:
        write(stream, json(jsonValue));
        break;
    }
}

} // namespace datarecs::cli
