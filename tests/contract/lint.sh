#!/usr/bin/env bash
# Lints docs/openapi.yaml with one of the pinned contract tools; any error OR warning fails.
#   usage: tests/contract/lint.sh spectral|redocly [SOURCE_DIR]
# The tools come from scripts/contract/node_modules (scripts/test installs them with npm ci).
# Both run offline: built-in rulesets only, Redocly telemetry and update checks switched off.
set -euo pipefail

tool=${1:-}
root=${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
spec="$root/docs/openapi.yaml"
bin="$root/scripts/contract/node_modules/.bin"

case "$tool" in
  spectral | redocly) ;;
  *) echo "usage: $0 spectral|redocly [SOURCE_DIR]" >&2; exit 2 ;;
esac

if ! command -v node >/dev/null; then
  echo "error: node is not installed; scripts/test installs it (Debian package nodejs)." >&2
  exit 1
fi
if [ ! -x "$bin/$tool" ]; then
  echo "error: $tool is not installed ($bin/$tool is missing)." >&2
  echo "       Run scripts/test, which installs the pinned contract tools, or:" >&2
  echo "       (cd '$root/scripts/contract' && npm ci --no-audit --no-fund)" >&2
  exit 1
fi
if [ ! -f "$spec" ]; then
  echo "error: $spec does not exist." >&2
  exit 1
fi

export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_SUPPRESS_NOTIFICATIONS=true
export NO_UPDATE_NOTIFIER=1 NPM_CONFIG_UPDATE_NOTIFIER=false
cd "$root"

if [ "$tool" = spectral ]; then
  # --fail-severity=warn: a warning fails like an error.
  exec "$bin/spectral" lint "$spec" --ruleset "$root/.spectral.yaml" --fail-severity=warn
fi

# Redocly exits non-zero on errors only and has no fail-on-warnings flag: read the totals of the
# JSON report, and print the readable report when anything was found.
report=$(mktemp)
trap 'rm -f "$report"' EXIT
set +e
"$bin/redocly" lint "$spec" --config "$root/redocly.yaml" --format=json >"$report" 2>/dev/null
status=$?
set -e
totals=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const t = r.totals || {};
  if (typeof t.errors !== "number" || typeof t.warnings !== "number") process.exit(3);
  console.log(t.errors + " " + t.warnings);
' "$report" 2>/dev/null) || {
  echo "error: redocly did not produce a report (exit status $status); its output:" >&2
  "$bin/redocly" lint "$spec" --config "$root/redocly.yaml" >&2 || true
  exit 1
}
read -r errors warnings <<<"$totals"
if [ "$errors" -ne 0 ] || [ "$warnings" -ne 0 ] || [ "$status" -ne 0 ]; then
  "$bin/redocly" lint "$spec" --config "$root/redocly.yaml" --format=stylish || true
  echo "FAILED: redocly reported $errors error(s) and $warnings warning(s) in docs/openapi.yaml" >&2
  exit 1
fi
echo "redocly: docs/openapi.yaml has no errors and no warnings"
