#pragma once

#include "ApiError.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <optional>

class QIODevice;
class QNetworkAccessManager;
class QNetworkReply;

namespace datarecs {

/// How often and how patiently a safe request is retried after a network failure or a 503.
struct RetryPolicy
{
    int maxAttempts = 3;      ///< including the first one
    int initialDelayMs = 300; ///< doubled after each attempt
    int maxDelayMs = 5000;    ///< also caps a server's Retry-After
};

struct ClientOptions
{
    int timeoutMs = 30000; ///< longest silence on a transfer before it fails as a timeout
    /// Longest a whole answer may take, however it trickles in. Not for streamed downloads, which
    /// may rightly take minutes while data keeps coming.
    int deadlineMs = 60000;
    RetryPolicy retry;
    QByteArray userAgent; ///< empty: "datarecs-api/<version>"
};

/// One REST request from start to a single outcome: it owns its QNetworkReply, applies the
/// transfer timeout, retries when that is safe, can be cancelled at any time, and emits finished()
/// exactly once, after which it deletes itself (read the outcome in the slot).
///
/// Retried: GETs, and POSTs that carry an Idempotency-Key (the server answers a replay with the
/// first result, so a create is never doubled). Nothing else: a lost answer to a DELETE or a
/// disable may have taken effect, and only the caller can decide what to do.
class ApiJob : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QUrl url;
        std::optional<QByteArray> body; ///< JSON
        QString bearer;                 ///< the credential; empty for none
        bool bodyHoldsSecret = false;   ///< e.g. a password: same transport rule as a bearer
        QByteArray idempotencyKey;
        QIODevice *sink = nullptr;       ///< streams a 2xx body here instead of keeping it in memory
        QByteArray sinkContentType;      ///< what a streamed body must be, e.g. "text/csv"
        std::optional<ApiError> refusal; ///< a reason found before sending: fail with it
    };

    ApiJob(QNetworkAccessManager *nam, Request request, const ClientOptions &options, QObject *parent);
    ~ApiJob() override;

    /// Stops the request; finished() follows with a Cancelled error (unless already finished).
    void cancel();
    /// Sends the request now instead of on the next turn of the event loop, for a caller that has
    /// already connected to finished() and whose next turn is long (a window about to paint). A job
    /// that fails before sending still reports it from the event loop.
    void startNow();

    bool isFinished() const { return m_finished; }
    const std::optional<ApiError> &error() const { return m_error; }
    int httpStatus() const { return m_status; }
    const QByteArray &body() const { return m_body; }
    QByteArray responseHeader(const QByteArray &name) const;
    int attempts() const { return m_attempts; }
    qint64 bytesWritten() const { return m_bytesWritten; }

    /// Whether credentials may travel to this URL: https anywhere, plain http only to loopback.
    static bool isSecureEnough(const QUrl &url);

Q_SIGNALS:
    void finished();
    /// Bytes of the answer received so far; total is -1 when the server streams without a length.
    void progress(qint64 received, qint64 total);

private:
    void start();
    /// Why the request must not go out (cancelled, refused, credentials over plain HTTP), if so.
    std::optional<ApiError> reasonNotToSend() const;
    void sendAttempt();
    void onReadyRead();
    void onReplyFinished();
    bool retryable() const;
    void retryLater(int serverDelayMs);
    void finish(std::optional<ApiError> error);

    QNetworkAccessManager *m_nam;
    Request m_request;
    ClientOptions m_options;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retryTimer;
    QTimer m_deadlineTimer;
    bool m_deadlinePassed = false;
    QByteArray m_wrongContentType;   ///< a streamed 2xx body of another type: refused unwritten
    bool m_mayHaveArrived = false;   ///< some attempt got past connecting: the server may have acted
    int m_attempts = 0;
    int m_status = 0;
    bool m_started = false;
    bool m_cancelRequested = false;
    bool m_finished = false;
    QString m_sinkError;
    qint64 m_bytesWritten = 0;
    QByteArray m_body;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
    std::optional<ApiError> m_error;
};

} // namespace datarecs
