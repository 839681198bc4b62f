#include "CredentialStore.h"

#include "Logging.h"
#include "ProfileStore.h"

#include <QTimer>
#include <qt6keychain/keychain.h>

namespace datarecs {

void CredentialJob::complete(Status status, QString secret, QString errorString)
{
    if (m_done) return;
    m_done = true;
    m_status = status;
    m_secret = std::move(secret);
    m_errorString = std::move(errorString);
    Q_EMIT finished();
    deleteLater();
}

CredentialStore::CredentialStore(QObject *parent)
    : QObject(parent)
{}

QString CredentialStore::serviceName()
{
    return QStringLiteral("datarecs");
}

QString CredentialStore::entryKey(const QUrl &server, const QString &account)
{
    return ProfileStore::normalizeServer(server).toString() + u' ' + account;
}

namespace {

CredentialJob::Status statusOf(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError:
        return CredentialJob::Status::Ok;
    case QKeychain::EntryNotFound:
        return CredentialJob::Status::NotFound;
    default:
        // NoBackendAvailable, AccessDenied, OtherError...: all mean "no keychain to rely on".
        return CredentialJob::Status::KeychainUnavailable;
    }
}

} // namespace

// The QtKeychain job and our job live side by side: whichever of the keychain's answer and the
// timeout comes first completes ours; complete() ignores the second.
template <typename KeychainJob, typename Prepare, typename Secret>
CredentialJob *CredentialStore::run(const QString &key, Prepare prepare, Secret secretOf)
{
    auto *ours = new CredentialJob(this);
    auto *job = new KeychainJob(CredentialStore::serviceName());
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext copy
    job->setKey(key);
    prepare(job);
    QObject::connect(job, &QKeychain::Job::finished, ours, [ours, job, secretOf] {
        const CredentialJob::Status status = statusOf(job->error());
        if (status == CredentialJob::Status::KeychainUnavailable)
            qCInfo(lcDatarecsApi).noquote() << "keychain unavailable:" << job->errorString();
        ours->complete(status, status == CredentialJob::Status::Ok ? secretOf(job) : QString(),
                       status == CredentialJob::Status::Ok ? QString() : job->errorString());
    });
    QTimer::singleShot(m_timeoutMs, ours, [ours] {
        ours->complete(CredentialJob::Status::KeychainUnavailable, QString(),
                       CredentialStore::tr("The keychain did not answer in time."));
    });
    job->start();
    return ours;
}

CredentialJob *CredentialStore::read(const QUrl &server, const QString &account)
{
    return run<QKeychain::ReadPasswordJob>(
        entryKey(server, account), [](QKeychain::ReadPasswordJob *) {},
        [](QKeychain::ReadPasswordJob *j) { return j->textData(); });
}

CredentialJob *CredentialStore::write(const QUrl &server, const QString &account, const QString &secret)
{
    return run<QKeychain::WritePasswordJob>(
        entryKey(server, account), [secret](QKeychain::WritePasswordJob *j) { j->setTextData(secret); },
        [](QKeychain::WritePasswordJob *) { return QString(); });
}

CredentialJob *CredentialStore::remove(const QUrl &server, const QString &account)
{
    return run<QKeychain::DeletePasswordJob>(
        entryKey(server, account), [](QKeychain::DeletePasswordJob *) {},
        [](QKeychain::DeletePasswordJob *) { return QString(); });
}

} // namespace datarecs
