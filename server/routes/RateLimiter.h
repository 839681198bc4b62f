#pragma once

#include "storage/Storage.h"

#include <QString>

namespace datarecs::server {

/// How many failures the server tolerates before it answers 429. Counted per fixed window in the
/// database, so every instance sharing one database enforces the same numbers.
struct RateLimits
{
    int loginFailuresPerAccountAndAddress = 10; // one attacker guessing one account
    int loginFailuresPerAddress = 50; // one attacker guessing many accounts
    int loginFailuresPerAccount = 200; // many addresses guessing one account; high, so a single
                                       // attacker cannot lock the real owner out from elsewhere
    int invalidKeysPerAddress = 50; // one address trying key values
    int windowSeconds = 900;
};

/// Brute-force limits over storage counters. Cheap to construct: it holds no state of its own.
class RateLimiter
{
public:
    RateLimiter(Storage &storage, RateLimits limits);

    /// Seconds until a blocked caller may try again, or 0 if it may try now.
    int loginRetryAfter(const QString &email, const QString &address, qint64 now);
    void loginFailed(const QString &email, const QString &address, qint64 now);

    int keyRetryAfter(const QString &address, qint64 now);
    void keyRefused(const QString &address, qint64 now);

    const RateLimits &limits() const { return m_limits; }

private:
    qint64 windowStart(qint64 now) const;
    int retryAfter(const QString &bucket, int limit, qint64 now);
    void hit(const QString &bucket, qint64 now);

    Storage &m_storage;
    RateLimits m_limits;
};

} // namespace datarecs::server
