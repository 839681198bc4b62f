#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace datarecs::server {

/// One role a user holds or a key assumes, with what it may do. The table is the product's permission
/// model: docs/openapi.yaml repeats it for clients.
struct Role
{
    QString name;
    QString title;
    QString description;
    bool platform = false; // platform roles act tenant-wide; workspace roles act within workspaces
    int rank = 0; // a key may never be given a role ranked above its creator's
    QStringList permissions;
};

namespace Permission {
inline const QString ReadApiKeys = QStringLiteral("read_api_keys");
inline const QString CreateApiKey = QStringLiteral("create_api_key");
inline const QString ManageApiKeys = QStringLiteral("manage_api_keys");
inline const QString ReadAudit = QStringLiteral("read_audit");
inline const QString ReadWorkspaces = QStringLiteral("read_workspaces");
} // namespace Permission

namespace Roles {

const QList<Role> &all();
const Role *find(const QString &name);
/// Rank of a role name, 0 for unknown or empty.
int rank(const QString &name);
/// Union of the permissions of several roles, in table order.
QStringList permissionsOf(const QStringList &roleNames);

} // namespace Roles
} // namespace datarecs::server
