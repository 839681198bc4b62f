#include "AuditChain.h"

#include <QtEndian>

#include <cstring>

#include <sodium.h>

namespace datarecs::server::AuditChain {

namespace {

constexpr int BatchSize = 5000;

// Length prefix, then the UTF-8 bytes: "ab"+"c" and "a"+"bc" must not hash alike. The fields are
// gathered into one buffer and hashed at once, which gives the same digest as feeding them one by one.
void addField(QByteArray &buffer, QByteArrayView utf8)
{
    const quint64 size = qToBigEndian(quint64(utf8.size()));
    buffer.append(reinterpret_cast<const char *>(&size), sizeof size);
    buffer.append(utf8);
}

void addField(QByteArray &buffer, const QString &value)
{
    // Nearly every field is ASCII, whose UTF-8 is its UTF-16 code units narrowed: written straight into
    // the buffer instead of through a temporary per field. Anything else goes through toUtf8() as before.
    const qsizetype at = buffer.size();
    const qsizetype length = value.size();
    const quint64 size = qToBigEndian(quint64(length));
    buffer.resize(at + qsizetype(sizeof size) + length);
    char *out = buffer.data() + at;
    std::memcpy(out, &size, sizeof size);
    out += sizeof size;
    const QChar *in = value.constData();
    for (qsizetype i = 0; i < length; ++i) {
        if (in[i].unicode() >= 0x80) {
            buffer.truncate(at);
            addField(buffer, QByteArrayView(value.toUtf8()));
            return;
        }
        out[i] = char(in[i].unicode());
    }
}

void addField(QByteArray &buffer, qint64 value)
{
    addField(buffer, QByteArrayView(QByteArray::number(value)));
}

} // namespace

QString hashOf(const AuditRecord &r)
{
    QByteArray hash;
    hash.reserve(1024);
    // A version tag keeps a future change of the encoding from ever matching an old hash.
    addField(hash, QByteArrayView("datarecs-audit-v1"));
    addField(hash, r.tenantId);
    addField(hash, r.occurredAt);
    addField(hash, r.actorType);
    addField(hash, r.actorId);
    addField(hash, r.actorName);
    addField(hash, r.action);
    addField(hash, r.targetType);
    addField(hash, r.targetId);
    addField(hash, r.targetName);
    addField(hash, r.workspaceId);
    addField(hash, r.outcome);
    addField(hash, qint64(r.httpStatus));
    addField(hash, r.method);
    addField(hash, r.path);
    addField(hash, r.sourceIp);
    addField(hash, r.userAgent);
    addField(hash, r.requestId);
    addField(hash, r.detail);
    addField(hash, r.prevHash);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char *>(hash.constData()),
                       static_cast<unsigned long long>(hash.size()));
    return QString::fromLatin1(QByteArrayView(digest, sizeof digest).toByteArray().toHex());
}

VerifyResult verify(Storage &storage, const QString &tenantId)
{
    VerifyResult result;
    result.tenantId = tenantId;
    QString expectedPrev(64, QLatin1Char('0'));
    qint64 afterId = 0;
    for (;;) {
        QList<AuditRecord> batch;
        // A chain that could not be read, or only in part, must not pass as intact.
        if (!storage.auditChain(tenantId, afterId, BatchSize, &batch)) {
            result.ok = false;
            result.reason = QStringLiteral("cannot read the audit chain: %1").arg(storage.lastError());
            return result;
        }
        for (const AuditRecord &record : batch) {
            ++result.checked;
            QString reason;
            if (record.prevHash != expectedPrev)
                reason = QStringLiteral("prev_hash mismatch");
            else if (hashOf(record) != record.hash)
                reason = QStringLiteral("hash mismatch");
            if (!reason.isEmpty()) {
                result.ok = false;
                result.brokenId = record.id;
                result.reason = reason;
                return result;
            }
            expectedPrev = record.hash;
            afterId = record.id;
        }
        if (batch.size() < BatchSize) break;
    }
    return result;
}

VerifyResult verifyAll(Storage &storage)
{
    VerifyResult total;
    QStringList tenants;
    if (!storage.auditTenants(&tenants)) {
        total.ok = false;
        total.reason = QStringLiteral("cannot read the audit log: %1").arg(storage.lastError());
        return total;
    }
    for (const QString &tenantId : tenants) {
        VerifyResult one = verify(storage, tenantId);
        total.checked += one.checked;
        if (!one.ok) {
            one.checked = total.checked;
            return one;
        }
    }
    return total;
}

} // namespace datarecs::server::AuditChain
