#!/usr/bin/env bash
# The whole test suite: system test dependencies, lint, type-check, build, all tests on the
# machine's Node, then the end-to-end tests again on Node 24. Ends with one plain summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
rm -f .cache/vitest-node.json .cache/node24-tree/.cache/vitest-node24.json

bash scripts/install-test-deps.sh
echo "== lint";       npx eslint .
echo "== typecheck";  npx tsc -p tsconfig.json --noEmit
echo "== build";      npm run build --silent
echo "== tests (node $(node -v))"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-node.json || status=$?
if [ "$status" -eq 0 ] && [ "${BB_SKIP_NODE24:-}" != "1" ]; then
  echo "== end-to-end tests on Node 24"
  bash scripts/test-node24.sh || status=$?
fi
node scripts/test-summary.mjs .cache/vitest-node.json .cache/node24-tree/.cache/vitest-node24.json
exit "$status"
