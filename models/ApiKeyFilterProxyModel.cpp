#include "ApiKeyFilterProxyModel.h"

#include "ApiKeyTableModel.h"

namespace datarecs {

ApiKeyFilterProxyModel::ApiKeyFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent), m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    setSortRole(ApiKeyTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    // Rows that change (enable/disable) must move in and out of a status filter by themselves.
    setDynamicSortFilter(true);
}

void ApiKeyFilterProxyModel::setSourceModel(QAbstractItemModel *model)
{
    // The filter reads ApiKey values directly instead of going through data() and QVariant: that is
    // what keeps a keystroke over 10,000 keys within a few milliseconds.
    m_keys = qobject_cast<ApiKeyTableModel *>(model);
    Q_ASSERT_X(m_keys || !model, "ApiKeyFilterProxyModel", "the source must be an ApiKeyTableModel");
    QSortFilterProxyModel::setSourceModel(model);
}

void ApiKeyFilterProxyModel::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    m_foldedSearch = trimmed.toCaseFolded();
    invalidateFilter();
}

void ApiKeyFilterProxyModel::setStatusFilter(StatusFilter filter)
{
    if (filter == m_status)
        return;
    m_status = filter;
    invalidateFilter();
}

void ApiKeyFilterProxyModel::setStaleDays(int days)
{
    if (days == m_staleDays)
        return;
    m_staleDays = days;
    if (m_status == StatusFilter::Stale)
        invalidateFilter();
}

void ApiKeyFilterProxyModel::setRotationDays(int days)
{
    if (days == m_rotationDays)
        return;
    m_rotationDays = days;
    if (m_status == StatusFilter::RotationDue)
        invalidateFilter();
    // The flag in the Status column follows the period.
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, ApiKeyTableModel::Status), index(rowCount() - 1, ApiKeyTableModel::Status),
                           {Qt::DecorationRole, Qt::ToolTipRole, Qt::AccessibleTextRole});
}

bool ApiKeyFilterProxyModel::isRotationDue(const ApiKey &key, const QDateTime &now) const
{
    // A disabled, expired or already replaced key accepts no requests it could be rotated away from.
    return key.createdAt < now.addDays(-m_rotationDays) && !key.replacedBy && key.status == u"enabled";
}

QVariant ApiKeyFilterProxyModel::data(const QModelIndex &index, int role) const
{
    if (index.column() != ApiKeyTableModel::Status || !m_keys ||
        (role != Qt::DecorationRole && role != Qt::ToolTipRole && role != Qt::AccessibleTextRole))
        return QSortFilterProxyModel::data(index, role);
    const ApiKey *key = m_keys->keyAt(mapToSource(index).row());
    const QDateTime now = m_clock();
    if (!key || !isRotationDue(*key, now))
        return QSortFilterProxyModel::data(index, role);
    switch (role) {
    case Qt::DecorationRole:
        return m_rotationDueIcon.isNull() ? QVariant() : QVariant(m_rotationDueIcon);
    case Qt::AccessibleTextRole:
        return tr("%1, rotation due").arg(ApiKeyTableModel::statusText(*key));
    default: {
        const QString base = QSortFilterProxyModel::data(index, role).toString();
        // Always more than one day: the period is at least one.
        const QString due = tr("Rotation due: created %1 days ago, more than the rotation period of %2 days. "
                               "Rotate it to replace it with a new key.")
                                .arg(key->createdAt.daysTo(now))
                                .arg(m_rotationDays);
        return base.isEmpty() ? due : base + u'\n' + due;
    }
    }
}

void ApiKeyFilterProxyModel::setExpiringSoonDays(int days)
{
    if (days == m_expiringDays)
        return;
    m_expiringDays = days;
    if (m_status == StatusFilter::ExpiringSoon)
        invalidateFilter();
}

void ApiKeyFilterProxyModel::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
    invalidateFilter();
}

bool ApiKeyFilterProxyModel::matchesStatus(const ApiKey &key, const QDateTime &now) const
{
    switch (m_status) {
    case StatusFilter::All:
        return true;
    case StatusFilter::Enabled:
        return key.status == u"enabled";
    case StatusFilter::Disabled:
        return key.status == u"disabled";
    case StatusFilter::Expired:
        return key.status == u"expired";
    case StatusFilter::Stale: {
        const QDateTime cutoff = now.addDays(-m_staleDays);
        return key.lastUsedAt ? *key.lastUsedAt < cutoff : key.createdAt < cutoff;
    }
    case StatusFilter::RotationDue:
        return isRotationDue(key, now);
    case StatusFilter::ExpiringSoon:
        return key.expiresAt && *key.expiresAt > now && *key.expiresAt <= now.addDays(m_expiringDays);
    }
    return true;
}

bool ApiKeyFilterProxyModel::matchesSearch(const ApiKey &key) const
{
    if (m_search.isEmpty())
        return true;
    return key.name.contains(m_search, Qt::CaseInsensitive) ||
           key.description.contains(m_search, Qt::CaseInsensitive) ||
           key.id.contains(m_search, Qt::CaseInsensitive) ||
           key.createdBy.name.contains(m_search, Qt::CaseInsensitive);
}

QStringList ApiKeyFilterProxyModel::statusFilterNames()
{
    return {tr("All"),   tr("Enabled"),     tr("Disabled"),     tr("Expired"),
            tr("Stale"), tr("Rotation due"), tr("Expiring soon")};
}

bool ApiKeyFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid() || !m_keys)
        return false;
    const ApiKey *key = m_keys->keyAt(sourceRow);
    if (!key)
        return false;
    if (!m_foldedSearch.isEmpty() && !m_keys->searchTextAt(sourceRow).contains(m_foldedSearch))
        return false;
    if (m_status == StatusFilter::All)
        return true;
    return matchesStatus(*key, m_clock());
}

bool ApiKeyFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const ApiKey *a = m_keys ? m_keys->keyAt(left.row()) : nullptr;
    const ApiKey *b = m_keys ? m_keys->keyAt(right.row()) : nullptr;
    if (!a || !b)
        return QSortFilterProxyModel::lessThan(left, right);
    auto text = [](const QString &x, const QString &y) { return x.compare(y, Qt::CaseInsensitive) < 0; };
    // Never used sorts before any use; never expiring after any expiry (as ApiKeyTableModel::SortRole).
    auto time = [](const std::optional<QDateTime> &x, const std::optional<QDateTime> &y, bool absentIsLate) {
        if (!x || !y)
            return absentIsLate ? (x && !y) : (!x && y);
        return *x < *y;
    };
    switch (left.column()) {
    case ApiKeyTableModel::Name:
        return text(a->name, b->name);
    case ApiKeyTableModel::Role:
        return text(m_keys->roleTitle(a->role), m_keys->roleTitle(b->role));
    case ApiKeyTableModel::Workspace:
        return text(a->workspace ? a->workspace->name : QString(), b->workspace ? b->workspace->name : QString());
    case ApiKeyTableModel::Status:
        return a->status < b->status;
    case ApiKeyTableModel::CreatedBy:
        return text(a->createdBy.name, b->createdBy.name);
    case ApiKeyTableModel::Created:
        return a->createdAt < b->createdAt;
    case ApiKeyTableModel::LastUsed:
        return time(a->lastUsedAt, b->lastUsedAt, false);
    case ApiKeyTableModel::Expires:
        return time(a->expiresAt, b->expiresAt, true);
    case ApiKeyTableModel::Description:
        return text(a->description, b->description);
    default:
        return QSortFilterProxyModel::lessThan(left, right);
    }
}

} // namespace datarecs
