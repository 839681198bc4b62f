#include "AuditExportToFile.h"

#include <QTimer>

namespace datarecs {

AuditExportToFile::AuditExportToFile(ApiClient *client, QString filePath, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_file(filePath)
{}

void AuditExportToFile::start(const AuditQuery &query, ExportFormat format)
{
    if (!m_file.open(QIODevice::WriteOnly)) {
        // Report from the event loop, like every other outcome.
        const ApiError e(ApiError::Kind::LocalIo,
                         tr("Cannot write %1: %2").arg(m_file.fileName(), m_file.errorString()));
        QTimer::singleShot(0, this, [this, e] { fail(e); });
        return;
    }
    m_call = m_client->exportAuditEvents(query, format, &m_file);
    connect(m_call, &ApiJob::progress, this, [this](qint64 received, qint64) { Q_EMIT progress(received); });
    m_call->onFinished(this, [this](const Result<qint64> &r) {
        m_call = nullptr;
        if (!r) return fail(r.error());
        m_bytes = r.value();
        if (!m_file.commit())
            return fail(ApiError(ApiError::Kind::LocalIo,
                                 tr("Cannot save %1: %2").arg(m_file.fileName(), m_file.errorString())));
        Q_EMIT finished();
    });
}

void AuditExportToFile::cancel()
{
    if (m_call) m_call->cancel(); // finishes through the callback above with a Cancelled error
}

void AuditExportToFile::fail(ApiError error)
{
    if (m_file.isOpen()) {
        m_file.cancelWriting();
        m_file.commit(); // after cancelWriting() this only removes the temporary file
    }
    m_error = std::move(error);
    Q_EMIT finished();
}

} // namespace datarecs
