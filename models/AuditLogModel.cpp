#include "AuditLogModel.h"

#include "ApiClient.h"
#include "PlainToolTip.h"
#include "TimeText.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace datarecs {

AuditLogModel::AuditLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_strings.append(QString()); // ref 0: absent
    m_pollTimer.setInterval(3000);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] { pollNow(); });
}

AuditLogModel::~AuditLogModel()
{
    if (m_inFlight) {
        m_inFlight->disconnect(this);
        m_inFlight->cancel();
    }
}

void AuditLogModel::setClient(ApiClient *client)
{
    m_client = client;
}

void AuditLogModel::clearRows()
{
    m_rows = {};
    m_strings.resize(1);
    m_stringIndex.clear();
    m_cursor.clear();
    m_atEnd = false;
    m_loaded = false;
    m_highestId = 0;
    m_lastError.reset();
    m_failedRequest = Fetch::None;
    m_pageWanted = false;
    m_pollWanted = false;
    m_pollCollected.clear();
}

void AuditLogModel::setQuery(const AuditQuery &query)
{
    const bool wasLoading = isLoading();
    if (m_inFlight) {
        // Its answer belongs to the old query: never let it reach the new rows.
        m_inFlight->disconnect(this);
        m_inFlight->cancel();
        m_inFlight = nullptr;
        m_inFlightKind = Fetch::None;
    }
    beginResetModel();
    m_query = query;
    m_active = m_client != nullptr;
    m_query.afterId.reset();
    m_query.limit.reset();
    clearRows();
    endResetModel();
    if (wasLoading)
        Q_EMIT loadingChanged(false);
    startPage();
}

void AuditLogModel::setFollowing(bool on)
{
    m_following = on;
    if (on && !m_followPaused) {
        m_pollTimer.start();
        pollNow();
    } else {
        m_pollTimer.stop();
    }
}

void AuditLogModel::setFollowPaused(bool paused)
{
    if (paused == m_followPaused)
        return;
    m_followPaused = paused;
    setFollowing(m_following);
}

bool AuditLogModel::pollNow()
{
    if (!m_client || !m_loaded)
        return false; // the first page tells where "new" starts
    if (m_lastError)
        return false;
    if (m_inFlight) {
        m_pollWanted = true;
        return false;
    }
    m_pollCollected.clear();
    m_pollAfterId = m_highestId;
    startPoll(QString());
    return true;
}

void AuditLogModel::retry()
{
    const Fetch failed = m_failedRequest;
    m_lastError.reset();
    m_failedRequest = Fetch::None;
    if (failed == Fetch::Poll)
        pollNow();
    else if (!m_loaded || !m_atEnd)
        startPage();
}

bool AuditLogModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_active && m_client && !m_atEnd && !m_lastError;
}

void AuditLogModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    if (m_inFlight) {
        m_pageWanted = m_inFlightKind != Fetch::Page;
        return;
    }
    startPage();
}

void AuditLogModel::startPage()
{
    if (!m_active || !m_client || m_atEnd || m_inFlight)
        return;
    AuditQuery q = m_query;
    q.limit = m_pageSize;
    auto *call = m_client->listAuditEvents(q, m_cursor);
    m_inFlight = call;
    m_inFlightKind = Fetch::Page;
    m_pageWanted = false;
    Q_EMIT loadingChanged(true);
    call->onFinished(this, [this, call](const Result<Page<AuditEvent>> &r) {
        if (call != m_inFlight)
            return;
        m_inFlight = nullptr;
        m_inFlightKind = Fetch::None;
        if (!r) {
            setFailed(r.error(), Fetch::Page);
            finishRequest();
            return;
        }
        m_lastError.reset();
        const QList<AuditEvent> &items = r.value().items;
        const bool first = !m_loaded;
        m_loaded = true;
        m_cursor = r.value().nextCursor.value_or(QString());
        m_atEnd = !r.value().nextCursor;
        if (!items.isEmpty()) {
            const int at = rowCount();
            beginInsertRows({}, at, at + int(items.size()) - 1);
            m_rows.reserve(m_rows.size() + size_t(items.size()));
            for (const AuditEvent &e : items)
                m_rows.push_back(compact(e));
            endInsertRows();
        }
        if (first && !m_rows.empty())
            m_highestId = m_rows.front().id;
        Q_EMIT pageLoaded();
        finishRequest();
    });
}

