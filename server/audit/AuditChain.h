#pragma once

#include "storage/Storage.h"

#include <QString>

namespace datarecs::server::AuditChain {

/// Lowercase hex SHA-256 of a record: every field but id and hash, prevHash included, each one
/// length-prefixed so that no two different records share an encoding. Changing any field, or the
/// record it follows, changes the hash.
QString hashOf(const AuditRecord &record);

struct VerifyResult
{
    bool ok = true;
    qint64 checked = 0;  // events examined, the broken one included
    qint64 brokenId = 0; // first event whose link or hash is wrong; 0 when ok
    QString reason;      // "hash mismatch", "prev_hash mismatch", or a storage error
    QString tenantId;    // the chain brokenId belongs to ("" = events of no tenant)
};

/// Walks one tenant's chain oldest first and reports the first event that does not follow from
/// the one before it. A rewritten, inserted or removed event breaks the link right after it.
VerifyResult verify(Storage &storage, const QString &tenantId);

/// verify() over every chain in the store; stops at the first broken one.
VerifyResult verifyAll(Storage &storage);

} // namespace datarecs::server::AuditChain
