#!/bin/sh
# Runs the AT-SPI end-to-end test inside a private D-Bus session with an unlocked keyring
# (tests/cli/with-keyring.sh, which also gives a fresh HOME) on a virtual X display; D-Bus starts the
# accessibility bus on demand. Usage: run.sh SERVER_BIN CONSOLE_BIN
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# Under ASan, libxkbcommon-x11 (xkb_x11_keymap_new_from_device, when Qt's xcb plugin starts) passes
# strndup a buffer that is not NUL-terminated, which is legal but fails strict_string_checks. Only
# that check is relaxed, only here: every other ASan check still applies to the console.
if [ -n "${ASAN_OPTIONS:-}" ]; then
  export ASAN_OPTIONS="$ASAN_OPTIONS:strict_string_checks=0"
fi
exec "$here/../cli/with-keyring.sh" xvfb-run -a -s "-screen 0 1280x800x24" \
  /usr/bin/python3 "$here/newkey_atspi.py" "$@"
