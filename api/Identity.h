#pragma once

#include "JsonValue.h"

#include "Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace datarecs {

/// A reference to another object by id and display name, e.g. a key's workspace or a tenant.
struct NamedRef
{
    QString id;
    QString name;

    static Result<NamedRef> fromJson(const JsonValue &value, const QString &path = QStringLiteral("ref"));
    QJsonObject toJson() const;
    friend bool operator==(const NamedRef &, const NamedRef &) = default;
};

/// A person's account. role is the platform role ("owner", "admin"), absent for a member.
struct User
{
    QString id;
    QString email;
    QString name;
    std::optional<QString> role;

    static Result<User> fromJson(const JsonValue &value, const QString &path = QStringLiteral("User"));
    QJsonObject toJson() const;
};

struct WorkspaceRole
{
    NamedRef workspace;
    QString role;

    static Result<WorkspaceRole> fromJson(const JsonValue &value, const QString &path);
    QJsonObject toJson() const;
};

/// Who the credential in use belongs to (GET /v1/me): a signed-in user or an API key.
struct Identity
{
    QString kind; ///< "user" or "api_key"
    NamedRef tenant;
    std::optional<User> user;
    std::optional<NamedRef> apiKey;
    std::optional<QString> role;
    std::optional<NamedRef> workspace;
    QList<WorkspaceRole> workspaceRoles;
    QStringList permissions;
    std::optional<QDateTime> expiresAt;

    bool isApiKey() const { return kind == u"api_key"; }
    bool can(const QString &permission) const { return permissions.contains(permission); }

    static Result<Identity> fromJson(const JsonValue &value,
                                     const QString &path = QStringLiteral("Identity"));
    QJsonObject toJson() const;
};

} // namespace datarecs
