#!/usr/bin/env bash
# Offline validation of Backplan's deployment (deploy/): no cluster, no Docker.
#
#   scripts/check_deploy.sh
#
# 1. `kubectl kustomize` renders every overlay in deploy/k8s/overlays, alone and
#    with every combination of the components in deploy/k8s/components.
# 2. Every rendered object passes the Kubernetes schema (npm kubernetes-models,
#    pinned in package.json / package-lock.json; installed with `npm ci` when
#    node_modules lacks it).
# 3. The policy check (deploy/tests/lib.mjs) holds on every render.
# 4. Negative tests: the checker must reject deliberately broken manifests
#    (deploy/tests/negative*.mjs, deploy/tests/fixtures/), and the render step
#    must fail on a kustomization that cannot render.
# 5. The monitoring component's alert rules pass `promtool check rules` and
#    their unit tests (`promtool test rules`, deploy/tests/monitoring/).
# 6. deploy/docker/Dockerfile is checked against the tree
#    (deploy/tests/check-dockerfile.mjs; BACKPLAN_DEPLOY_STRICT=1 turns "not in
#    the tree yet" skips into failures).
#
# Ends with "N passed, M failed[, K skipped]" and exits non-zero on any failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
K8S="deploy/k8s"
TESTS="deploy/tests"
KUBECTL="${KUBECTL:-kubectl}"

passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() {
  if [[ $skipped -gt 0 ]]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  [[ $failed -eq 0 ]]
  exit $?
}

TMP="$(mktemp -d "${TMPDIR:-/tmp}/check_deploy.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# ---- tools -----------------------------------------------------------------
# kubectl is preinstalled (1.32). Never install Debian's kubernetes-client: its
# kustomize predates components.
if ! command -v "$KUBECTL" >/dev/null 2>&1; then
  fail "tools: kubectl not found (expected the preinstalled kubectl 1.32 at /usr/bin/kubectl)"
  finish
fi
kustomize_version="$("$KUBECTL" version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p')"
if [[ ! "$kustomize_version" =~ ^v5\. ]]; then
  fail "tools: kubectl's kustomize is '${kustomize_version:-unknown}', need v5 (components); use kubectl >= 1.27"
  finish
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  fail "tools: node and npm are needed (Node 20)"
  finish
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" -lt 20 ]]; then
  fail "tools: Node $(node --version) is too old, need >= 20"
  finish
fi
pkg_version() { node -p "require('./node_modules/$1/package.json').version" 2>/dev/null; }
want_km="$(node -p "require('./package.json').devDependencies['kubernetes-models']")"
want_yaml="$(node -p "require('./package.json').devDependencies.yaml")"
want_po="$(node -p "require('./package.json').devDependencies['@kubernetes-models/prometheus-operator']")"
if [[ "$(pkg_version kubernetes-models)" != "$want_km" || "$(pkg_version yaml)" != "$want_yaml" ||
      "$(pkg_version @kubernetes-models/prometheus-operator)" != "$want_po" ]]; then
  echo "node_modules lacks kubernetes-models@$want_km / yaml@$want_yaml: npm ci"
  if ! npm ci --no-audit --no-fund --loglevel=error >"$TMP/npm.log" 2>&1; then
    cat "$TMP/npm.log"
    fail "tools: npm ci failed"
    finish
  fi
fi
echo "using $("$KUBECTL" version --client 2>/dev/null | head -1), kustomize $kustomize_version, node $(node --version), kubernetes-models $(pkg_version kubernetes-models)"

