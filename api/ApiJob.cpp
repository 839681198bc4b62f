#include "ApiJob.h"

#include "Logging.h"

#include <QHostAddress>
#include <QIODevice>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

namespace datarecs {

namespace {
/// "text/csv; charset=utf-8" → "text/csv".
QByteArray mediaType(const QByteArray &contentType)
{
    return contentType.split(';').constFirst().trimmed().toLower();
}
} // namespace

ApiJob::ApiJob(QNetworkAccessManager *nam, Request request, const ClientOptions &options, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_request(std::move(request))
    , m_options(options)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ApiJob::sendAttempt);
    // The transfer timeout catches silence; a server that sends a byte now and then needs this too.
    m_deadlineTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, [this] {
        m_deadlinePassed = true;
        if (m_reply) m_reply->abort();
    });
    // Start from the event loop so that the caller can connect to finished() first, even when the
    // job fails before sending anything.
    QMetaObject::invokeMethod(this, &ApiJob::start, Qt::QueuedConnection);
}

ApiJob::~ApiJob()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

bool ApiJob::isSecureEnough(const QUrl &url)
{
    if (url.scheme() == u"https") return true;
    if (url.scheme() != u"http") return false;
    const QString host = url.host();
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0) return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

QByteArray ApiJob::responseHeader(const QByteArray &name) const
{
    for (const auto &[key, value] : m_headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0) return value;
    }
    return {};
}

bool ApiJob::retryable() const
{
    if (m_request.method == "GET") return true;
    return m_request.method == "POST" && !m_request.idempotencyKey.isEmpty();
}

std::optional<ApiError> ApiJob::reasonNotToSend() const
{
    if (m_cancelRequested) return ApiError(ApiError::Kind::Cancelled, QString());
    if (m_request.refusal) return m_request.refusal;
    const bool sendsCredential = !m_request.bearer.isEmpty() || m_request.bodyHoldsSecret;
    if (sendsCredential && !isSecureEnough(m_request.url))
        return ApiError(ApiError::Kind::InsecureTransport, m_request.url.host());
    return std::nullopt;
}

void ApiJob::startNow()
{
    if (m_started || m_finished || reasonNotToSend()) return;
    start();
}

void ApiJob::start()
{
    if (m_started || m_finished) return;
    m_started = true;
    if (std::optional<ApiError> reason = reasonNotToSend()) return finish(std::move(reason));
    sendAttempt();
}

void ApiJob::sendAttempt()
{
    ++m_attempts;
    QNetworkRequest req(m_request.url);
    req.setTransferTimeout(m_options.timeoutMs);
    // A redirect would carry the Authorization header to wherever it points: never follow one.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setHeader(QNetworkRequest::UserAgentHeader, m_options.userAgent.isEmpty()
                                                        ? QByteArrayLiteral("datarecs-api/" DATARECS_VERSION)
                                                        : m_options.userAgent);
    req.setRawHeader("Accept", m_request.sink
                                   ? QByteArrayLiteral("*/*")
                                   : QByteArrayLiteral("application/json, application/problem+json"));
    if (!m_request.bearer.isEmpty()) req.setRawHeader("Authorization", "Bearer " + m_request.bearer.toUtf8());
    if (!m_request.idempotencyKey.isEmpty()) req.setRawHeader("Idempotency-Key", m_request.idempotencyKey);
    if (m_request.body)
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));

    qCDebug(lcDatarecsApi).noquote() << m_request.method << m_request.url.path() << "attempt" << m_attempts;
    m_reply = m_request.body ? m_nam->sendCustomRequest(req, m_request.method, *m_request.body)
                             : m_nam->sendCustomRequest(req, m_request.method);
    connect(m_reply, &QNetworkReply::readyRead, this, &ApiJob::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &ApiJob::onReplyFinished);
    connect(m_reply, &QNetworkReply::downloadProgress, this, &ApiJob::progress);
    if (!m_request.sink) m_deadlineTimer.start(m_options.deadlineMs);
}

void ApiJob::onReadyRead()
{
    if (!m_request.sink || !m_reply) return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status < 200 || status >= 300)
        return; // an error body stays in the reply, to be read as a problem at the end
    if (m_bytesWritten == 0 && !m_request.sinkContentType.isEmpty()) {
        // A sign-in page or a proxy's error page must not be saved as the download.
        const QByteArray type = mediaType(m_reply->rawHeader("Content-Type"));
        if (type != m_request.sinkContentType) {
            m_wrongContentType = type.isEmpty() ? QByteArrayLiteral("an answer without a type") : type;
            m_reply->abort();
            return;
        }
    }
    const QByteArray chunk = m_reply->readAll();
    if (m_request.sink->write(chunk) != chunk.size()) {
        m_sinkError = m_request.sink->errorString();
        m_reply->abort();
        return;
    }
    m_bytesWritten += chunk.size();
}

