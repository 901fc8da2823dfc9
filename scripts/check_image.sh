#!/usr/bin/env bash
# Runs and inspects the image scripts/build_image.sh wrote (as root):
#
#   scripts/check_image.sh [ARCHIVE]    # default /var/tmp/backplan-image/backplan-<version>.oci.tar
#
# 1. Unpacks the OCI archive's layers and inspects them: user, entrypoint,
#    layers, no shell / interpreter / package manager / compiler, the only
#    executables are the three binaries and /bin/sleep, and each binary's
#    libraries resolve inside the image (the image's own loader, --list).
# 2. Starts the three binaries from the image against a redis-server on the
#    host's loopback, with a read-only root and a writable /tmp as in the
#    manifests, as the image's user: with `podman run --network=host` when
#    podman can run containers here (RUNNER=podman forces it, RUNNER=chroot
#    skips it), otherwise with chroot into the unpacked tree (private mount
#    namespace, read-only bind mount, chroot --userspec from the image's
#    config). From outside, gRPC health "" and "backplan.store" must be
#    SERVING (tests/image/health_probe.py, Debian's python3-grpcio), and
#    CreatePlan then Schedule must give the expected dates
#    (tests/image/pipeline_probe.py: Redis, DNS, scheduling -> prioritization); then
#    SIGTERM must drain each service to exit code 0, and /bin/sleep 5 (the
#    preStop hook) must run as that user.
# Ends with "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's/^## \([0-9][0-9.]*[0-9]\)\b.*/\1/p' "$ROOT/CHANGELOG.md" | head -1)"
ARCHIVE="${1:-${WORK:-/var/tmp/backplan-image}/backplan-$version.oci.tar}"
SERVICES=(decomposition prioritization scheduling)
PROBE="$ROOT/tests/image/health_probe.py"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS image: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL image: $*"; }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
finish() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit $?; }

[[ "$(id -u)" -eq 0 ]] || { fail "run as root (chroot, mounts, podman)"; finish; }
[[ -f "$ARCHIVE" ]] || { fail "$ARCHIVE missing: run scripts/build_image.sh"; finish; }
TMP="$(mktemp -d /var/tmp/backplan-check.XXXXXX)"
pids=()
redis_pid=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  [[ -n "$redis_pid" ]] && kill "$redis_pid" 2>/dev/null
  [[ "$runner" == podman ]] && for s in "${SERVICES[@]}"; do podman rm -f "backplan-check-$s" >/dev/null 2>&1; done
  rm -rf "$TMP"
}
runner="${RUNNER:-}"
podman_rt=""
trap cleanup EXIT

# ---- unpack and inspect -----------------------------------------------------
R="$TMP/rootfs"
/usr/bin/python3 - "$ARCHIVE" "$R" >"$TMP/config" <<'EOF' || { fail "cannot unpack $ARCHIVE"; finish; }
import io, json, os, sys, tarfile
archive, dest = sys.argv[1:]
os.makedirs(dest)
with tarfile.open(archive) as t:
    blob = lambda d: t.extractfile("blobs/" + d.replace(":", "/")).read()
    index = json.loads(t.extractfile("index.json").read())
    manifest = json.loads(blob(index["manifests"][0]["digest"]))
    config = json.loads(blob(manifest["config"]["digest"]))
    for layer in manifest["layers"]:
        with tarfile.open(fileobj=io.BytesIO(blob(layer["digest"]))) as lt:
            assert not any(os.path.basename(m.name).startswith(".wh.") for m in lt), "whiteouts"
            lt.extractall(dest, numeric_owner=True)
    c = config["config"]
    print("REF=%s" % index["manifests"][0].get("annotations", {}).get("org.opencontainers.image.ref.name", ""))
    print("USER=%s" % c.get("User", ""))
    print("ENTRYPOINT='%s'" % json.dumps(c.get("Entrypoint")))
    print("CMD='%s'" % json.dumps(c.get("Cmd")))
    print("LAYERS=%d" % len(manifest["layers"]))
    print("LAYER_BYTES='%s'" % " ".join(str(l["size"]) for l in manifest["layers"]))