void AuditLogModel::startPoll(const QString &cursor)
{
    AuditQuery q = m_query;
    q.afterId = m_pollAfterId;
    q.limit = 500; // new events come in bursts: fewer round trips
    auto *call = m_client->listAuditEvents(q, cursor);
    m_inFlight = call;
    m_inFlightKind = Fetch::Poll;
    m_pollWanted = false;
    Q_EMIT loadingChanged(true);
    call->onFinished(this, [this, call](const Result<Page<AuditEvent>> &r) {
        if (call != m_inFlight)
            return;
        m_inFlight = nullptr;
        m_inFlightKind = Fetch::None;
        if (!r) {
            m_pollCollected.clear();
            setFailed(r.error(), Fetch::Poll);
            finishRequest();
            return;
        }
        m_lastError.reset();
        m_pollCollected += r.value().items;
        if (r.value().nextCursor) {
            // More new events than one page: take them all before showing any, so the top of the
            // table never has a hole between what is shown and what was there.
            startPoll(*r.value().nextCursor);
            return;
        }
        const QList<AuditEvent> fresh = std::exchange(m_pollCollected, {});
        // Ids above the newest shown only: the list is a snapshot, never the same event twice.
        qsizetype n = 0;
        while (n < fresh.size() && fresh.at(n).id > m_highestId)
            ++n;
        if (n > 0) {
            std::vector<Row> rows;
            rows.reserve(size_t(n));
            for (qsizetype i = 0; i < n; ++i)
                rows.push_back(compact(fresh.at(i)));
            beginInsertRows({}, 0, int(n) - 1);
            m_rows.insert(m_rows.begin(), rows.begin(), rows.end());
            m_highestId = m_rows.front().id;
            endInsertRows();
            Q_EMIT newEventsInserted(int(n));
        }
        finishRequest();
    });
}

void AuditLogModel::finishRequest()
{
    if (m_pollWanted && !m_lastError)
        pollNow();
    else if (m_pageWanted && !m_lastError)
        startPage();
    if (!m_inFlight)
        Q_EMIT loadingChanged(false);
}

void AuditLogModel::setFailed(const ApiError &error, Fetch request)
{
    m_failedRequest = request;
    m_lastError = error;
    m_pageWanted = false;
    m_pollWanted = false;
    Q_EMIT loadFailed(error);
}

AuditLogModel::StringRef AuditLogModel::intern(const QString &s)
{
    const auto it = m_stringIndex.constFind(s);
    if (it != m_stringIndex.cend())
        return *it;
    const auto ref = StringRef(m_strings.size());
    m_strings.append(s);
    m_stringIndex.insert(s, ref);
    return ref;
}

std::optional<QString> AuditLogModel::optStr(StringRef ref) const
{
    if (ref == 0)
        return std::nullopt;
    return m_strings.at(ref);
}

AuditLogModel::Hash AuditLogModel::packHash(const QString &hex)
{
    Hash h;
    if (hex.size() == 64) {
        const QByteArray latin = hex.toLatin1();
        const QByteArray bytes = QByteArray::fromHex(latin);
        if (bytes.size() == 32 && bytes.toHex() == latin) {
            std::memcpy(h.bytes.data(), bytes.constData(), 32);
            return h;
        }
    }
    h.textRef = intern(hex);
    return h;
}

QString AuditLogModel::hashText(const Hash &h) const
{
    if (h.textRef)
        return str(h.textRef);
    return QString::fromLatin1(
        QByteArray::fromRawData(reinterpret_cast<const char *>(h.bytes.data()), 32).toHex());
}

QString AuditLogModel::requestIdText(const Row &r) const
{
    if (r.requestIdRef)
        return str(r.requestIdRef);
    if (r.requestIdLength == 0)
        return QString();
    return QString::fromLatin1(r.requestId.data(), r.requestIdLength);
}

AuditLogModel::Row AuditLogModel::compact(const AuditEvent &e)
{
    Row r;
    r.id = e.id;
    r.occurredAtMs = e.occurredAt.toMSecsSinceEpoch();
    r.actorType = intern(e.actor.type);
    r.actorId = intern(e.actor.id);
    r.actorName = intern(e.actor.name);
    r.action = intern(e.action);
    if (e.target) {
        r.hasTarget = true;
        r.targetType = intern(e.target->type);
        r.targetId = intern(e.target->id);
        r.targetName = intern(e.target->name);
    }
    r.workspaceId = intern(e.workspaceId);
    r.outcome = intern(e.outcome);
    r.httpStatus = e.httpStatus ? qint16(*e.httpStatus) : qint16(-1);
    r.method = intern(e.method);
    r.path = intern(e.path);
    r.sourceIp = intern(e.sourceIp);
    r.userAgent = intern(e.userAgent);
    r.detail = intern(e.detail);
    if (e.requestId) {
        const QString &id = *e.requestId;
        bool latin = !id.isEmpty() && id.size() <= qsizetype(r.requestId.size());
        for (QChar c : id)
            latin = latin && c.unicode() > 0 && c.unicode() < 128;
        if (latin) {
            const QByteArray bytes = id.toLatin1();
            std::memcpy(r.requestId.data(), bytes.constData(), size_t(bytes.size()));
            r.requestIdLength = quint8(bytes.size());
        } else {
            r.requestIdRef = intern(id); // also keeps an empty id apart from none
        }
    }
    r.prevHash = packHash(e.prevHash);
    r.hash = packHash(e.hash);
    return r;
}

