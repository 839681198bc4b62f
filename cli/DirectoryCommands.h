#pragma once

namespace datarecs::cli {

class Context;

/// roles, workspaces, quota.
namespace DirectoryCommands {
void roles(Context &ctx);
void workspaces(Context &ctx);
void quota(Context &ctx);
} // namespace DirectoryCommands

} // namespace datarecs::cli
