#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

#include <functional>
#include <memory>

namespace datarecs::server {

/// Produces a streamed body piece by piece; an empty chunk ends the stream.
class ResponseStream
{
public:
    virtual ~ResponseStream() = default;
    virtual QByteArray nextChunk() = 0;
    /// True when the empty chunk ended the stream because the rest could not be produced. The server then
    /// drops the connection instead of sending the last chunk, so that no client takes the part it got
    /// for the whole body.
    virtual bool failed() const { return false; }
};

/// An HTTP response as the API produces it: a status, headers and either a body or a stream.
struct ApiResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    std::shared_ptr<ResponseStream> stream;

    void setHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(const QByteArray &name) const;

    static ApiResponse json(int status, const QJsonObject &object);
    /// A body already written as JSON (see JsonWriter).
    static ApiResponse json(int status, QByteArray body);
    static ApiResponse noContent();
};

} // namespace datarecs::server
