#include "ExitCode.h"

#include "ApiError.h"

namespace datarecs::cli {

ExitCode exitCodeFor(const ApiError &error)
{
    switch (error.kind()) {
    case ApiError::Kind::Network:
    case ApiError::Kind::Timeout:
    case ApiError::Kind::InsecureTransport:
        return NetworkError;
    case ApiError::Kind::Cancelled:
        return Interrupted;
    case ApiError::Kind::InvalidInput:
        return Usage;
    case ApiError::Kind::MalformedResponse:
    case ApiError::Kind::LocalIo:
        return Failure;
    case ApiError::Kind::Http:
        break;
    }
    const int s = error.httpStatus();
    if (s == 401) return Unauthenticated;
    if (s == 403) return Forbidden;
    if (s == 404) return NotFound;
    if (error.type() == u"quota-exceeded") return QuotaExceeded;
    if (s == 400 || s == 413 || s == 415) return Usage;
    if (s >= 400 && s < 500) return Conflict;
    return Failure;
}

} // namespace datarecs::cli
