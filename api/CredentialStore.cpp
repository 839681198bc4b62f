#include "CredentialStore.h"

#include "Logging.h"
#include "ProfileStore.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QPromise>
#include <QThread>
#include <QTimer>

#include <memory>
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

// QtKeychain queues its jobs through one executor that lives in the thread of the first job, so all
// jobs must run in one thread. They run in a thread of their own for the life of the application:
// libsecret's D-Bus exchange then goes on while the caller's thread is busy (the console builds its
// window meanwhile) instead of waiting for that thread's event loop at each step.
QObject *keychainContext()
{
    static QObject *const s_context = [] {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("keychain"));
        auto *object = new QObject;
        object->moveToThread(thread);
        thread->start();
        qAddPostRoutine([] {
            QObject *context = keychainContext();
            QThread *keychainThread = context->thread();
            keychainThread->quit();
            // A backend stuck in a blocking call must not hold up the application's exit: the thread
            // is then left to the operating system with the process.
            if (!keychainThread->wait(QDeadlineTimer(5000)))
                return;
            delete context;
            delete keychainThread;
        });
        return object;
    }();
    return s_context;
}

struct KeychainAnswer
{
    CredentialJob::Status status;
    QString secret;
    QString errorString;
};

} // namespace

// The QtKeychain job runs in the keychain thread and hands its answer back through a promise: the
// watcher, a child of our job, goes with it when the timeout has completed it first (complete()
// ignores a second answer), so a late answer never reaches a deleted job.
template <typename KeychainJob, typename Prepare, typename Secret>
CredentialJob *CredentialStore::run(const QString &key, Prepare prepare, Secret secretOf)
{
    auto *ours = new CredentialJob(this);
    auto promise = std::make_shared<QPromise<KeychainAnswer>>();
    auto *watcher = new QFutureWatcher<KeychainAnswer>(ours);
    connect(watcher, &QFutureWatcherBase::finished, ours, [ours, watcher] {
        if (watcher->future().resultCount() == 0)
            return; // the keychain thread stopped first (the application quits): the timeout settles ours
        const KeychainAnswer answer = watcher->result();
        ours->complete(answer.status, answer.secret, answer.errorString);
    });
    watcher->setFuture(promise->future());
    QMetaObject::invokeMethod(
        keychainContext(),
        [promise, key, prepare, secretOf] {
            promise->start();
            auto *job = new KeychainJob(CredentialStore::serviceName());
            job->setAutoDelete(true);
            job->setInsecureFallback(false); // never a plaintext copy
            job->setKey(key);
            prepare(job);
            // Direct: read the job in its own thread, before it deletes itself.
            QObject::connect(job, &QKeychain::Job::finished, job, [promise, job, secretOf] {
                const CredentialJob::Status status = statusOf(job->error());
                if (status == CredentialJob::Status::KeychainUnavailable)
                    qCInfo(lcDatarecsApi).noquote() << "keychain unavailable:" << job->errorString();
                const bool ok = status == CredentialJob::Status::Ok;
                promise->addResult(KeychainAnswer{status, ok ? secretOf(job) : QString(),
                                                  ok ? QString() : job->errorString()});
                promise->finish();
            });
            job->start();
        },
        Qt::QueuedConnection);
    QTimer::singleShot(m_timeoutMs, ours, [ours] {
        ours->complete(CredentialJob::Status::KeychainUnavailable, QString(),
                       CredentialStore::tr("The keychain did not answer in time."));
    });
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
