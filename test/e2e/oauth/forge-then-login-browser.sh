#!/usr/bin/env bash
# A BROWSER for tests: another local page calls the loopback callback first with a forged state
# (forge-state-browser.mjs), then real headless Chromium completes the login (headless-browser.sh).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
node "$here/forge-state-browser.mjs" "$1"
exec "$here/headless-browser.sh" "$1"
