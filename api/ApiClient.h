#pragma once

#include "ApiCall.h"
#include "ApiKey.h"
#include "AuditEvent.h"
#include "Identity.h"
#include "Page.h"
#include "Queries.h"
#include "Quota.h"
#include "Responses.h"
#include "Role.h"
#include "Workspace.h"

#include <QObject>
#include <QUrl>

class QIODevice;
class QNetworkAccessManager;

namespace datarecs {

/// The typed client of the DataRecs REST contract (v1). One method per endpoint; each returns a
/// call object that finishes with the typed value or one ApiError and then deletes itself. Nothing
/// here blocks. Shared by the console and the CLI.
class ApiClient : public QObject
{
    Q_OBJECT
public:
    explicit ApiClient(QObject *parent = nullptr);
    ~ApiClient() override;

    void setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_baseUrl; }
    /// The bearer credential sent with every request except login/health: a session token (drs_)
    /// or an API key (drk_). Held in memory only.
    void setCredential(const QString &bearer) { m_credential = bearer; }
    bool hasCredential() const { return !m_credential.isEmpty(); }
    void setOptions(const ClientOptions &options) { m_options = options; }
    ClientOptions options() const { return m_options; }

    ApiCall<Health> *health();
    ApiCall<LoginResult> *login(const QString &email, const QString &password);
    ApiCall<NoContent> *logout();
    ApiCall<Identity> *me();
    ApiCall<QList<Role>> *roles();
    ApiCall<QList<Workspace>> *workspaces();
    ApiCall<Quota> *quota();

    ApiCall<Page<ApiKey>> *listApiKeys(const ApiKeyQuery &query, const QString &cursor = {});
    ApiCall<ApiKey> *apiKey(const QString &id);
    /// The idempotency key identifies one logical create: pass the same one to try the same create
    /// again (e.g. after a timeout); an empty one makes a fresh UUID.
    ApiCall<CreatedApiKey> *createApiKey(const NewApiKey &key, const QString &idempotencyKey = {});
    ApiCall<ApiKey> *updateApiKey(const QString &id, const std::optional<QString> &name,
                                  const std::optional<QString> &description);
    ApiCall<NoContent> *deleteApiKey(const QString &id);
    ApiCall<ApiKey> *enableApiKey(const QString &id);
    ApiCall<ApiKey> *disableApiKey(const QString &id);
    ApiCall<CreatedApiKey> *rotateApiKey(const QString &id, const RotateOptions &options,
                                         const QString &idempotencyKey = {});
    /// Finds the key a value belongs to. The value's format and checksum are checked here first:
    /// a malformed value fails with InvalidInput and is never sent.
    ApiCall<ApiKey> *lookupApiKey(const QString &value);

    ApiCall<Page<AuditEvent>> *listAuditEvents(const AuditQuery &query, const QString &cursor = {});
    /// Streams the export into sink as it arrives; the value is the number of bytes written. For a
    /// file that must never be left half-written, use AuditExportToFile.
    ApiCall<qint64> *exportAuditEvents(const AuditQuery &query, ExportFormat format, QIODevice *sink);
    ApiCall<AuditVerification> *verifyAuditChain();

    static QString newIdempotencyKey();

private:
    QUrl endpoint(const QString &path) const;
    ApiJob::Request request(const QByteArray &method, const QUrl &url) const;
    template <typename T> ApiCall<T> *send(ApiJob::Request request, typename ApiCall<T>::Parser parser);
    template <typename T> ApiCall<T> *sendJson(ApiJob::Request request, const QString &what);

    QNetworkAccessManager *m_nam;
    QUrl m_baseUrl;
    QString m_credential;
    ClientOptions m_options;
};

} // namespace datarecs
