#include "WorkspaceListModel.h"

#include <algorithm>

namespace datarecs {

WorkspaceListModel::WorkspaceListModel(QObject *parent) : QAbstractListModel(parent) {}

void WorkspaceListModel::setWorkspaces(QList<Workspace> workspaces)
{
    std::stable_sort(workspaces.begin(), workspaces.end(), [](const Workspace &a, const Workspace &b) {
        return QString::localeAwareCompare(a.name, b.name) < 0;
    });
    beginResetModel();
    m_workspaces = std::move(workspaces);
    endResetModel();
}

void WorkspaceListModel::setAllWorkspacesRow(bool shown)
{
    if (shown == m_allRow)
        return;
    if (shown) {
        beginInsertRows({}, 0, 0);
        m_allRow = true;
        endInsertRows();
    } else {
        beginRemoveRows({}, 0, 0);
        m_allRow = false;
        endRemoveRows();
    }
}

int WorkspaceListModel::rowOf(const QString &id) const
{
    if (id.isEmpty())
        return m_allRow ? 0 : -1;
    for (int i = 0; i < m_workspaces.size(); ++i) {
        if (m_workspaces.at(i).id == id)
            return i + offset();
    }
    return -1;
}

int WorkspaceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_workspaces.size()) + offset();
}

QVariant WorkspaceListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (m_allRow && index.row() == 0) {
        switch (role) {
        case Qt::DisplayRole:
        case Qt::AccessibleTextRole:
            return tr("All workspaces");
        case Qt::ToolTipRole:
        case DescriptionRole:
            return tr("Not restricted: the key can reach every workspace its role allows.");
        case IdRole:
            return QString();
        default:
            return {};
        }
    }
    const Workspace &w = m_workspaces.at(index.row() - offset());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        return w.name;
    case Qt::ToolTipRole:
    case DescriptionRole:
        return w.description.isEmpty() ? w.id : w.description;
    case IdRole:
        return w.id;
    default:
        return {};
    }
}

QHash<int, QByteArray> WorkspaceListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(DescriptionRole, "description");
    return names;
}

} // namespace datarecs
