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
    const QLatin1StringView alphabet = KeyFormat::base62Alphabet();
    QString out;
    out.reserve(length);
    for (int i = 0; i < length; ++i)
        out.append(alphabet.at(qsizetype(randombytes_uniform(62))));
    return out;
}

QString id(QLatin1StringView prefix, int length)
{
    return prefix + base62(length);
}

} // namespace datarecs::server::Random