# ---- render every overlay x component combination --------------------------
# Each variant is rendered the way an operator enables a component: the
# overlay's kustomization.yaml gets a `components:` entry. This happens on a
# copy of deploy/k8s in $TMP, never in the tree.
cp -r "$K8S" "$TMP/k8s"
mapfile -t overlays < <(find "$K8S/overlays" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | sort)
mapfile -t components < <(find "$K8S/components" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
if [[ ${#overlays[@]} -eq 0 ]]; then
  fail "render: no overlays in $K8S/overlays"
  finish
fi

# kustomize DIR OUT: kubectl kustomize; fails on errors or empty output
# (the reason in OUT.err).
kustomize() {
  local dir="$1" out="$2"
  "$KUBECTL" kustomize "$dir" >"$out" 2>"$out.err" || return 1
  grep -q '^kind:' "$out" || { echo "no objects rendered" >"$out.err"; return 1; }
}
# render DIR OUT LABEL: kustomize, counted as one test.
render() {
  local dir="$1" out="$2" label="$3"
  if ! kustomize "$dir" "$out"; then
    fail "render $label: kubectl kustomize $dir failed: $(grep -v '^\s*$' "$out.err" | head -3 | tr '\n' ' ')"
    return 1
  fi
  pass "render $label ($(grep -c '^kind:' "$out") objects)"
}
# count FILE: add the PASS/FAIL/SKIP result lines of a checker's output.
count() {
  passed=$((passed + $(grep -c '^PASS ' "$1")))
  failed=$((failed + $(grep -c '^FAIL ' "$1")))
  skipped=$((skipped + $(grep -c '^SKIP ' "$1")))
}

declare -a rendered_dev_like=()
n=${#components[@]}
for overlay in "${overlays[@]}"; do
  profile=dev
  [[ "$overlay" == prod* ]] && profile=prod
  for ((mask = 0; mask < (1 << n); mask++)); do
    chosen=()
    for ((i = 0; i < n; i++)); do
      ((mask & (1 << i))) && chosen+=("${components[$i]}")
    done
    label="$overlay"
    [[ ${#chosen[@]} -gt 0 ]] && label="$overlay+$(IFS=+; echo "${chosen[*]}")"
    variant="$TMP/k8s/overlays/.variant-$label"
    cp -r "$TMP/k8s/overlays/$overlay" "$variant"
    if [[ ${#chosen[@]} -gt 0 ]]; then
      kust="$variant/kustomization.yaml"
      if ! grep -q '^components:' "$kust"; then
        { echo "components:"; for c in "${chosen[@]}"; do echo "  - ../../components/$c"; done; } >>"$kust"
      # The overlay already enables some: add to them.
      elif ! node --input-type=module -e '
        import fs from "node:fs"; import YAML from "yaml";
        const [file, ...add] = process.argv.slice(1);
        const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
        const have = doc.get("components")?.toJSON() ?? [];
        doc.set("components", [...new Set([...have, ...add.map((c) => `../../components/${c}`)])]);
        fs.writeFileSync(file, String(doc));' "$kust" "${chosen[@]}" 2>"$TMP/edit.err"; then
        fail "render $label: cannot add components: $(head -2 "$TMP/edit.err")"
        continue
      fi
    fi
    out="$TMP/$label.yaml"
    render "$variant" "$out" "$label" || continue
    flags=(--profile "$profile" --label "$label" --flags-from "$ROOT")
    for c in "${chosen[@]}"; do flags+=("--$c"); done
    node "$TESTS/check-manifests.mjs" "${flags[@]}" "$out" >"$TMP/check.out" 2>&1
    rc=$?
    cat "$TMP/check.out"
    count "$TMP/check.out"
    [[ $rc -ne 0 ]] && ! grep -q '^FAIL ' "$TMP/check.out" && fail "check $label: check-manifests.mjs exited $rc"
    [[ $mask -eq 0 ]] && rendered_dev_like+=("$profile=$out")
  done
done

# overlays/prod-cluster points every service at the Redis Cluster (issue 28):
# the policy check above validated the seeds; here, that they are there.
if [[ -f "$TMP/prod-cluster.yaml" ]]; then
  if grep -q '^  BACKPLAN_REDIS_CLUSTER: backplan-redis-cluster:6379$' "$TMP/prod-cluster.yaml" &&
     ! grep -q '^  BACKPLAN_REDIS:' "$TMP/prod-cluster.yaml"; then
    pass "prod-cluster: services get BACKPLAN_REDIS_CLUSTER and no BACKPLAN_REDIS"
  else
    fail "prod-cluster: backplan-config must set BACKPLAN_REDIS_CLUSTER and drop BACKPLAN_REDIS"
  fi
fi

# ---- monitoring rules (components/monitoring) ------------------------------
# The PrometheusRule's groups as a plain rule file: `promtool check rules`,
# then the alert unit tests (deploy/tests/monitoring/alerts_test.yaml).
# promtool comes with Debian's prometheus package (scripts/install_deps.sh).
rule_source="$K8S/components/monitoring/prometheusrule.yaml"
if ! command -v promtool >/dev/null 2>&1; then
  fail "rules: promtool not found (apt-get install prometheus)"
elif ! node "$TESTS/extract-rules.mjs" "$rule_source" >"$TMP/rules.yaml" 2>"$TMP/rules.err"; then
  fail "rules: cannot extract the rule groups of $rule_source: $(head -2 "$TMP/rules.err")"
else
  if promtool check rules "$TMP/rules.yaml" >"$TMP/promtool.out" 2>&1; then
    pass "rules: promtool check rules ($(sed -n 's/.*SUCCESS: \([0-9]*\) rules found.*/\1/p' "$TMP/promtool.out") rules)"
  else
    cat "$TMP/promtool.out"
    fail "rules: promtool check rules $rule_source"
  fi
  cp "$TESTS/monitoring/alerts_test.yaml" "$TMP/alerts_test.yaml"
  if (cd "$TMP" && promtool test rules alerts_test.yaml) >"$TMP/promtool-test.out" 2>&1; then
    pass "rules: promtool test rules ($(grep -c 'alertname:' "$TESTS/monitoring/alerts_test.yaml") alert checks)"
  else
    cat "$TMP/promtool-test.out"
    fail "rules: promtool test rules deploy/tests/monitoring/alerts_test.yaml"
  fi
  # Every alert has a unit test.
  for alert in $(sed -n 's/^ *- alert: *//p' "$rule_source"); do
    grep -q "alertname: $alert\$" "$TESTS/monitoring/alerts_test.yaml" ||
      fail "rules: alert $alert has no promtool unit test"
  done
fi

# ---- negative tests --------------------------------------------------------
dev_render="" prod_render=""
for r in "${rendered_dev_like[@]}"; do
  [[ "$r" == dev=* && -z "$dev_render" ]] && dev_render="${r#dev=}"
  [[ "$r" == prod=* && -z "$prod_render" ]] && prod_render="${r#prod=}"
done
if [[ -n "$dev_render" && -n "$prod_render" ]]; then
  node "$TESTS/negative.mjs" "$dev_render" "$prod_render" "$ROOT" >"$TMP/negative.out" 2>&1
  rc=$?
  cat "$TMP/negative.out"
  count "$TMP/negative.out"
  [[ $rc -ne 0 ]] && ! grep -q '^FAIL ' "$TMP/negative.out" && fail "negative: negative.mjs exited $rc"
else
  fail "negative: need clean dev and prod renders to mutate"
fi

# The monitoring checks reject broken ServiceMonitors, rules and dashboards.
if [[ -f "$TMP/dev+monitoring.yaml" ]]; then
  node "$TESTS/negative-monitoring.mjs" "$TMP/dev+monitoring.yaml" >"$TMP/negative-monitoring.out" 2>&1
  rc=$?
  cat "$TMP/negative-monitoring.out"
  count "$TMP/negative-monitoring.out"
  [[ $rc -ne 0 ]] && ! grep -q '^FAIL ' "$TMP/negative-monitoring.out" && fail "negative: negative-monitoring.mjs exited $rc"
else
  fail "negative: no dev+monitoring render to mutate"
fi

# The Redis Cluster checks (components/redis-cluster) reject broken clusters.
if [[ -f "$TMP/dev+redis-cluster.yaml" ]]; then
  node "$TESTS/negative-redis-cluster.mjs" "$TMP/dev+redis-cluster.yaml" >"$TMP/negative-redis-cluster.out" 2>&1
  rc=$?
  cat "$TMP/negative-redis-cluster.out"
  count "$TMP/negative-redis-cluster.out"
  [[ $rc -ne 0 ]] && ! grep -q '^FAIL ' "$TMP/negative-redis-cluster.out" && fail "negative: negative-redis-cluster.mjs exited $rc"
else
  fail "negative: no dev+redis-cluster render to mutate"
fi

# A broken overlay, end to end: renders, and the checker must exit non-zero
# naming every broken field in expected.txt.
fixture="$TESTS/fixtures/broken-overlay"
if kustomize "$fixture" "$TMP/broken.yaml"; then
  if node "$TESTS/check-manifests.mjs" --profile dev --label broken-overlay --flags-from "$ROOT" "$TMP/broken.yaml" >"$TMP/broken.out" 2>&1; then
    fail "negative: checker accepted $fixture (exit 0)"
  else
    missing=0
    while IFS= read -r want; do
      [[ -z "$want" ]] && continue
      if ! grep -qF -- "$want" "$TMP/broken.out"; then
        fail "negative: $fixture: no failure reported for: $want"
        missing=1
      fi
    done <"$fixture/expected.txt"
    [[ $missing -eq 0 ]] && pass "negative: checker rejects $fixture ($(grep -c '^  FAIL' "$TMP/broken.out") problems, each expected one named)"
  fi
else
  fail "negative: $fixture should render (it breaks policy, not kustomize)"
fi
# A kustomization that cannot render must fail the render step.
if kustomize "$TESTS/fixtures/unrenderable" "$TMP/unrenderable.yaml"; then
  fail "negative: render step accepted $TESTS/fixtures/unrenderable"
else
  pass "negative: render step fails on $TESTS/fixtures/unrenderable"
fi

# ---- Dockerfile against the tree -------------------------------------------
node "$TESTS/check-dockerfile.mjs" "$ROOT" >"$TMP/docker.out" 2>&1
rc=$?
cat "$TMP/docker.out"
count "$TMP/docker.out"
[[ $rc -ne 0 ]] && ! grep -q '^FAIL ' "$TMP/docker.out" && fail "dockerfile: check-dockerfile.mjs exited $rc"

finish
