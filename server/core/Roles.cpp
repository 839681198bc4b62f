#include "Roles.h"

namespace datarecs::server::Roles {

const QList<Role> &all()
{
    static const QList<Role> roles = [] {
        const QStringList platform = {Permission::ReadApiKeys,    Permission::CreateApiKey,
                                      Permission::ManageApiKeys,  Permission::ReadAudit,
                                      Permission::ReadWorkspaces, QStringLiteral("workspace.admin"),
                                      QStringLiteral("workspace.write"), QStringLiteral("workspace.read")};
        return QList<Role>{
            {QStringLiteral("owner"), QStringLiteral("Owner"),
             QStringLiteral("Full control of the tenant, including keys with the Owner role."), true, 100, platform},
            {QStringLiteral("admin"), QStringLiteral("Admin"),
             QStringLiteral("Manages keys, workspaces and audit; cannot grant the Owner role."), true, 80, platform},
            {QStringLiteral("workspace_admin"), QStringLiteral("Workspace admin"),
             QStringLiteral("Administers the data and members of a workspace."), false, 60,
             {Permission::ReadApiKeys, Permission::ReadWorkspaces, QStringLiteral("workspace.admin"),
              QStringLiteral("workspace.write"), QStringLiteral("workspace.read")}},
            {QStringLiteral("workspace_editor"), QStringLiteral("Workspace editor"),
             QStringLiteral("Reads and writes the data of a workspace."), false, 40,
             {Permission::ReadApiKeys, Permission::ReadWorkspaces, QStringLiteral("workspace.write"),
              QStringLiteral("workspace.read")}},
            {QStringLiteral("workspace_viewer"), QStringLiteral("Workspace viewer"),
             QStringLiteral("Reads the data of a workspace."), false, 20,
             {Permission::ReadApiKeys, Permission::ReadWorkspaces, QStringLiteral("workspace.read")}},
        };
    }();
    return roles;
}

const Role *find(const QString &name)
{
    for (const Role &role : all()) {
        if (role.name == name)
            return &role;
    }
    return nullptr;
}

int rank(const QString &name)
{
    const Role *role = find(name);
    return role ? role->rank : 0;
}

QStringList permissionsOf(const QStringList &roleNames)
{
    QStringList out;
    for (const QString &name : roleNames) {
        if (const Role *role = find(name)) {
            for (const QString &p : role->permissions) {
                if (!out.contains(p))
                    out.append(p);
            }
        }
    }
    return out;
}

} // namespace datarecs::server::Roles
