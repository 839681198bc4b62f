#pragma once

#include "storage/Storage.h"

#include <QStringList>

#include <optional>

namespace datarecs::server {

/// Who is making a request, once their credential has been checked.
struct Caller
{
    enum class Kind { Anonymous, User, ApiKey };
    Kind kind = Kind::Anonymous;

    QString tenantId;
    QString tenantName;
    QString userId; // User
    QString email; // User
    QString userName; // User
    QString keyId; // ApiKey
    QString keyName; // ApiKey
    QString role; // the user's platform role (empty for a member) or the key's role
    QString workspaceId; // ApiKey restricted to one workspace
    QString workspaceName;
    QList<WorkspaceRoleRecord> workspaceRoles; // User
    QStringList permissions;
    int rank = 0; // the highest role rank the caller acts with
    bool allWorkspaces = false; // false: limited to workspaceScope
    QStringList workspaceScope;
    QByteArray sessionHash; // User signed in with a session
    std::optional<qint64> expiresAt;

    bool isAuthenticated() const { return kind != Kind::Anonymous; }
    bool can(const QString &permission) const { return permissions.contains(permission); }
    bool sees(const QString &keyWorkspaceId) const
    {
        return allWorkspaces || (!keyWorkspaceId.isEmpty() && workspaceScope.contains(keyWorkspaceId));
    }
    /// The scope to hand to storage queries: empty means everything, so a caller limited to no
    /// workspace at all gets a scope that matches nothing.
    QStringList queryScope() const
    {
        if (allWorkspaces)
            return {};
        return workspaceScope.isEmpty() ? QStringList{QStringLiteral("-")} : workspaceScope;
    }

    QString actorType() const
    {
        switch (kind) {
        case Kind::User:
            return QStringLiteral("user");
        case Kind::ApiKey:
            return QStringLiteral("api_key");
        case Kind::Anonymous:
            break;
        }
        return QStringLiteral("anonymous");
    }
    QString actorId() const { return kind == Kind::User ? userId : keyId; }
    QString actorName() const { return kind == Kind::User ? email : keyName; }
};

} // namespace datarecs::server
