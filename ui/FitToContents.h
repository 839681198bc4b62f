#pragma once

class QWidget;

namespace datarecs {

/// Call after a word-wrapped label in window got longer text or was shown: makes the window at
/// least as tall as its layout needs at its current width, growing it when it is shorter.
/// A window's minimum size from its layout ignores height-for-width (a wrapped label's height
/// depends on the width), so without this Qt squashed the other rows, e.g. line edits down to a
/// few pixels, and clipped the label's last lines, until the user resized the window by hand.
void growToFitContents(QWidget *window);

} // namespace datarecs
