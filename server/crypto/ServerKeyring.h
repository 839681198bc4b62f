#pragma once

#include <QByteArray>
#include <QString>

#include <sodium.h>

namespace datarecs::server {

/// The server's secrets, envelope style. A random 32-byte HMAC secret keys every stored hash of a key
/// value or session token; it is kept on disk only sealed (XSalsa20-Poly1305) under a master key. The
/// master key comes from the environment (DATARECS_MASTER_KEY, base64) or from DIR/master.key (0600).
/// Neither lives in the database, so a copy of the database alone can neither reveal nor verify a key.
class ServerKeyring
{
public:
    /// Loads the keyring from dataDir, creating master key and sealed secret on first use.
    /// Returns false with a reason in *error when a file is unreadable, has loose permissions or
    /// was sealed under another master key.
    bool load(const QString &dataDir, QString *error);

    /// HMAC-SHA-256 of value under the server secret.
    QByteArray hmac(const QByteArray &value) const;

    /// Seals and opens small payloads (idempotent replays hold a key value) under a key derived from
    /// the server secret and the caller's own credential, so neither alone opens them.
    QByteArray seal(const QByteArray &plain, const QByteArray &context) const;
    QByteArray open(const QByteArray &sealed, const QByteArray &context, bool *ok) const;

    /// Constant-time comparison of two byte strings of equal length (false if lengths differ).
    static bool equal(const QByteArray &a, const QByteArray &b);

    ~ServerKeyring();

private:
    QByteArray m_secret; // wiped in the destructor
    // HMAC keyed with m_secret and nothing hashed yet: every request hashes its credential, and keying
    // (two SHA-256 blocks of pads) was half of that. Secret too, wiped in the destructor.
    crypto_auth_hmacsha256_state m_keyed{};
};

} // namespace datarecs::server