EOF
# shellcheck disable=SC1091
. "$TMP/config"
uid="${USER%%:*}"
gid="${USER##*:}"
echo "image ${REF:-?}: $(du -h "$ARCHIVE" | cut -f1) archive, $LAYERS layers ($LAYER_BYTES bytes compressed), unpacked $(du -sh "$R" | cut -f1), user $USER, entrypoint $ENTRYPOINT, cmd $CMD"
nonroot() { [[ "$uid" =~ ^[1-9][0-9]*$ && "$gid" =~ ^[1-9][0-9]*$ ]]; }
check "user is numeric and not root ($USER)" nonroot
check "user $uid is backplan in /etc/passwd with no login shell" grep -q "^backplan:x:$uid:$gid:.*:/usr/sbin/nologin\$" "$R/etc/passwd"
forbidden=()
for f in bin/sh bin/bash bin/dash usr/bin/perl usr/bin/python3 usr/bin/apt usr/bin/apt-get usr/bin/dpkg \
  usr/bin/gcc usr/bin/g++ usr/bin/cc usr/bin/c++ usr/bin/make usr/bin/cmake usr/bin/ld usr/bin/as usr/bin/openssl; do
  [[ -e "$R/$f" || -L "$R/$f" ]] && forbidden+=("/$f")
