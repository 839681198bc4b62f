#include "JsonWriter.h"

#include <charconv>

namespace datarecs::server {

void JsonWriter::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_empty.empty()) {
        if (!m_empty.back())
            m_out += ',';
        m_empty.back() = false;
    }
}

void JsonWriter::open(char bracket)
{
    separate();
    m_out += bracket;
    m_empty.push_back(true);
}

void JsonWriter::close(char bracket)
{
    m_out += bracket;
    if (!m_empty.empty())
        m_empty.pop_back();
}

void JsonWriter::scalar(const char *literal)
{
    separate();
    m_out += literal;
}

namespace {

// Names and most values are printable ASCII with nothing to escape: written quoted in one pass, without
// a UTF-8 temporary or the escaping loop's piecemeal appends. Returns false, having written nothing, for
// anything else, which quoted() then writes.
template <typename Char>
bool appendPlainQuoted(QByteArray &out, const Char *text, qsizetype size)
{
    const qsizetype at = out.size();
    out.resize(at + size + 2);
    char *to = out.data() + at;
    *to++ = '"';
    for (qsizetype i = 0; i < size; ++i) {
        const auto c = static_cast<char16_t>(text[i]);
        if (c >= 0x80 || c < 0x20 || c == u'"' || c == u'\\') {
            out.truncate(at);
            return false;
        }
        to[i] = char(c);
    }
    to[size] = '"';
    return true;
}

} // namespace

void JsonWriter::key(const char *name)
{
    separate();
    const QByteArrayView text(name);
    if (!appendPlainQuoted(m_out, reinterpret_cast<const unsigned char *>(text.data()), text.size()))
        quoted(text);
    m_out += ':';
    m_afterKey = true;
}

void JsonWriter::string(const QString &value)
{
    separate();
    // toUtf8 turns a lone surrogate into U+FFFD, so the output is always valid UTF-8.
    if (!appendPlainQuoted(m_out, value.utf16(), value.size()))
        quoted(value.toUtf8());
}

void JsonWriter::latin1(const char *value)
{
    separate();
    quoted(QByteArrayView(value));
}

void JsonWriter::integer(qint64 value)
{
    separate();
    char digits[24];
    m_out += QByteArrayView(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

void JsonWriter::quoted(QByteArrayView utf8)
{
    // RFC 8259 section 7: the quotation mark, the reverse solidus and the control characters must be
    // escaped; everything else may appear as it is.
    static constexpr char hex[] = "0123456789abcdef";
    m_out += '"';
    qsizetype plainFrom = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        m_out += utf8.sliced(plainFrom, i - plainFrom);
        plainFrom = i + 1;
        switch (c) {
        case '"': m_out += "\\\""; break;
        case '\\': m_out += "\\\\"; break;
        case '\n': m_out += "\\n"; break;
        case '\r': m_out += "\\r"; break;
        case '\t': m_out += "\\t"; break;
        case '\b': m_out += "\\b"; break;
        case '\f': m_out += "\\f"; break;
        default: {
            const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            m_out += QByteArrayView(escaped, sizeof escaped);
        }
        }
    }
    m_out += utf8.sliced(plainFrom);
    m_out += '"';
}

void JsonWriter::clear()
{
    m_out.resize(0); // keeps the capacity, unlike clear()
    m_empty.clear();
    m_afterKey = false;
}

} // namespace datarecs::server
