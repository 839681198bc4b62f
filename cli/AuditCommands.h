#pragma once

namespace datarecs::cli {

class Context;

/// audit list, export, verify.
namespace AuditCommands {
void list(Context &ctx);
void exportEvents(Context &ctx);
void verify(Context &ctx);
} // namespace AuditCommands

} // namespace datarecs::cli
