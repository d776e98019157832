#!/usr/bin/env bash
# A BROWSER for tests: real headless Chromium opens the URL, runs the authorize page's script, follows
# the redirects to the CLI's loopback callback and dumps the final page's DOM.
#   BROWSER=test/e2e/oauth/headless-browser.sh  BBI_BROWSER_OUT=/tmp/page.html  bb-integrate connect --auth oauth …
# Needs the Debian package chromium (/usr/bin/chromium).
set -uo pipefail
url="$1"
profile="$(mktemp -d "${TMPDIR:-/tmp}/bbi-chromium.XXXXXX")"
trap 'rm -rf "$profile"' EXIT
# The page goes to BBI_BROWSER_OUT when set (written whole, then renamed); otherwise it is dropped. Never
# rename onto /dev/null: that would replace the device with a regular file for every later process.
out="${BBI_BROWSER_OUT:-}"
dest=/dev/null
[ -n "$out" ] && dest="$out.tmp"
# --virtual-time-budget lets the consent form submit itself and the redirects complete before the dump.
timeout "${BBI_BROWSER_TIMEOUT:-60}" "${CHROMIUM:-/usr/bin/chromium}" \
  --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
  --no-default-browser-check --user-data-dir="$profile" \
  --virtual-time-budget=15000 --dump-dom "$url" >"$dest" 2>"${BBI_BROWSER_LOG:-/dev/null}"
status=$?
if [ -n "$out" ]; then mv "$out.tmp" "$out" 2>/dev/null || true; fi
exit $status
