#include "RoleListModel.h"

#include <algorithm>

namespace datarecs {

RoleListModel::RoleListModel(QObject *parent) : QAbstractListModel(parent) {}

void RoleListModel::setRoles(QList<Role> roles)
{
    // Narrowest first: pickers should lead with the least privilege.
    std::stable_sort(roles.begin(), roles.end(), [](const Role &a, const Role &b) { return a.rank < b.rank; });
    beginResetModel();
    m_roles = std::move(roles);
    endResetModel();
}

const Role *RoleListModel::role(const QString &name) const
{
    for (const Role &r : m_roles) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

QHash<QString, QString> RoleListModel::titles() const
{
    QHash<QString, QString> out;
    for (const Role &r : m_roles)
        out.insert(r.name, r.title);
    return out;
}

int RoleListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_roles.size());
}

QVariant RoleListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Role &r = m_roles.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        return r.title;
    case Qt::ToolTipRole:
    case Qt::AccessibleDescriptionRole:
    case DescriptionRole:
        return r.description;
    case NameRole:
        return r.name;
    case ScopeRole:
        return r.scope;
    case RankRole:
        return r.rank;
    case PermissionsRole:
        return r.permissions;
    default:
        return {};
    }
}

QHash<int, QByteArray> RoleListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(DescriptionRole, "description");
    names.insert(ScopeRole, "scope");
    names.insert(RankRole, "rank");
    names.insert(PermissionsRole, "permissions");
    return names;
}

} // namespace datarecs
