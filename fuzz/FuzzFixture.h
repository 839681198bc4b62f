#pragma once

// A small fixed world the fuzz targets run against: one SQLite store in a temporary directory with two
// tenants, their users, workspaces, sessions and keys in every state the authenticator distinguishes.
// The credential values are constants so that the seed corpora and the dictionary can hold them and
// the fuzzer reaches authenticated code from its first run; only their HMACs go into the store, under
// a keyring created fresh for each process.

#include "routes/ApiService.h"
#include "routes/ServiceContext.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace datarecs::fuzz {

/// 2026-06-01T12:00:00Z: every request is handled at this instant, so a run is reproducible.
inline constexpr qint64 FixedNow = 1780315200000LL;

struct Credential
{
    const char *value;
    const char *what; // for messages
    bool authenticates; // a request bearing it must be let in
};

/// Every secret the fixture created: key values, session tokens and the users' password.
const QList<Credential> &credentials();
inline constexpr char Password[] = "fuzz-Password-0001";

class Fixture
{
public:
    /// Builds the world once per process; aborts with a message if anything fails.
    static Fixture &instance();

    server::Storage &storage() { return *m_storage; }
    server::ServiceContext &context() { return *m_context; }
    server::ApiService &service() { return *m_service; }

private:
    Fixture();
    void seed();

    QString m_dir;
    std::unique_ptr<server::ServerKeyring> m_keyring;
    std::unique_ptr<server::Storage> m_storage;
    std::unique_ptr<server::ServiceContext> m_context;
    std::unique_ptr<server::ApiService> m_service;
};

/// Stops the process the way libFuzzer recognises as a crash, after saying which invariant broke.
[[noreturn]] void fail(const char *invariant, const QByteArray &detail = {});

/// Runs fn inside a storage transaction that is always rolled back, so every input starts from the
/// same seeded state (ApiService's own begin/commit nest inside it).
template<typename Fn>
void isolated(server::Storage &storage, Fn &&fn)
{
    if (!storage.begin())
        fail("the fuzz fixture could not begin a transaction", storage.lastError().toUtf8());
    fn();
    storage.rollback();
}

} // namespace datarecs::fuzz
