#pragma once

#include <QByteArray>
#include <QString>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace datarecs::server {

/// Writes compact JSON straight into a byte buffer, for the responses that carry many objects (key
/// lists, audit pages and exports). QJsonObject builds a sorted tree and then serialises it, which
/// cost most of a 200-key list's time; writing in order skips both steps. RapidJSON does the
/// escaping, so every string is valid JSON whatever it holds.
class JsonWriter
{
public:
    JsonWriter() : m_writer(m_buffer) {}

    void startObject() { m_writer.StartObject(); }
    void endObject() { m_writer.EndObject(); }
    void startArray() { m_writer.StartArray(); }
    void endArray() { m_writer.EndArray(); }

    /// A member name: ASCII literals only, which is what the contract's names are.
    void key(const char *name) { m_writer.Key(name); }
    void string(const QString &value)
    {
        const QByteArray utf8 = value.toUtf8();
        m_writer.String(utf8.constData(), rapidjson::SizeType(utf8.size()));
    }
    void latin1(const char *value) { m_writer.String(value); }
    /// The contract's optional strings: an empty value is sent as null.
    void stringOrNull(const QString &value)
    {
        if (value.isEmpty())
            m_writer.Null();
        else
            string(value);
    }
    void integer(qint64 value) { m_writer.Int64(value); }
    void boolean(bool value) { m_writer.Bool(value); }
    void null() { m_writer.Null(); }

    /// The JSON written so far.
    QByteArray bytes() const { return QByteArray(m_buffer.GetString(), qsizetype(m_buffer.GetSize())); }
    /// Starts over, keeping the buffer's memory (one writer serves a whole export).
    void clear()
    {
        m_buffer.Clear();
        m_writer.Reset(m_buffer);
    }

private:
    rapidjson::StringBuffer m_buffer;
    rapidjson::Writer<rapidjson::StringBuffer> m_writer;
};

} // namespace datarecs::server