done
check "no shell, interpreter, package manager or build tool${forbidden:+ (found ${forbidden[*]})}" [ ${#forbidden[@]} -eq 0 ]
# Executables outside library folders: the three binaries and sleep only.
mapfile -t exes < <(cd "$R" && find . -path ./usr/lib -prune -o -path ./lib -prune -o -type f -perm /111 -print | sed 's|^\.||' | sort)
want_exes="$(printf '%s\n' /usr/bin/sleep "${SERVICES[@]/#//usr/local/bin/backplan-}" | sort)"
check "executables are sleep and the three binaries (have: ${exes[*]})" [ "$(printf '%s\n' "${exes[@]}")" == "$want_exes" ]
loader="/lib64/ld-linux-x86-64.so.2"
resolves() { grep -q '=>' "$1" && ! grep -q 'not found' "$1"; }
for s in "${SERVICES[@]}"; do
  out="$(chroot "$R" "$loader" --list "/usr/local/bin/backplan-$s" 2>&1)"
  echo "$out" >"$TMP/ldd-$s"
  check "backplan-$s: all $(grep -c '=>' "$TMP/ldd-$s") libraries resolve inside the image" resolves "$TMP/ldd-$s"
done

# ---- run --------------------------------------------------------------------
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$TMP/redis.log" 2>&1 &
redis_pid=$!

# podman: its default rlimits (nofile 1048576) exceed what root may set in
# some sandboxes, so ask for the host's hard limits; crun refuses hybrid
# cgroup v1/v2 hosts, so fall back to runc there.
podman_args=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)
if [[ -z "$runner" || "$runner" == podman ]]; then
  if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
      --no-install-recommends podman runc >"$TMP/apt.log" 2>&1 || echo "cannot install podman/runc: $(tail -1 "$TMP/apt.log")"
  fi
  : >"$TMP/podman.log"
  if command -v podman >/dev/null && podman load -q -i "$ARCHIVE" >>"$TMP/podman.log" 2>&1; then
    for rt in "" runc; do
      if podman ${rt:+--runtime "$rt"} run --rm "${podman_args[@]}" --network=host --user "$USER" \
        "$REF" /bin/sleep 0 >>"$TMP/podman.log" 2>&1; then
        runner=podman
        podman_rt="$rt"
        break
      fi
    done
  fi
  if [[ "$runner" != podman ]]; then
    [[ -n "$runner" ]] && fail "RUNNER=podman: podman cannot run the image here"
    echo "podman cannot run containers here, so chroot: $(grep -i error "$TMP/podman.log" | tr '\n' ' ')"
    runner=chroot
  fi
fi
echo "runner: $runner${podman_rt:+ (--runtime $podman_rt)}"

# start NAME ARGS...: the image's binary, read-only root, tmpfs /tmp, as $USER.
start() {
  local name="$1"
  shift
  if [[ "$runner" == podman ]]; then
    podman ${podman_rt:+--runtime "$podman_rt"} run --rm --name "backplan-check-$name" "${podman_args[@]}" \
      --network=host --read-only --tmpfs /tmp \
      --user "$USER" --cap-drop=ALL --security-opt=no-new-privileges \
      "$REF" "/usr/local/bin/backplan-$name" "$@" >"$TMP/$name.log" 2>&1 &
  else
    # A private mount namespace: the read-only bind, /proc, /dev, /tmp and
    # the host's /etc/hosts and resolv.conf (as a runtime mounts them) go
    # away with the process. No --fork, so the pid is the service's.
    unshare --mount --propagation private -- /bin/sh -c '
      r="$1"; u="$2"; shift 2
      mount --bind "$r" "$r" && mount -o remount,bind,ro "$r" &&
      mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
      mount -t tmpfs -o size=64m,mode=1777 tmpfs "$r/tmp" &&
      mount --bind /etc/hosts "$r/etc/hosts" && mount --bind /etc/resolv.conf "$r/etc/resolv.conf" &&
      exec chroot --userspec="$u" "$r" "$@"' sh "$R" "$USER" \
      "/usr/local/bin/backplan-$name" "$@" >"$TMP/$name.log" 2>&1 &
  fi
  pids+=($!)
  eval "pid_$name=$!"
}
if [[ "$runner" == chroot ]]; then
  # Mount points for what a container runtime (and the kubelet) provides.
  mkdir -p "$R/proc" "$R/dev" "$R/tmp"
  touch "$R/etc/hosts" "$R/etc/resolv.conf"
fi
declare -A port
for s in "${SERVICES[@]}"; do port[$s]="$(free_port)"; done
common=(--redis="127.0.0.1:$redis_port" --store_check_interval_ms=200 --grace_period_s=5 --auth=none)
start decomposition --port="${port[decomposition]}" --metrics_port="$(free_port)" "${common[@]}"
start prioritization --port="${port[prioritization]}" --metrics_port="$(free_port)" "${common[@]}"
start scheduling --port="${port[scheduling]}" --metrics_port="$(free_port)" "${common[@]}" \
  --prioritization_address="dns:///localhost:${port[prioritization]}"

for s in "${SERVICES[@]}"; do
  for svc in "" backplan.store; do
    got="$(/usr/bin/python3 "$PROBE" "127.0.0.1:${port[$s]}" "$svc" --timeout 30)"
    check "$s ($runner): health \"$svc\" is $got from outside" [ "$got" == SERVING ]
  done
done
# One real request through all three (Redis, DNS, the scheduling ->
# prioritization channel), with the dates checked.
/usr/bin/python3 "$ROOT/tests/image/pipeline_probe.py" "127.0.0.1:${port[decomposition]}" \
  "127.0.0.1:${port[scheduling]}" >"$TMP/pipeline.out" 2>&1
cat "$TMP/pipeline.out"
passed=$((passed + $(grep -c '^PASS ' "$TMP/pipeline.out")))
grep -q '^PASS ' "$TMP/pipeline.out" || failed=$((failed + 1))
if [[ "$runner" == podman ]]; then
  check "preStop: /bin/sleep 5 runs as $USER" podman ${podman_rt:+--runtime "$podman_rt"} exec --user "$USER" backplan-check-scheduling /bin/sleep 5
else
  check "preStop: /bin/sleep 5 runs as $USER" chroot --userspec="$USER" "$R" /bin/sleep 5
fi
for s in "${SERVICES[@]}"; do
  if [[ "$runner" == podman ]]; then
    podman kill --signal TERM "backplan-check-$s" >/dev/null 2>&1
  else
    pid_var="pid_$s"
    kill -TERM "${!pid_var}"
  fi
done
for i in "${!SERVICES[@]}"; do
  wait "${pids[$i]}"
  code=$?
  check "${SERVICES[$i]} ($runner): SIGTERM drains to exit code $code (want 0)" [ "$code" -eq 0 ]
  [[ $code -eq 0 ]] || tail -5 "$TMP/${SERVICES[$i]}.log"
done
pids=()
finish
