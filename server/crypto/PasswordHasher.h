#pragma once

#include <QString>

namespace datarecs::server::PasswordHasher {

/// Hashes a password with argon2id (libsodium's crypto_pwhash_str, interactive limits).
/// Returns an empty string if the machine cannot spare the memory.
QString hash(const QString &password);

/// Checks a password against a stored hash in constant time.
bool verify(const QString &storedHash, const QString &password);

/// A fresh random password a person can type: 20 base62 characters (about 119 bits).
QString generate();

} // namespace datarecs::server::PasswordHasher
