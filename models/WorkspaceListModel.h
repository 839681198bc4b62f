#pragma once

#include "Workspace.h"

#include <QAbstractListModel>

namespace datarecs {

/// The workspaces the caller can see (GET /v1/workspaces), sorted by name, for pickers. Optionally
/// led by an explicit "All workspaces" row (IdRole empty), because "no restriction" is a choice the
/// user should see rather than an empty selection.
class WorkspaceListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum ItemRole {
        IdRole = Qt::UserRole + 1, ///< "ws_..."; empty for the "All workspaces" row
        DescriptionRole,
    };

    explicit WorkspaceListModel(QObject *parent = nullptr);

    void setWorkspaces(QList<Workspace> workspaces);
    const QList<Workspace> &workspaces() const { return m_workspaces; }
    void setAllWorkspacesRow(bool shown);
    bool hasAllWorkspacesRow() const { return m_allRow; }
    /// The row of a workspace id (the "All workspaces" row for an empty id, if shown); -1 if absent.
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    int offset() const { return m_allRow ? 1 : 0; }

    QList<Workspace> m_workspaces;
    bool m_allRow = false;
};

} // namespace datarecs
