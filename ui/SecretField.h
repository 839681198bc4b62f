#pragma once

#include <functional>

class QLineEdit;

namespace datarecs {

/// Keeps a line edit that can show a key value in clear text (Show value ticked) from handing the
/// value out by itself, around SecretClipboard, which marks it secret and clears it again:
/// - Ctrl+C (and the platform's other Copy keys) calls copy, or does nothing when copy is empty;
/// - while the value is shown: no context menu, no Cut, and no selection, since on X11 a selection
///   is the PRIMARY clipboard that a middle click pastes anywhere and nothing ever clears;
/// - no drag, which would give the text to any window.
/// Masked, the field is an ordinary one (Qt copies nothing out of a password field).
void guardSecretField(QLineEdit *edit, std::function<void()> copy = {});

/// Shows the guarded field's value in clear text, or masks it again.
void showSecretField(QLineEdit *edit, bool shown);

} // namespace datarecs
