#!/usr/bin/env bash
# Runs every test suite, one after another. A failing suite does not stop the others;
# the exit code is non-zero if any failed. Set up the machine first (idempotent).
set -uo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
export AWS_EC2_METADATA_DISABLED=true

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

passed=0
failed=0
failures=()
suite() {
  local name=$1
  shift
  printf '\n\033[1m=== %s\033[0m\n' "$name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf '=== %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf '=== %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
  fi
}

suite typecheck pnpm run typecheck
suite protocol pnpm --filter @s3-upload/protocol test
suite local-s3 pnpm --filter @s3-upload/local-s3 test
suite fault-proxy pnpm --filter @s3-upload/fault-proxy test
suite signer pnpm --filter @s3-upload/signer test
[ -d packages/element ] && suite element pnpm --filter @s3-upload/element test
[ -f scripts/container-test.sh ] && suite container bash scripts/container-test.sh
[ -d e2e ] && suite e2e pnpm run test:e2e
[ -d reliability ] && suite reliability pnpm run test:reliability

echo
[ "$failed" -gt 0 ] && printf 'failed suites: %s\n' "${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
