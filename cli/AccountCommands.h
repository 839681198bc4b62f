#pragma once

namespace datarecs::cli {

class Context;

/// login, logout, whoami.
namespace AccountCommands {
void login(Context &ctx);
void logout(Context &ctx);
void whoami(Context &ctx);
} // namespace AccountCommands

} // namespace datarecs::cli
