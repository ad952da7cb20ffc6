#!/usr/bin/env bash
# `npm run lint:templates`: synthesizes every variant of the CDK app (Kinesis on-demand and
# provisioned, MSK, MSK Serverless, LocalStack) into a temporary folder and runs cfn-lint over every
# template. Fails on any cfn-lint error; warnings are printed and do not fail.
#
# cfn-lint (PyPI, pinned below) lives in a virtual environment under .playground/cache/, created on
# the first run and reused while it holds the pinned version. Needs python3 with the venv module
# (Debian/Ubuntu: the python3-venv package).
#
# Synthesis runs the app's own entry point (infra/bin/app.ts) the way `cdk synth` does: the
# context is cdk.json's, plus the variant's keys, passed in CDK_CONTEXT_JSON; no AWS access.
#
# `--checkov` also runs checkov (pinned, in a virtual environment of its own beside cfn-lint's) over
# the same templates and lists its failed checks, without failing: docs/aws.md judges each of them.
#
# Environment: LINT_TEMPLATES_OUT=<dir> keeps the synthesized templates there instead of a
# temporary folder.
set -euo pipefail
cd "$(dirname "$0")/../.."

CFN_LINT_VERSION=1.58.0
CHECKOV_VERSION=3.3.30
CACHE=.playground/cache
# W3005 (a DependsOn that a Ref or GetAtt already implies): CDK writes an explicit DependsOn next
# to the reference in two places, every Lambda function on its service role (so that the role's
# policy exists before the function) and the start custom resource on the application
# (node.addDependency, so that it also waits for the application's policies and logging option).
# CloudFormation treats the duplicate as one dependency: redundant, harmless, and not ours to remove.
IGNORED_CHECKS=(W3005)

fail() { echo "lint:templates: $*" >&2; exit 1; }

# name and the variant's context keys (JSON, merged over cdk.json's context)
VARIANTS=(
  'kinesis-on-demand|{"streams":"kinesis","kinesisMode":"on-demand"}'
  'kinesis-provisioned|{"streams":"kinesis","kinesisMode":"provisioned","shards":2}'
  'msk|{"streams":"msk"}'
  'msk-serverless|{"streams":"msk-serverless"}'
  'localstack|{"streams":"kinesis","localstack":true}'
)

checkov=false
for arg in "$@"; do
  case $arg in
    --checkov) checkov=true ;;
    *) fail "unknown argument '$arg' (allowed: --checkov)" ;;
  esac
done

# ensure_tool <package> <version>: a virtual environment $CACHE/<package>-venv holding exactly that
# version, created or replaced when it does not.
ensure_tool() {
  local package=$1 version=$2 venv="$CACHE/$1-venv"
  if [ -x "$venv/bin/python" ] && [ "$("$venv/bin/python" -m pip show "$package" 2>/dev/null | sed -n 's/^Version: //p')" = "$version" ]; then
    return
  fi
  command -v python3 >/dev/null || fail "python3 is required (to install $package in $venv)"
  echo "lint:templates: installing $package $version into $venv"
  rm -rf "$venv"
  mkdir -p "$CACHE"
  python3 -m venv "$venv" || fail "python3 -m venv failed: install the venv module (Debian/Ubuntu: apt-get install python3-venv)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$package==$version" ||
    { rm -rf "$venv"; fail "pip could not install $package==$version"; }
}

ensure_tool cfn-lint "$CFN_LINT_VERSION"
if $checkov; then ensure_tool checkov "$CHECKOV_VERSION"; fi

if [ -n "${LINT_TEMPLATES_OUT:-}" ]; then
  out=$LINT_TEMPLATES_OUT
  rm -rf "$out"
  mkdir -p "$out"
else
  out=$(mktemp -d "${TMPDIR:-/tmp}/lint-templates.XXXXXX")
  trap 'rm -rf "$out"' EXIT
fi

for variant in "${VARIANTS[@]}"; do
  name=${variant%%|*}
  keys=${variant#*|}
  context=$(node -e 'const c = require("./cdk.json").context; process.stdout.write(JSON.stringify({ ...c, ...JSON.parse(process.argv[1]) }));' "$keys")
  echo "lint:templates: synthesizing $name ($keys)"
  # cdk-nag's findings go to stderr on every synth; they are the unit tests' business, not this script's.
  CDK_OUTDIR="$out/$name" CDK_CONTEXT_JSON="$context" npx tsx infra/bin/app.ts >"$out/$name.synth.log" 2>&1 ||
    { cat "$out/$name.synth.log" >&2; fail "synth of $name failed"; }
done

templates=("$out"/*/*.template.json)
[ -e "${templates[0]}" ] || fail "no templates were synthesized"
echo "lint:templates: cfn-lint $CFN_LINT_VERSION over ${#templates[@]} templates (ignoring ${IGNORED_CHECKS[*]})"

set +e
"$CACHE/cfn-lint-venv/bin/cfn-lint" --ignore-checks "${IGNORED_CHECKS[@]}" -- "${templates[@]}"
rc=$?
set -e
# cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational; 1 a failure of its own.
if [ "$rc" -eq 1 ] || [ $((rc & 2)) -ne 0 ]; then fail "cfn-lint found errors (exit code $rc)"; fi
if [ $((rc & 4)) -ne 0 ]; then echo "lint:templates: cfn-lint: warnings only (listed above); 0 errors"; else echo "lint:templates: cfn-lint: 0 errors, 0 warnings"; fi

if $checkov; then
  echo "lint:templates: checkov $CHECKOV_VERSION over the same templates (report only)"
  # --soft-fail: the failed checks are listed and judged in docs/aws.md, not a reason to fail.
  "$CACHE/checkov-venv/bin/checkov" --directory "$out" --framework cloudformation --compact --quiet --soft-fail
fi
