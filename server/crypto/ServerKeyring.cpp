#include "ServerKeyring.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <sodium.h>

namespace datarecs::server {

namespace {

constexpr int SecretBytes = 32;
static_assert(crypto_secretbox_KEYBYTES == 32 && crypto_auth_hmacsha256_KEYBYTES == 32);

QByteArray readPrivateFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return {};
    }
    if (file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                              | QFileDevice::WriteOther)) {
        *error = QStringLiteral("%1 is readable by other users; run: chmod 600 %1").arg(path);
        return {};
    }
    return file.readAll();
}

bool writePrivateFile(const QString &path, const QByteArray &content, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(content);
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QByteArray randomBytes(int n)
{
    QByteArray out(n, Qt::Uninitialized);
    randombytes_buf(out.data(), size_t(n));
    return out;
}

QByteArray secretboxSeal(const QByteArray &plain, const QByteArray &key)
{
    QByteArray out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), Qt::Uninitialized);
    auto *nonce = reinterpret_cast<unsigned char *>(out.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char *>(plain.constData()),
                          quint64(plain.size()), nonce, reinterpret_cast<const unsigned char *>(key.constData()));
    return out;
}

QByteArray secretboxOpen(const QByteArray &sealed, const QByteArray &key, bool *ok)
{
    *ok = false;
    const qsizetype overhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
    if (sealed.size() < overhead)
        return {};
    QByteArray plain(sealed.size() - overhead, Qt::Uninitialized);
    const auto *nonce = reinterpret_cast<const unsigned char *>(sealed.constData());
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char *>(plain.data()), nonce + crypto_secretbox_NONCEBYTES,
                                   quint64(sealed.size() - crypto_secretbox_NONCEBYTES), nonce,
                                   reinterpret_cast<const unsigned char *>(key.constData()))
        != 0)
        return {};
    *ok = true;
    return plain;
}

} // namespace

ServerKeyring::~ServerKeyring()
{
    if (!m_secret.isEmpty())
        sodium_memzero(m_secret.data(), size_t(m_secret.size()));
    sodium_memzero(&m_keyed, sizeof m_keyed);
}

bool ServerKeyring::load(const QString &dataDir, QString *error)
{
    if (sodium_init() < 0) {
        *error = QStringLiteral("libsodium could not be initialised");
        return false;
    }
    const QDir dir(dataDir);
    QByteArray master;
    const QByteArray fromEnv = qgetenv("DATARECS_MASTER_KEY");
    if (!fromEnv.isEmpty()) {
        master = QByteArray::fromBase64(fromEnv.trimmed());
        if (master.size() != SecretBytes) {
            *error = QStringLiteral("DATARECS_MASTER_KEY must be 32 bytes in base64");
            return false;
        }
    } else {
        const QString masterPath = dir.filePath(QStringLiteral("master.key"));
        if (QFileInfo::exists(masterPath)) {
            master = QByteArray::fromBase64(readPrivateFile(masterPath, error).trimmed());
            if (!error->isEmpty())
                return false;
            if (master.size() != SecretBytes) {
                *error = QStringLiteral("%1 does not hold a 32-byte key in base64").arg(masterPath);
                return false;
            }
        } else {
            master = randomBytes(SecretBytes);
            if (!writePrivateFile(masterPath, master.toBase64() + '\n', error))
                return false;
        }
    }

    const QString sealedPath = dir.filePath(QStringLiteral("server-secret.sealed"));
    bool ok = false;
    if (QFileInfo::exists(sealedPath)) {
        const QByteArray sealed = QByteArray::fromBase64(readPrivateFile(sealedPath, error).trimmed());
        if (!error->isEmpty())
            return false;
        m_secret = secretboxOpen(sealed, master, &ok);
        if (!ok || m_secret.size() != SecretBytes) {
            *error = QStringLiteral("%1 cannot be opened with this master key (wrong DATARECS_MASTER_KEY or "
                                    "master.key?)")
                         .arg(sealedPath);
            return false;
        }
    } else {
        m_secret = randomBytes(SecretBytes);
        if (!writePrivateFile(sealedPath, secretboxSeal(m_secret, master).toBase64() + '\n', error))
            return false;
    }
    sodium_memzero(master.data(), size_t(master.size()));
    crypto_auth_hmacsha256_init(&m_keyed, reinterpret_cast<const unsigned char *>(m_secret.constData()),
                                size_t(m_secret.size()));
    return true;
}

QByteArray ServerKeyring::hmac(const QByteArray &value) const
{
    QByteArray out(crypto_auth_hmacsha256_BYTES, Qt::Uninitialized);
    crypto_auth_hmacsha256_state state = m_keyed;
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char *>(value.constData()),
                                  quint64(value.size()));
    crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char *>(out.data()));
    sodium_memzero(&state, sizeof state);
    return out;
}

static QByteArray derivedKey(const QByteArray &secret, const QByteArray &context)
{
    QByteArray key(crypto_secretbox_KEYBYTES, Qt::Uninitialized);
    crypto_generichash(reinterpret_cast<unsigned char *>(key.data()), size_t(key.size()),
                       reinterpret_cast<const unsigned char *>(context.constData()), size_t(context.size()),
                       reinterpret_cast<const unsigned char *>(secret.constData()), size_t(secret.size()));
    return key;
}

QByteArray ServerKeyring::seal(const QByteArray &plain, const QByteArray &context) const
{
    QByteArray key = derivedKey(m_secret, context);
    const QByteArray sealed = secretboxSeal(plain, key);
    sodium_memzero(key.data(), size_t(key.size()));
    return sealed;
}

QByteArray ServerKeyring::open(const QByteArray &sealed, const QByteArray &context, bool *ok) const
{
    QByteArray key = derivedKey(m_secret, context);
    const QByteArray plain = secretboxOpen(sealed, key, ok);
    sodium_memzero(key.data(), size_t(key.size()));
    return plain;
}

bool ServerKeyring::equal(const QByteArray &a, const QByteArray &b)
{
    return a.size() == b.size() && sodium_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

} // namespace datarecs::server
