#pragma once

#include <QString>

namespace datarecs {

/// The API key format, shared by the server (which mints keys) and the clients (which check a pasted
/// value before sending it): "drk_" + 30 base62 random characters + 6 base62 characters holding the
/// CRC32 of everything before them. The checksum lets a client catch a typo and lets secret scanners
/// recognise a leaked key without asking the server.
namespace KeyFormat {

inline constexpr qsizetype RandomLength = 30; // 30 base62 characters carry 178 bits
inline constexpr qsizetype ChecksumLength = 6;
inline constexpr qsizetype TotalLength = 4 + RandomLength + ChecksumLength;

QLatin1StringView prefix();

enum class Check { Valid, WrongPrefix, WrongLength, BadCharacter, BadChecksum };

/// Builds a complete key from its random part (RandomLength base62 characters).
QString compose(const QString &randomPart);

/// Checks a value's shape and checksum without contacting anyone.
Check check(const QString &value);
inline bool isValid(const QString &value) { return check(value) == Check::Valid; }

/// A sentence a person can act on for a failed check.
QString describe(Check result);

/// Whether text holds a DataRecs credential, whole or mostly: "drk_" (a key) or "drs_" (a session
/// token) followed by CredentialRunLength or more base62 characters. Names and descriptions are shown
/// to everyone who can read keys and are copied into the audit log, so a pasted value is refused there.
inline constexpr qsizetype CredentialRunLength = 20;
bool containsCredential(QStringView text);

/// A non-secret hint to tell keys apart in lists: "drk_…" and the last four characters.
QString hint(const QString &value);

/// The base62 alphabet, 0-9A-Za-z.
QLatin1StringView base62Alphabet();

} // namespace KeyFormat
} // namespace datarecs
