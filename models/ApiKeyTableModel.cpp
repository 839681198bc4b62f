#include "ApiKeyTableModel.h"

#include "PlainToolTip.h"
#include "TimeText.h"

#include <QSet>

#include <limits>

namespace datarecs {

namespace {

bool sameKey(const ApiKey &a, const ApiKey &b)
{
    return a.id == b.id && a.name == b.name && a.description == b.description && a.role == b.role &&
           a.workspace == b.workspace && a.enabled == b.enabled && a.status == b.status && a.hint == b.hint &&
           a.createdBy.type == b.createdBy.type && a.createdBy.id == b.createdBy.id &&
           a.createdBy.name == b.createdBy.name && a.createdAt == b.createdAt && a.updatedAt == b.updatedAt &&
           a.lastUsedAt == b.lastUsedAt && a.lastUsedIp == b.lastUsedIp && a.expiresAt == b.expiresAt &&
           a.replaces == b.replaces && a.replacedBy == b.replacedBy;
}

/// Server order: created_at descending, then id descending.
bool comesBefore(const ApiKey &a, const ApiKey &b)
{
    if (a.createdAt != b.createdAt)
        return a.createdAt > b.createdAt;
    return a.id > b.id;
}

} // namespace

ApiKeyTableModel::ApiKeyTableModel(QObject *parent)
    : QAbstractTableModel(parent), m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

void ApiKeyTableModel::setKeys(QList<ApiKey> keys)
{
    beginResetModel();
    m_keys = std::move(keys);
    reindex();
    endResetModel();
}

void ApiKeyTableModel::mergeKeys(const QList<ApiKey> &keys)
{
    if (m_keys.isEmpty()) {
        if (!keys.isEmpty()) {
            beginInsertRows({}, 0, int(keys.size()) - 1);
            m_keys = keys;
            reindex();
            endInsertRows();
        }
        return;
    }

    // 1. Remove the keys that are gone, bottom up, one contiguous range at a time.
    QSet<QString> wanted;
    wanted.reserve(keys.size());
    for (const ApiKey &k : keys)
        wanted.insert(k.id);
    for (int row = int(m_keys.size()) - 1; row >= 0;) {
        if (wanted.contains(m_keys.at(row).id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !wanted.contains(m_keys.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, row);
        m_keys.remove(first, row - first + 1);
        m_searchText.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
    reindexIds(); // the search texts were removed with their rows

    // 2. Walk the new list: rows before i are final. Insert what is new, move what moved, update
    //    what changed.
    for (int i = 0; i < keys.size(); ++i) {
        const ApiKey &key = keys.at(i);
        const int row = m_rowById.value(key.id, -1);
        if (row == i) {
            if (!sameKey(m_keys.at(i), key)) {
                m_keys[i] = key;
                m_searchText[i] = searchTextOf(key);
                Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
            }
            continue;
        }
        if (row < 0) {
            // New keys, as many as follow one another (all of a page that was appended), in one
            // insertion: the proxy and the view then place them once instead of key by key.
            int end = i + 1;
            while (end < keys.size() && !m_rowById.contains(keys.at(end).id))
                ++end;
            const int n = end - i;
            beginInsertRows({}, i, end - 1);
            m_keys.insert(i, n, ApiKey());
            m_searchText.insert(i, n, QString());
            for (int r = i; r < end; ++r) {
                m_keys[r] = keys.at(r);
                m_searchText[r] = searchTextOf(m_keys.at(r));
            }
            endInsertRows();
            for (int r = i; r < m_keys.size(); ++r)
                m_rowById.insert(m_keys.at(r).id, r);
            i = end - 1;
            continue;
        } else {
            // row > i: the key comes earlier in the new order.
            beginMoveRows({}, row, row, {}, i);
            m_keys.move(row, i);
            m_searchText.move(row, i);
            endMoveRows();
            if (!sameKey(m_keys.at(i), key)) {
                m_keys[i] = key;
                m_searchText[i] = searchTextOf(key);
                Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
            }
        }
        for (int r = i; r < m_keys.size(); ++r)
            m_rowById.insert(m_keys.at(r).id, r);
    }
}

void ApiKeyTableModel::upsertKey(const ApiKey &key)
{
    const int row = rowOf(key.id);
    if (row >= 0) {
        if (!sameKey(m_keys.at(row), key)) {
            m_keys[row] = key;
            m_searchText[row] = searchTextOf(key);
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
        return;
    }
    int at = 0;
    while (at < m_keys.size() && comesBefore(m_keys.at(at), key))
        ++at;
    beginInsertRows({}, at, at);
    m_keys.insert(at, key);
    m_searchText.insert(at, searchTextOf(key));
    reindexIds();
    endInsertRows();
}

bool ApiKeyTableModel::removeKey(const QString &id)
{
    const int row = rowOf(id);
    if (row < 0)
        return false;
    beginRemoveRows({}, row, row);
    m_keys.removeAt(row);
    m_searchText.removeAt(row);
    reindexIds();
    endRemoveRows();
    return true;
}

void ApiKeyTableModel::clear()
{
    setKeys({});
}

const ApiKey *ApiKeyTableModel::keyAt(int row) const
{
    return row >= 0 && row < m_keys.size() ? &m_keys.at(row) : nullptr;
}

const ApiKey *ApiKeyTableModel::keyById(const QString &id) const
{
    return keyAt(rowOf(id));
}

int ApiKeyTableModel::rowOf(const QString &id) const
{
    return m_rowById.value(id, -1);
}

void ApiKeyTableModel::setRoleTitles(const QHash<QString, QString> &titles)
{
    m_roleTitles = titles;
    if (!m_keys.isEmpty())
        Q_EMIT dataChanged(index(0, Role), index(int(m_keys.size()) - 1, Role));
}

void ApiKeyTableModel::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
    refreshRelativeTimes();
}

void ApiKeyTableModel::refreshRelativeTimes()
{
    if (!m_keys.isEmpty())
        Q_EMIT dataChanged(index(0, LastUsed), index(int(m_keys.size()) - 1, LastUsed),
                           {Qt::DisplayRole, Qt::ToolTipRole});
}

int ApiKeyTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int ApiKeyTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ApiKeyTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ApiKey &key = m_keys.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        return display(key, index.column());
    case Qt::ToolTipRole:
        return toolTip(key, index.column());
    case SortRole:
        return sortValue(key, index.column());
    case IdRole:
        return key.id;
    case EnabledRole:
        return key.enabled;
    case StatusRole:
        return key.status;
    case CreatedAtRole:
        return key.createdAt;
    case LastUsedAtRole:
        return key.lastUsedAt.value_or(QDateTime());
    case ExpiresAtRole:
        return key.expiresAt.value_or(QDateTime());
    default:
        return {};
    }
}

QVariant ApiKeyTableModel::display(const ApiKey &key, int column) const
{
    switch (column) {
    case Name:
        return key.name;
    case Role:
        return roleTitle(key.role);
    case Workspace:
        return key.workspace ? key.workspace->name : tr("All workspaces");
    case Status:
        return statusText(key);
    case CreatedBy:
        return key.createdBy.name;
    case Created:
        return TimeText::date(key.createdAt);
    case LastUsed:
        return key.lastUsedAt ? TimeText::relative(*key.lastUsedAt, m_clock()) : tr("Never");
    case Expires:
        return key.expiresAt ? TimeText::date(*key.expiresAt) : tr("Never");
    case Description:
        // One line in a cell; the details pane shows all of it.
        return key.description.section(QLatin1Char('\n'), 0, 0);
    default:
        return {};
    }
}

QVariant ApiKeyTableModel::sortValue(const ApiKey &key, int column) const
{
    switch (column) {
    case Name:
        return key.name.toLower();
    case Role:
        return roleTitle(key.role).toLower();
    case Workspace:
        return key.workspace ? key.workspace->name.toLower() : QString();
    case Status:
        return key.status;
    case CreatedBy:
        return key.createdBy.name.toLower();
    case Created:
        return key.createdAt.toMSecsSinceEpoch();
    case LastUsed:
        return key.lastUsedAt ? key.lastUsedAt->toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
    case Expires:
        return key.expiresAt ? key.expiresAt->toMSecsSinceEpoch() : std::numeric_limits<qint64>::max();
    case Description:
        return key.description.toLower();
    default:
        return {};
    }
}

QVariant ApiKeyTableModel::toolTip(const ApiKey &key, int column) const
{
    switch (column) {
    case Name: // the whole name, which the column may cut short, then what identifies the key
        return plainToolTip(tr("%1\n%2 (%3)").arg(key.name, key.id, key.hint));
    case Role:
        return key.role;
    case Workspace:
        return key.workspace ? key.workspace->id : tr("Not restricted to a workspace");
    case CreatedBy:
        return key.createdBy.type == u"api_key" ? tr("API key %1").arg(key.createdBy.id)
                                                 : tr("User %1").arg(key.createdBy.id);
    case Created:
        return TimeText::exact(key.createdAt);
    case LastUsed:
        if (!key.lastUsedAt)
            return tr("This key has never been used.");
        if (key.lastUsedIp)
            return tr("Last used %1 from %2").arg(TimeText::exact(*key.lastUsedAt), *key.lastUsedIp);
        return tr("Last used %1").arg(TimeText::exact(*key.lastUsedAt));
    case Expires:
        return key.expiresAt ? TimeText::exact(*key.expiresAt) : tr("This key does not expire.");
    case Description:
        return key.description.isEmpty() ? QVariant() : QVariant(plainToolTip(key.description));
    default:
        return {};
    }
}

QVariant ApiKeyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Name");
    case Role:
        return tr("Role");
    case Workspace:
        return tr("Workspace");
    case Status:
        return tr("Status");
    case CreatedBy:
        return tr("Created by");
    case Created:
        return tr("Created");
    case LastUsed:
        return tr("Last used");
    case Expires:
        return tr("Expires");
    case Description:
        return tr("Description");
    default:
        return {};
    }
}

