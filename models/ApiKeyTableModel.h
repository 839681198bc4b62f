#pragma once

#include "ApiKey.h"

#include <QAbstractTableModel>
#include <QHash>

#include <functional>

namespace datarecs {

/// The tenant's API keys as a table, one row per key, in the server's order (newest first).
///
/// Updates are incremental so that views keep their selection and scroll position: a changed key
/// emits dataChanged for its row, a new key is inserted, a deleted one removed. Only the first load
/// (or a switch of tenant) resets the model.
class ApiKeyTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Role, Workspace, Status, CreatedBy, Created, LastUsed, Expires, Description, ColumnCount };
    Q_ENUM(Column)

    enum ItemRole {
        /// The real value to sort by: lower-cased text, or a timestamp in ms (a never-used key sorts
        /// before every used one, a key that never expires after every expiring one).
        SortRole = Qt::UserRole + 1,
        IdRole,        ///< the key's id (every column)
        EnabledRole,   ///< bool
        StatusRole,    ///< "enabled", "disabled" or "expired"
        CreatedAtRole, ///< QDateTime (UTC)
        LastUsedAtRole, ///< QDateTime, invalid when never used
        ExpiresAtRole, ///< QDateTime, invalid when it never expires
    };

    explicit ApiKeyTableModel(QObject *parent = nullptr);

    /// Replaces everything (first load). Prefer mergeKeys() for a refresh.
    void setKeys(QList<ApiKey> keys);
    /// Brings the model to the given list with the fewest changes: rows of keys no longer present are
    /// removed, changed keys updated in place, new keys inserted in the list's order.
    void mergeKeys(const QList<ApiKey> &keys);
    /// A key the server just returned (after enable, disable, rename, create): updates its row, or
    /// inserts it by creation time (newest first) when it is new.
    void upsertKey(const ApiKey &key);
    /// A key that was deleted. Returns false if it was not in the model.
    bool removeKey(const QString &id);
    void clear();

    const QList<ApiKey> &keys() const { return m_keys; }
    /// The key on a row (of this model, not of a proxy); nullptr if out of range.
    const ApiKey *keyAt(int row) const;
    const ApiKey *keyById(const QString &id) const;
    int rowOf(const QString &id) const;
    /// What the search filter looks in for a row: name, description, id and creator, case-folded and
    /// joined. Kept with the row so that a keystroke compares plain text instead of folding case
    /// 40,000 times.
    const QString &searchTextAt(int row) const { return m_searchText.at(row); }

    /// Display titles of roles ("admin" → "Admin"); unknown names are shown as they are.
    void setRoleTitles(const QHash<QString, QString> &titles);
    /// The clock for relative times; tests fix it. Defaults to the current time.
    void setClock(std::function<QDateTime()> clock);
    QDateTime now() const { return m_clock(); }
    /// Relative times age while the window is open: call this now and then (the view does, once a
    /// minute) to repaint the "Last used" column.
    void refreshRelativeTimes();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString statusText(const ApiKey &key);
    QString roleTitle(const QString &role) const;

private:
    QVariant display(const ApiKey &key, int column) const;
    QVariant sortValue(const ApiKey &key, int column) const;
    QVariant toolTip(const ApiKey &key, int column) const;
    void reindex();
    void reindexIds(); ///< m_rowById only, when m_searchText was kept in step
    static QString searchTextOf(const ApiKey &key);

    QList<ApiKey> m_keys;
    QHash<QString, int> m_rowById; ///< kept in step with m_keys for O(1) lookups by id
    QList<QString> m_searchText;   ///< searchTextOf() of each row, rebuilt by reindex()
    QHash<QString, QString> m_roleTitles;
    std::function<QDateTime()> m_clock;
};

} // namespace datarecs
