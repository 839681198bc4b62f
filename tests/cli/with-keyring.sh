#!/bin/sh
# Runs a command inside a private D-Bus session whose Secret Service is a fresh, unlocked
# gnome-keyring, with HOME and XDG_RUNTIME_DIR in new temporary folders (mode 0700), so keychain
# tests never touch the developer's own keyring. Usage: with-keyring.sh COMMAND [ARGS...]
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -m 0700 "$tmp/home" "$tmp/runtime"
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/runtime"
unset XDG_CONFIG_HOME XDG_DATA_HOME DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS || true
status=0
dbus-run-session -- sh -c 'printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' \
  sh "$@" || status=$?
exit "$status"
