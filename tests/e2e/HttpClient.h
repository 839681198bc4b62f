#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;

namespace e2e {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// Where a request goes: through the validating Prism proxy (the default, so every exchange is
/// checked against docs/openapi.yaml) or straight to datarecs-server (deliberately invalid requests).
enum class Route { Prism, Direct };

/// Which Prism violations a request may produce. A test that sends a deliberately bad request through
/// Prism allows request-side violations only; the response must still match the contract.
enum class Allow { Nothing, RequestViolations };

struct Request
{
    QByteArray method = "GET";
    QString path; // "/v1/..." with an already percent-encoded query
    QString token; // Bearer credential; empty: no Authorization header
    bool hasBody = false;
    QByteArray body;
    QByteArray contentType = "application/json"; // empty: no Content-Type header
    HeaderList headers;
    Route route = Route::Prism;
    Allow allow = Allow::Nothing;
};

struct Response
{
    QByteArray method;
    QString path;
    Route route = Route::Prism;
    int status = 0; // 0: no HTTP answer (see networkError)
    QString networkError;
    HeaderList headers;
    QByteArray body;
    QJsonArray violations; // parsed sl-violations header, empty when Prism found nothing
    QStringList unexpected; // violations this request did not allow, and header-contract misses

    QByteArray header(QByteArrayView name) const; // first value, case-insensitive name
    QList<QByteArray> headerValues(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    QJsonDocument document() const;
    QJsonObject json() const;
    bool hasRequestViolations() const;
    bool hasResponseViolations() const;
    /// A multi-line account of the exchange for failure messages (request, status, headers, body).
    QString describe() const;
};

/// Synchronous HTTP for tests. Every response that came through Prism has its sl-violations header
/// parsed; violations the request did not allow are kept in Response::unexpected and also accumulated
/// in the client, so a fixture can fail a test whose traffic drifted from the contract even when the
/// test did not look at that response closely.
class HttpClient
{
public:
    HttpClient(const QUrl &prismBase, const QUrl &directBase);
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    Response send(const Request &request);

    Response get(const QString &path, const QString &token = {}, Route route = Route::Prism);
    Response post(const QString &path, const QString &token, const QJsonObject &body, const HeaderList &headers = {});
    Response postEmpty(const QString &path, const QString &token); // POST without a body
    Response patch(const QString &path, const QString &token, const QJsonObject &body);
    Response del(const QString &path, const QString &token);

    /// Returns and clears every unexpected violation seen since the last call.
    QStringList takeUnexpected();
    int requestCount() const { return m_requests; }

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    QUrl prismBase() const { return m_prism; }
    QUrl directBase() const { return m_direct; }

private:
    QNetworkAccessManager *m_nam;
    QUrl m_prism;
    QUrl m_direct;
    int m_timeoutMs = 30000;
    int m_requests = 0;
    QStringList m_unexpected;
};

/// Raw HTTP/1.1 over a QTcpSocket for requests QNetworkAccessManager would not send (no Content-Type,
/// malformed request lines, exact bytes). Sends the bytes, reads until the server closes or the
/// response is complete, and parses status, headers and body (Content-Length or chunked).
struct RawResponse
{
    bool complete = false;
    QString error;
    QByteArray raw;
    Response response; // parsed; status 0 if nothing parseable came back
};
RawResponse rawExchange(quint16 port, const QByteArray &bytes, int timeoutMs = 15000);
/// The same, sending the bytes in pieces with a pause after each, as a slow client or network does.
RawResponse rawExchangeInPieces(quint16 port, const QList<QByteArray> &pieces, int pauseMs, int timeoutMs = 15000);

/// Builds a request with Host, Content-Length (when a body is given) and Connection: close.
QByteArray rawRequest(const QByteArray &method, const QByteArray &target, const HeaderList &headers,
                      const QByteArray *body = nullptr);

/// Removes violations matching DATARECS_E2E_TOLERATE (a diagnosis knob; ctest never sets it).
void dropTolerated(Response &response);
bool isTolerated(const QString &issue);

/// Checks applied to every datarecs-server response (X-Request-Id format, Cache-Control: no-store).
QStringList headerContractMisses(const Response &response);

} // namespace e2e