void ApiJob::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply) return;
    m_deadlineTimer.stop();
    // The last bytes may come with finished() alone; after a failed write the reply is aborted, not read.
    if (m_request.sink && !m_cancelRequested && m_sinkError.isEmpty() && m_wrongContentType.isEmpty())
        onReadyRead();
    m_reply = nullptr;
    reply->deleteLater();

    const QNetworkReply::NetworkError netError = reply->error();
    const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const QByteArray requestId = reply->rawHeader("X-Request-Id");
    m_headers = reply->rawHeaderPairs();

    if (m_cancelRequested) return finish(ApiError(ApiError::Kind::Cancelled, QString()));
    if (!m_wrongContentType.isEmpty()) return finish(ApiError::notTheApi(QString::fromLatin1(m_wrongContentType)));
    // Refused or unknown host: this attempt never reached a server. Anything else may have.
    if (netError != QNetworkReply::ConnectionRefusedError && netError != QNetworkReply::HostNotFoundError)
        m_mayHaveArrived = true;
    if (m_deadlinePassed)
        return finish(ApiError(ApiError::Kind::Timeout,
                               tr("the answer took longer than %1 s").arg(m_options.deadlineMs / 1000)));
    if (!m_sinkError.isEmpty())
        return finish(
            ApiError(ApiError::Kind::LocalIo, tr("Could not write the download: %1").arg(m_sinkError)));

    // Errors 1..99 are the connection's (refused, closed, timeout, TLS...); they can come after a
    // status line too, e.g. when the connection breaks in the middle of the body: never a success.
    const bool transportFailed = netError != QNetworkReply::NoError && int(netError) < 100;
    if (!statusAttr.isValid() || transportFailed) {
        // No (complete) HTTP answer. An abort we did not ask for is the transfer timeout.
        if (netError == QNetworkReply::OperationCanceledError || netError == QNetworkReply::TimeoutError)
            return finish(ApiError(ApiError::Kind::Timeout, reply->errorString()));
        qCInfo(lcDatarecsApi).noquote()
            << m_request.method << m_request.url.path() << "network error" << reply->errorString();
        if (retryable() && m_bytesWritten == 0 && m_attempts < m_options.retry.maxAttempts)
            return retryLater(0);
        return finish(ApiError(ApiError::Kind::Network, reply->errorString()));
    }

    m_status = statusAttr.toInt();
    qCDebug(lcDatarecsApi).noquote() << m_request.method << m_request.url.path() << m_status
                                     << QString::fromLatin1(requestId);
    if (m_status == 503 && retryable() && m_bytesWritten == 0 && m_attempts < m_options.retry.maxAttempts) {
        bool ok = false;
        const int retryAfterSeconds = reply->rawHeader("Retry-After").toInt(&ok);
        return retryLater(ok ? retryAfterSeconds * 1000 : 0);
    }
    if (m_status >= 200 && m_status < 300) {
        if (!m_request.sink) m_body = reply->readAll();
        // Qt can report a body cut short by a closed connection as complete (seen under load), so the
        // bytes are counted against the announced length. A compressed body is announced compressed
        // and arrives decompressed: no count then.
        const QVariant announced = reply->header(QNetworkRequest::ContentLengthHeader);
        const qint64 received = m_request.sink ? m_bytesWritten : m_body.size();
        if (announced.isValid() && reply->rawHeader("Content-Encoding").isEmpty()
            && received < announced.toLongLong()) {
            qCInfo(lcDatarecsApi).noquote() << m_request.method << m_request.url.path() << "answer cut short:"
                                            << received << "of" << announced.toLongLong() << "bytes";
            if (retryable() && m_bytesWritten == 0 && m_attempts < m_options.retry.maxAttempts)
                return retryLater(0);
            return finish(ApiError(ApiError::Kind::Network,
                                   tr("The connection closed before the whole answer arrived (%1 of %2 bytes).")
                                       .arg(received)
                                       .arg(announced.toLongLong())));
        }
        // A wrong address, a proxy or a network's sign-in page answers 200 with a web page: name
        // that, rather than call the server an incompatible version of ours.
        const QByteArray type = mediaType(reply->rawHeader("Content-Type"));
        if (!m_request.sink && !m_body.isEmpty() && !type.isEmpty() && type != "application/json"
            && !type.endsWith("+json"))
            return finish(ApiError::notTheApi(QString::fromLatin1(type)));
        return finish(std::nullopt);
    }
    return finish(ApiError::fromHttp(m_status, reply->readAll(), requestId));
}

void ApiJob::retryLater(int serverDelayMs)
{
    // Exponential backoff from the policy, or the server's Retry-After, never beyond the cap.
    const int backoff = m_options.retry.initialDelayMs << std::min(m_attempts - 1, 10);
    const int delay = std::min(std::max(backoff, serverDelayMs), m_options.retry.maxDelayMs);
    qCInfo(lcDatarecsApi).noquote() << m_request.method << m_request.url.path() << "retrying in" << delay
                                    << "ms";
    m_retryTimer.start(delay);
}

void ApiJob::cancel()
{
    if (m_finished) return;
    m_cancelRequested = true;
    if (m_reply) {
        // Under way, the request may have reached the server already: cancelling does not undo it.
        m_mayHaveArrived = true;
        m_reply->abort(); // finishes the reply at once, and so this job
    } else if (m_retryTimer.isActive()) {
        m_retryTimer.stop();
        finish(ApiError(ApiError::Kind::Cancelled, QString()));
    }
    // Otherwise start() has not run yet and will finish as cancelled.
}

void ApiJob::finish(std::optional<ApiError> error)
{
    if (m_finished) return;
    m_finished = true;
    m_deadlineTimer.stop();
    if (error) {
        error->setUrl(m_request.url);
        error->setMayHaveArrived(m_mayHaveArrived);
        m_error = std::move(error);
    }
    Q_EMIT finished();
    deleteLater();
}

} // namespace datarecs
