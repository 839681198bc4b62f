#!/bin/sh
# Runs the AT-SPI end-to-end test inside a private D-Bus session with an unlocked keyring
# (tests/cli/with-keyring.sh, which also gives a fresh HOME) on a virtual X display; D-Bus starts the
# accessibility bus on demand. Usage: run.sh SERVER_BIN CONSOLE_BIN
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../cli/with-keyring.sh" xvfb-run -a -s "-screen 0 1280x800x24" \
  /usr/bin/python3 "$here/newkey_atspi.py" "$@"
