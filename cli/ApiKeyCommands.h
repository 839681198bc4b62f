#pragma once

namespace datarecs::cli {

class Context;

/// api-key list, show, create, update, enable, disable, delete, rotate, check.
namespace ApiKeyCommands {
void list(Context &ctx);
void show(Context &ctx);
void create(Context &ctx);
void update(Context &ctx);
void enable(Context &ctx);
void disable(Context &ctx);
void remove(Context &ctx);
void rotate(Context &ctx);
void check(Context &ctx);
} // namespace ApiKeyCommands

} // namespace datarecs::cli
