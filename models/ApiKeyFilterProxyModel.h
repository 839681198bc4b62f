#pragma once

#include <QDateTime>
#include <QIcon>
#include <QSortFilterProxyModel>

#include <functional>

namespace datarecs {

class ApiKeyTableModel;
struct ApiKey;

/// Filters and sorts an ApiKeyTableModel for the keys page: a text search and one status filter,
/// both applied locally so each keystroke answers at once. Sorting uses the model's SortRole (real
/// timestamps, not the relative text shown).
class ApiKeyFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class StatusFilter { All, Enabled, Disabled, Expired, Stale, RotationDue, ExpiringSoon };
    Q_ENUM(StatusFilter)

    explicit ApiKeyFilterProxyModel(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *model) override;

    /// Case-insensitive substring over name, description, id and creator's name.
    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }

    void setStatusFilter(StatusFilter filter);
    StatusFilter statusFilter() const { return m_status; }

    /// Stale: not used for this many days, or never used and created more than this many days ago
    /// (the server's definition). Default 90.
    void setStaleDays(int days);
    int staleDays() const { return m_staleDays; }
    /// Rotation due: created more than this many days ago. Default 90.
    void setRotationDays(int days);
    int rotationDays() const { return m_rotationDays; }
    /// Expiring soon: expires within this many days from now (and has not expired yet). Default 14.
    void setExpiringSoonDays(int days);
    int expiringSoonDays() const { return m_expiringDays; }

    /// The clock for the day-based filters; tests fix it. Defaults to the current time.
    void setClock(std::function<QDateTime()> clock);

    /// Whether a key passes the status filter alone (exposed for tests and the details pane).
    bool matchesStatus(const ApiKey &key, const QDateTime &now) const;
    /// Enabled, older than the rotation period and not replaced yet: flagged in the Status column
    /// (icon, tooltip, accessible text) whatever the filter.
    bool isRotationDue(const ApiKey &key, const QDateTime &now) const;
    /// The icon that flags such a key (the view supplies it: this layer has no style).
    void setRotationDueIcon(const QIcon &icon) { m_rotationDueIcon = icon; }
    /// Adds the rotation-due flag to the Status column.
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool matchesSearch(const ApiKey &key) const;

    /// The localized names of the status filters, in enum order, for a combo box.
    static QStringList statusFilterNames();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    /// Compares the keys' real values directly: the same order as the model's SortRole, without
    /// building two QVariants per comparison (which made sorting 10,000 keys several times slower).
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    ApiKeyTableModel *m_keys = nullptr;
    QString m_search;
    QString m_foldedSearch; ///< compared with ApiKeyTableModel::searchTextAt()
    StatusFilter m_status = StatusFilter::All;
    int m_staleDays = 90;
    int m_rotationDays = 90;
    int m_expiringDays = 14;
    QIcon m_rotationDueIcon;
    std::function<QDateTime()> m_clock;
};

} // namespace datarecs