AuditEvent AuditLogModel::event(int row) const
{
    const Row &r = m_rows.at(size_t(row));
    AuditEvent e;
    e.id = r.id;
    e.occurredAt = QDateTime::fromMSecsSinceEpoch(r.occurredAtMs, Qt::UTC);
    e.actor.type = str(r.actorType);
    e.actor.id = optStr(r.actorId);
    e.actor.name = optStr(r.actorName);
    e.action = str(r.action);
    if (r.hasTarget)
        e.target = AuditTarget{str(r.targetType), str(r.targetId), optStr(r.targetName)};
    e.workspaceId = optStr(r.workspaceId);
    e.outcome = str(r.outcome);
    if (r.httpStatus >= 0)
        e.httpStatus = r.httpStatus;
    e.method = optStr(r.method);
    e.path = optStr(r.path);
    e.sourceIp = optStr(r.sourceIp);
    e.userAgent = optStr(r.userAgent);
    if (r.requestIdRef || r.requestIdLength)
        e.requestId = requestIdText(r);
    e.detail = optStr(r.detail);
    e.prevHash = hashText(r.prevHash);
    e.hash = hashText(r.hash);
    return e;
}

int AuditLogModel::rowOfId(qint64 id) const
{
    // Newest first: ids descend, so a binary search finds it.
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), id,
                                     [](const Row &r, qint64 value) { return r.id > value; });
    return it != m_rows.end() && it->id == id ? int(it - m_rows.begin()) : -1;
}

int AuditLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AuditLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AuditLogModel::actorText(const AuditActor &actor)
{
    const QString who = actor.name.value_or(actor.id.value_or(QString()));
    if (actor.type == u"user")
        return tr("%1 (user)").arg(who);
    if (actor.type == u"api_key")
        return tr("%1 (key)").arg(who);
    return who.isEmpty() ? tr("Anonymous") : who;
}

QString AuditLogModel::outcomeText(const QString &outcome)
{
    if (outcome == u"success")
        return tr("Success");
    if (outcome == u"refused")
        return tr("Refused");
    if (outcome == u"error")
        return tr("Error");
    return outcome;
}

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const Row &r = m_rows.at(size_t(index.row()));
    switch (role) {
    case IdRole:
        return r.id;
    case ActorIdRole:
        return str(r.actorId);
    case ActorTypeRole:
        return str(r.actorType);
    case ApiKeyIdRole:
        if (str(r.actorType) == u"api_key")
            return str(r.actorId);
        if (r.hasTarget && str(r.targetType) == u"api_key")
            return str(r.targetId);
        return QString();
    case OutcomeRole:
        return str(r.outcome);
    case OccurredAtRole:
        return QDateTime::fromMSecsSinceEpoch(r.occurredAtMs, Qt::UTC);
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return TimeText::exact(QDateTime::fromMSecsSinceEpoch(r.occurredAtMs, Qt::UTC));
        case Actor:
            return actorText({str(r.actorType), optStr(r.actorId), optStr(r.actorName)});
        case Action:
            return str(r.action);
        case Target:
            if (!r.hasTarget)
                return QString();
            return r.targetName ? str(r.targetName) : str(r.targetId);
        case Outcome:
            return outcomeText(str(r.outcome));
        case Status:
            return r.httpStatus >= 0 ? QVariant(int(r.httpStatus)) : QVariant(QString());
        case Request:
            return r.method ? str(r.method) + u' ' + str(r.path) : str(r.path);
        case Source:
            return str(r.sourceIp);
        }
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Actor:
            if (str(r.actorType) == u"api_key")
                return tr("API key %1").arg(str(r.actorId));
            if (str(r.actorType) == u"user")
                return tr("User %1").arg(str(r.actorId));
            return tr("No signed-in user or key");
        case Target:
            if (!r.hasTarget)
                return QString();
            return plainToolTip(tr("%1 %2").arg(str(r.targetType), str(r.targetId)));
        case Request: // a User-Agent is whatever the caller sent
            return r.userAgent ? QVariant(plainToolTip(tr("User agent: %1").arg(str(r.userAgent)))) : QVariant();
        case Time:
            return tr("Event %1").arg(r.id);
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Status)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    }
    return {};
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == Status)
        return tr("HTTP status of the request");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time: return tr("Time");
    case Actor: return tr("Actor");
    case Action: return tr("Action");
    case Target: return tr("Target");
    case Outcome: return tr("Outcome");
    case Status: return tr("Status");
    case Request: return tr("Method and path");
    case Source: return tr("Source address");
    }
    return {};
}

} // namespace datarecs