QString ApiKeyTableModel::statusText(const ApiKey &key)
{
    if (key.status == u"disabled")
        return tr("Disabled");
    if (key.status == u"expired")
        return tr("Expired");
    return tr("Enabled");
}

QString ApiKeyTableModel::roleTitle(const QString &role) const
{
    return m_roleTitles.value(role, role);
}

void ApiKeyTableModel::reindex()
{
    m_rowById.clear();
    m_rowById.reserve(m_keys.size());
    m_searchText.resize(m_keys.size());
    for (int i = 0; i < m_keys.size(); ++i) {
        m_rowById.insert(m_keys.at(i).id, i);
        m_searchText[i] = searchTextOf(m_keys.at(i));
    }
}

void ApiKeyTableModel::reindexIds()
{
    m_rowById.clear();
    m_rowById.reserve(m_keys.size());
    for (int i = 0; i < m_keys.size(); ++i)
        m_rowById.insert(m_keys.at(i).id, i);
}

QString ApiKeyTableModel::searchTextOf(const ApiKey &key)
{
    // A separator no one types, so a search never matches across two fields.
    const QChar sep(0x1f);
    QString text;
    text.reserve(key.name.size() + key.description.size() + key.id.size() + key.createdBy.name.size() + 3);
    text.append(key.name).append(sep).append(key.description).append(sep).append(key.id).append(sep).append(
        key.createdBy.name);
    // Case folding of ASCII is lowering A-Z; done in place here because QString::toCaseFolded()
    // looks up every character in the Unicode tables (a third of loading 10,000 keys). Any other
    // character leaves it to QString.
    char16_t *c = reinterpret_cast<char16_t *>(text.data());
    char16_t *const end = c + text.size();
    for (; c != end; ++c) {
        if (*c >= 0x80)
            return std::move(text).toCaseFolded();
        if (*c >= u'A' && *c <= u'Z')
            *c = char16_t(*c + (u'a' - u'A'));
    }
    return text;
}

} // namespace datarecs
