#pragma once

namespace datarecs {
class ApiError;
}

namespace datarecs::cli {

/// The documented exit statuses of `datarecs` (docs/cli.md). Scripts rely on them: never renumber.
enum ExitCode : int {
    Ok = 0,
    Failure = 1,             ///< anything not listed below (server error, malformed answer, local i/o)
    Usage = 2,               ///< bad command line or value (found locally or by the server)
    Unauthenticated = 3,     ///< no credential, wrong password, key refused, session expired
    Forbidden = 4,           ///< the credential lacks the permission or the role is too high
    NotFound = 5,            ///< no such key (or not visible to the caller)
    QuotaExceeded = 6,       ///< the tenant's key limit is reached
    NetworkError = 7,        ///< server unreachable, timeout, TLS failure, plain http refused
    Conflict = 8,            ///< other refusals: idempotency key reused, rate limited, ...
    KeychainUnavailable = 9, ///< no OS keychain to keep (or read) the session in
    VerifyFailed = 10,       ///< `audit verify` found a broken hash chain
    Interrupted = 130,       ///< Ctrl-C
};

ExitCode exitCodeFor(const ApiError &error);

} // namespace datarecs::cli
