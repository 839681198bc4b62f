#pragma once

#include <QByteArray>
#include <QString>

namespace datarecs::server::Random {

/// Bytes from libsodium's CSPRNG.
QByteArray bytes(int count);

/// A string of base62 characters from the CSPRNG, without modulo bias.
QString base62(int length);

/// An identifier such as "key_" + 16 base62 characters.
QString id(QLatin1StringView prefix, int length = 16);

} // namespace datarecs::server::Random
