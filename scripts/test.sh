#!/usr/bin/env bash
# The whole test suite: system test dependencies, lint, type-check, build, all tests on the
# machine's Node, then the end-to-end tests again on Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
echo "== lint";       npx eslint .
echo "== typecheck";  npx tsc -p tsconfig.json --noEmit
echo "== build";      npm run build --silent
echo "== tests (node $(node -v))"
npx vitest run
if [ "${BB_SKIP_NODE24:-}" != "1" ]; then
  echo "== end-to-end tests on Node 24"
  bash scripts/test-node24.sh
fi
