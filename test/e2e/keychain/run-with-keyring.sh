#!/usr/bin/env bash
# Runs a command against a real OS keychain on a headless Linux box: a private D-Bus session bus
# (dbus-run-session) with gnome-keyring-daemon's Secret Service, its login keyring unlocked.
#
#   KEYRING_HOME=/tmp/kr test/e2e/keychain/run-with-keyring.sh node bin/run.js connect ...
#
# KEYRING_HOME holds the keyring files; reuse it across calls and the secrets persist from one
# process (and one D-Bus session) to the next, as they do across a user's logins.
# Needs the Debian packages dbus and gnome-keyring (libsecret-tools for secret-tool checks).
set -euo pipefail

if [ "${1:-}" != "--inside" ]; then
  : "${KEYRING_HOME:?set KEYRING_HOME to a directory for the keyring files}"
  mkdir -p "$KEYRING_HOME"
  exec dbus-run-session --config-file="$(dirname "$0")/session-bus.conf" -- "$0" --inside "$@"
fi
shift

export HOME="$KEYRING_HOME"
export XDG_DATA_HOME="$KEYRING_HOME/data"
# A fresh runtime dir per session: the control socket of a previous session's daemon (which may take
# a moment to exit after its bus closed) must not be picked up.
export XDG_RUNTIME_DIR="$(mktemp -d "${TMPDIR:-/tmp}/bbi-keyring-run.XXXXXX")"
trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
mkdir -p "$XDG_DATA_HOME"

# --unlock reads the login keyring password from stdin (creating the keyring on first use).
eval "$(printf '%s' "${KEYRING_PASSWORD:-bb-integrate-test}" | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
export GNOME_KEYRING_CONTROL

# The daemon may claim org.freedesktop.secrets a moment after --unlock returns: wait for it, so the
# command below never talks to a bus without the Secret Service (the bus config has no activation).
for _ in $(seq 1 200); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  sleep 0.05
done

# gnome-keyring-daemon exits when dbus-run-session closes its bus after "$@".
"$@"
