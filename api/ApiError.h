#pragma once

#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

class QNetworkReply;

namespace datarecs {

/// One failed request, whatever the cause: the server's RFC 9457 problem, a network failure, a
/// malformed answer, or a request this client refused to send. Every API call ends with either its
/// typed value or exactly one ApiError.
class ApiError
{
public:
    enum class Kind {
        Http,              ///< the server answered with a non-2xx status (see type())
        Network,           ///< no usable answer: connection refused, host unknown, TLS failure...
        Timeout,           ///< nothing was received within the transfer timeout
        Cancelled,         ///< the caller cancelled the request
        MalformedResponse, ///< a 2xx answer that does not match the contract
        InsecureTransport, ///< credentials would have gone over plain HTTP to a non-loopback host
        InvalidInput,      ///< the request was refused locally, e.g. a key value with a bad checksum
        LocalIo,           ///< a local file or device could not be written
    };

    struct FieldError
    {
        QString field;
        QString message;
    };

    ApiError() = default;
    ApiError(Kind kind, QString detail);

    /// Builds the error for a non-2xx answer from its problem+json body (tolerating any other body).
    static ApiError fromHttp(int status, const QByteArray &body, const QByteArray &requestIdHeader);
    static ApiError malformed(const QString &detail);
    /// A success whose body is not JSON but, say, text/html: the address answers, but it is not the API.
    static ApiError notTheApi(const QString &contentType);

    Kind kind() const { return m_kind; }
    /// A short English name of the kind, e.g. "malformed response" (stable: scripts may read it).
    QString kindName() const;
    int httpStatus() const { return m_status; }
    /// The problem type's slug, e.g. "invalid-token" (empty when the server sent no problem).
    QString type() const { return m_type; }
    QString title() const { return m_title; }
    QString detail() const { return m_detail; }
    QString requestId() const { return m_requestId; }
    QList<FieldError> fieldErrors() const { return m_fieldErrors; }
    /// For quota-exceeded: the tenant's limit and the keys in use.
    std::optional<qint64> quotaLimit() const { return m_quotaLimit; }
    std::optional<qint64> quotaUsed() const { return m_quotaUsed; }
    /// The server the request was for, so messages can name it.
    QUrl url() const { return m_url; }
    void setUrl(const QUrl &url) { m_url = url; }
    /// False when no attempt got past connecting (refused, unknown host): the server did nothing.
    bool mayHaveArrived() const { return m_mayHaveArrived; }
    void setMayHaveArrived(bool arrived) { m_mayHaveArrived = arrived; }

    bool is(QStringView slug) const { return m_kind == Kind::Http && m_type == slug; }

    /// One sentence a person can act on, naming what to do next.
    QString userMessage() const;

private:
    Kind m_kind = Kind::Http;
    int m_status = 0;
    QString m_type;
    QString m_title;
    QString m_detail;
    QString m_requestId;
    QList<FieldError> m_fieldErrors;
    std::optional<qint64> m_quotaLimit;
    std::optional<qint64> m_quotaUsed;
    QUrl m_url;
    bool m_mayHaveArrived = true;
};

} // namespace datarecs
