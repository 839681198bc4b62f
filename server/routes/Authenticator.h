#pragma once

#include "ServiceContext.h"
#include "http/ApiResponse.h"

#include <optional>

namespace datarecs::server {

/// Turns the Authorization header into a Caller. Key values are checked for shape and checksum
/// before any lookup; stored hashes are compared in constant time.
class Authenticator
{
public:
    explicit Authenticator(ServiceContext &context);

    struct Result
    {
        Caller caller; // Anonymous when there was no credential or it was refused
        std::optional<ApiResponse> refusal; // the 401 to answer with
        // For audit records of refused key requests: the key the value belongs to, if known.
        std::optional<ApiKeyRecord> refusedKey;
        bool presentedKey = false; // the credential was (or looked like) an API key
        QString refusalDetail;
    };

    Result authenticate(const ApiRequest &request, qint64 now);

    /// Session tokens: "drs_" + 43 base62 characters (256 bits).
    static QString newSessionToken();
    /// The credential of an "Authorization: Bearer <value>" header (the scheme in any case, RFC 9110
    /// 11.1), without surrounding spaces; empty when the header is not of that form.
    static QByteArray bearerCredential(const QByteArray &header);

private:
    Result fromKey(const QString &value, const ApiRequest &request, qint64 now);
    Result fromSession(const QString &token, qint64 now);

    ServiceContext &m_context;
};

} // namespace datarecs::server
