#pragma once

#include "ApiClient.h"

#include <QObject>
#include <QPointer>
#include <QSaveFile>

namespace datarecs {

/// Downloads an audit export into a file that appears only when the download completed: the bytes
/// go to a temporary file beside it, renamed into place at the end. A failure or a cancel removes the
/// temporary file and leaves any earlier file of that name untouched.
class AuditExportToFile : public QObject
{
    Q_OBJECT
public:
    AuditExportToFile(ApiClient *client, QString filePath, QObject *parent = nullptr);

    void start(const AuditQuery &query, ExportFormat format);
    void cancel();

    /// Empty after a successful finish.
    std::optional<ApiError> error() const { return m_error; }
    qint64 bytesWritten() const { return m_bytes; }

Q_SIGNALS:
    void progress(qint64 bytesReceived);
    void finished();

private:
    void fail(ApiError error);

    ApiClient *m_client;
    QSaveFile m_file;
    QPointer<ApiCall<qint64>> m_call;
    std::optional<ApiError> m_error;
    qint64 m_bytes = 0;
};

} // namespace datarecs
