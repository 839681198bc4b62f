#include "Random.h"

#include "KeyFormat.h"

#include <sodium.h>

namespace datarecs::server::Random {

QByteArray bytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    randombytes_buf(out.data(), size_t(count));
    return out;
}

QString base62(int length)
{
    // Rejection sampling over whole bytes: a byte below 248 (4 x 62) maps to one of 62 characters with
    // equal probability; the 8 values above are thrown away. Bytes are drawn a buffer at a time, since
    // every draw is a system call (getrandom) and one per character cost more than the rest of a request.
    constexpr unsigned Accept = 62 * 4;
    const QLatin1StringView alphabet = KeyFormat::base62Alphabet();
    QString out;
    out.reserve(length);
    unsigned char pool[64];
    while (out.size() < length) {
        // 3% of bytes are rejected: a few spare ones almost always avoid a second draw.
        const size_t want = size_t(qMin<qsizetype>(qsizetype(sizeof pool), length - out.size() + 8));
        randombytes_buf(pool, want);
        for (size_t i = 0; i < want && out.size() < length; ++i) {
            if (pool[i] < Accept)
                out.append(alphabet.at(qsizetype(pool[i] % 62)));
        }
    }
    sodium_memzero(pool, sizeof pool); // these bytes may have become part of a key value
    return out;
}

QString id(QLatin1StringView prefix, int length)
{
    return prefix + base62(length);
}

} // namespace datarecs::server::Random
