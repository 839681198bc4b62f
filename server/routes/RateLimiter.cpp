#include "RateLimiter.h"

namespace datarecs::server {

RateLimiter::RateLimiter(Storage &storage, RateLimits limits)
    : m_storage(storage)
    , m_limits(limits)
{
}

qint64 RateLimiter::windowStart(qint64 now) const
{
    const qint64 window = qint64(m_limits.windowSeconds) * 1000;
    return now - now % window;
}

int RateLimiter::retryAfter(const QString &bucket, int limit, qint64 now)
{
    const qint64 start = windowStart(now);
    if (m_storage.counterValue(bucket, start) < limit)
        return 0;
    return int((start + qint64(m_limits.windowSeconds) * 1000 - now + 999) / 1000);
}

void RateLimiter::hit(const QString &bucket, qint64 now)
{
    m_storage.hitCounter(bucket, windowStart(now), 1);
    m_storage.deleteCountersBefore(windowStart(now)); // indexed, and only on failures
}

int RateLimiter::loginRetryAfter(const QString &email, const QString &address, qint64 now)
{
    const QString account = email.toLower();
    return std::max({retryAfter(QStringLiteral("login:") + account + u'|' + address,
                                m_limits.loginFailuresPerAccountAndAddress, now),
                     retryAfter(QStringLiteral("login-address:") + address, m_limits.loginFailuresPerAddress, now),
                     retryAfter(QStringLiteral("login-account:") + account, m_limits.loginFailuresPerAccount, now)});
}

void RateLimiter::loginFailed(const QString &email, const QString &address, qint64 now)
{
    const QString account = email.toLower();
    hit(QStringLiteral("login:") + account + u'|' + address, now);
    hit(QStringLiteral("login-address:") + address, now);
    hit(QStringLiteral("login-account:") + account, now);
}

int RateLimiter::keyRetryAfter(const QString &address, qint64 now)
{
    return retryAfter(QStringLiteral("invalid-key:") + address, m_limits.invalidKeysPerAddress, now);
}

void RateLimiter::keyRefused(const QString &address, qint64 now) { hit(QStringLiteral("invalid-key:") + address, now); }

} // namespace datarecs::server
