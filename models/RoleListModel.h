#pragma once

#include "Role.h"

#include <QAbstractListModel>

namespace datarecs {

/// The roles a key can have (GET /v1/roles), lowest rank first, for pickers and for showing role
/// titles instead of their names.
class RoleListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum ItemRole {
        NameRole = Qt::UserRole + 1, ///< "workspace_admin"
        DescriptionRole,
        ScopeRole, ///< "platform" or "workspace"
        RankRole,  ///< qint64
        PermissionsRole, ///< QStringList
    };

    explicit RoleListModel(QObject *parent = nullptr);

    void setRoles(QList<Role> roles);
    const QList<Role> &roles() const { return m_roles; }
    const Role *role(const QString &name) const;
    /// name → title, e.g. for ApiKeyTableModel::setRoleTitles().
    QHash<QString, QString> titles() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QList<Role> m_roles;
};

} // namespace datarecs
