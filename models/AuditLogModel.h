#pragma once

#include "ApiError.h"
#include "ApiJob.h"
#include "AuditEvent.h"
#include "Queries.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <QTimer>

#include <array>
#include <optional>
#include <vector>

namespace datarecs {

class ApiClient;

/// The tenant's audit log as a table, newest first, loaded from the server page by page.
///
/// Views load more as they scroll (canFetchMore/fetchMore on the server's cursor), so a history of
/// millions of events costs only what was looked at. One request is in flight at a time: a fetch asked
/// for while another request runs starts when that one ends. Changing the query resets the model.
///
/// Follow mode polls for events newer than the newest one seen (after_id) and inserts them at the
/// top, all of them (every page of the answer), so there are neither gaps nor duplicates.
///
/// Rows are stored compactly (repeated strings shared, hashes and request ids inline) because a user
/// may scroll through hundreds of thousands of events: event() rebuilds the full record of one row.
class AuditLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Actor, Action, Target, Outcome, Status, Request, Source, ColumnCount };
    Q_ENUM(Column)

    enum ItemRole {
        IdRole = Qt::UserRole + 1, ///< qint64 event id (every column)
        ActorIdRole,               ///< QString, empty for an anonymous actor
        ActorTypeRole,             ///< "user", "api_key" or "anonymous"
        ApiKeyIdRole,              ///< the key the event is about (actor or target), empty if none
        OutcomeRole,               ///< "success", "refused" or "error"
        OccurredAtRole,            ///< QDateTime (UTC)
    };

    explicit AuditLogModel(QObject *parent = nullptr);
    ~AuditLogModel() override;

    /// The client to load with. Not owned; the model loads nothing without one, nor before setQuery().
    void setClient(ApiClient *client);
    /// Forgets every row and loads the first page of this query (the views ask for more).
    void setQuery(const AuditQuery &query);
    AuditQuery query() const { return m_query; }
    /// Reloads the current query from the top (after an error, or to start over).
    void reload() { setQuery(m_query); }
    /// Rows per request, 1..500.
    void setPageSize(int size) { m_pageSize = qBound(1, size, 500); }
    int pageSize() const { return m_pageSize; }

    /// Follow mode: polls every interval while on and not paused.
    void setFollowing(bool on);
    bool isFollowing() const { return m_following; }
    /// Paused (the user scrolled away from the top): no polling until resumed, then one poll at once.
    void setFollowPaused(bool paused);
    bool isFollowPaused() const { return m_followPaused; }
    void setPollInterval(int ms) { m_pollTimer.setInterval(ms); }
    /// Asks for new events now (follow mode or not). Returns false if a request is in flight.
    bool pollNow();

    bool isLoading() const { return m_inFlight != nullptr; }
    /// The whole history of the query is loaded.
    bool isAtEnd() const { return m_atEnd; }
    /// The first page of the current query has arrived.
    bool hasLoaded() const { return m_loaded; }
    /// The last request failed (cleared by the next successful one). Fetching stops after a failure
    /// until reload() or retry(), so a view does not hammer a failing server while scrolling.
    std::optional<ApiError> lastError() const { return m_lastError; }
    /// Tries the failed request again.
    void retry();
    /// The newest event id loaded (0 when none).
    qint64 highestId() const { return m_highestId; }

    /// The full record of a row (of this model, not of a proxy).
    AuditEvent event(int row) const;
    qint64 idAt(int row) const { return m_rows.at(size_t(row)).id; }
    int rowOfId(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    /// How an actor is shown: the name, else the id, with what it is ("Ada (user)").
    static QString actorText(const AuditActor &actor);
    static QString outcomeText(const QString &outcome);

Q_SIGNALS:
    void loadingChanged(bool loading);
    /// Rows were appended (older events) or the first page arrived.
    void pageLoaded();
    /// New events were inserted at the top (follow mode).
    void newEventsInserted(int count);
    /// A request failed; the rows loaded so far stay.
    void loadFailed(const datarecs::ApiError &error);

private:
    /// Index into m_strings; 0 is "absent" (null), so optional strings cost 4 bytes.
    using StringRef = quint32;
    /// A hash of the chain: 32 bytes when it is 64 hex digits (always, from this server), else its
    /// text in the string table (ref in textRef).
    struct Hash
    {
        std::array<uchar, 32> bytes{};
        StringRef textRef = 0;
    };
    struct Row
    {
        qint64 id = 0;
        qint64 occurredAtMs = 0;
        StringRef actorType = 0, actorId = 0, actorName = 0, action = 0;
        StringRef targetType = 0, targetId = 0, targetName = 0, workspaceId = 0, outcome = 0;
        StringRef method = 0, path = 0, sourceIp = 0, userAgent = 0, detail = 0;
        StringRef requestIdRef = 0; ///< only when the request id does not fit requestId below
        qint16 httpStatus = -1;     ///< -1: none
        bool hasTarget = false;
        quint8 requestIdLength = 0; ///< inline request id ("req_" + 22 characters fits)
        std::array<char, 28> requestId{};
        Hash prevHash, hash;
    };

    enum class Fetch { None, Page, Poll };

    Row compact(const AuditEvent &e);
    StringRef intern(const QString &s);
    StringRef intern(const std::optional<QString> &s) { return s ? intern(*s) : 0; }
    const QString &str(StringRef ref) const { return m_strings.at(ref); }
    std::optional<QString> optStr(StringRef ref) const;
    Hash packHash(const QString &hex);
    QString hashText(const Hash &h) const;
    QString requestIdText(const Row &r) const;

    void startPage();
    void startPoll(const QString &cursor);
    void finishRequest();
    void setFailed(const ApiError &error, Fetch request);
    void clearRows();

    ApiClient *m_client = nullptr;
    AuditQuery m_query;
    bool m_active = false; ///< a query was set with a client: until then a view's fetchMore() asks nothing
    int m_pageSize = 100;
    std::vector<Row> m_rows;
    QList<QString> m_strings; ///< [0] is the unused "absent" slot
    QHash<QString, StringRef> m_stringIndex;
    QString m_cursor;
    bool m_atEnd = false;
    bool m_loaded = false;
    qint64 m_highestId = 0;
    std::optional<ApiError> m_lastError;
    Fetch m_failedRequest = Fetch::None;

    QPointer<ApiJob> m_inFlight;
    Fetch m_inFlightKind = Fetch::None;
    bool m_pageWanted = false; ///< fetchMore() was asked while another request ran
    bool m_pollWanted = false;
    QList<AuditEvent> m_pollCollected; ///< a poll's pages so far, newest first
    qint64 m_pollAfterId = 0;

    bool m_following = false;
    bool m_followPaused = false;
    QTimer m_pollTimer;
};

} // namespace datarecs
