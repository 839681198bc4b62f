#pragma once

#include <QByteArray>
#include <QString>

#include <vector>

namespace datarecs::server {

/// Writes compact JSON straight into a byte buffer, for the responses that carry many objects (key
/// lists, audit pages and exports). QJsonObject builds a sorted tree and then serialises it, which
/// cost most of a 200-key list's time; writing in order skips both steps.
///
/// (RapidJSON's writer did this job first, but Debian's 1.1.0 does pointer arithmetic on a null
/// stack that clang's UBSan rejects, and the suite runs under UBSan.)
class JsonWriter
{
public:
    // Room for a small answer up front: growing from nothing reallocated the buffer a dozen times.
    JsonWriter() { m_out.reserve(512); }

    void startObject() { open('{'); }
    void endObject() { close('}'); }
    void startArray() { open('['); }
    void endArray() { close(']'); }

    /// A member name: ASCII literals only, which is what the contract's names are.
    void key(const char *name);
    void string(const QString &value);
    /// An ASCII literal value.
    void latin1(const char *value);
    /// The contract's optional strings: an empty value is sent as null.
    void stringOrNull(const QString &value)
    {
        if (value.isEmpty())
            null();
        else
            string(value);
    }
    void integer(qint64 value);
    void boolean(bool value) { scalar(value ? "true" : "false"); }
    void null() { scalar("null"); }

    /// The JSON written so far.
    QByteArray bytes() const { return m_out; }
    /// Starts over, keeping the buffer's memory (one writer serves a whole export).
    void clear();

private:
    /// Writes the comma that separates this value from the previous one, if any.
    void separate();
    void open(char bracket);
    void close(char bracket);
    void scalar(const char *literal);
    void quoted(QByteArrayView utf8);

    QByteArray m_out;
    std::vector<bool> m_empty; ///< per open object or array: nothing written in it yet
    bool m_afterKey = false;
};

} // namespace datarecs::server
