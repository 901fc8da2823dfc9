#!/usr/bin/env bash
# Builds Backplan's container image from Debian's own packages, without a
# container engine and without pulling a base image:
#
#   scripts/build_image.sh [BUILD_DIR]        # as root; BUILD_DIR defaults to build
#
# 1. debootstrap --variant=minbase bookworm into $WORK/rootfs, with the runtime
#    packages below, upgraded from the host's Debian sources (security fixes);
# 2. the non-root user 10001:10001 (backplan), as in deploy/docker/Dockerfile;
# 3. deploy/docker/prune-rootfs.sh, run inside that tree, keeps only the files
#    of those packages and their dependencies, /bin/sleep (preStop hook), the
#    CA bundle and the account files: no shell, no package manager;
# 4. buildah from scratch + copy + config + commit, no RUN step: layer 1 is the
#    pruned tree, layer 2 the three binaries from BUILD_DIR (stripped copies),
#    committed with fixed timestamps as an OCI archive (same inputs, same
#    digests).
#
# The version is the first "## X.Y.Z" heading of CHANGELOG.md; the image is
# $BACKPLAN_IMAGE:<version> (default registry.example.com/backplan/backplan,
# the name the k8s overlays use). Output: $OUT (default
# $WORK/backplan-<version>.oci.tar), plus $OUT.packages (Debian package
# versions in the image) and $OUT.facts (size, layers, user, entrypoint).
# Environment: WORK (default /var/tmp/backplan-image), OUT, BACKPLAN_IMAGE,
# MIRROR (default: the host's Debian archive from /etc/apt), REFRESH_ROOTFS=1
# to debootstrap again. Needs network for Debian's archive on the first run.
# Installs debootstrap, buildah and podman with apt-get when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$(cd "${1:-$ROOT/build}" && pwd)"
WORK="${WORK:-/var/tmp/backplan-image}"
IMAGE="${BACKPLAN_IMAGE:-registry.example.com/backplan/backplan}"
SERVICES=(decomposition prioritization scheduling)

# The shared libraries the binaries load come from these packages and their
# dependencies. tests/image (ctest -L image) checks that they cover every
# library ldd reports; deploy/tests/check-dockerfile.mjs checks that the
# Dockerfile's runtime stage installs the same list. One package a line.
RUNTIME_PACKAGES=(
  ca-certificates
  libabsl20220623
  libgrpc++1.51
  libhiredis0.14
  libprometheus-cpp-core1.0
  libprometheus-cpp-pull1.0
  libprotobuf32
  libyaml-cpp0.7
)

log() { echo "build_image: $*" >&2; }
die() { log "$*"; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "run as root (debootstrap, chroot and buildah's storage need it)"
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v buildah >/dev/null || need+=(buildah)
command -v podman >/dev/null || need+=(podman)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
    --no-install-recommends "${need[@]}"
fi

version="$(sed -n 's/^## \([0-9][0-9.]*[0-9]\)\b.*/\1/p' "$ROOT/CHANGELOG.md" | head -1)"
[[ -n "$version" ]] || die "no '## X.Y.Z' heading in CHANGELOG.md"
OUT="${OUT:-$WORK/backplan-$version.oci.tar}"
ref="$IMAGE:$version"
started=$SECONDS

# The Debian archive the host installs from (deb822 or one-line sources).
if [[ -z "${MIRROR:-}" ]]; then
  MIRROR="$(sed -n 's/^URIs: *\(\S*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -1 || true)"
  [[ -n "$MIRROR" ]] || MIRROR="$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
fi

# ---- 1. root file system ----------------------------------------------------
rootfs="$WORK/rootfs"
mkdir -p "$WORK"
if [[ "${REFRESH_ROOTFS:-0}" == 1 || ! -e "$rootfs/.backplan-complete" ]] \
  || ! cmp -s <(printf '%s\n' "${RUNTIME_PACKAGES[@]}") "$rootfs/.backplan-complete"; then
  rm -rf "$rootfs"
  log "debootstrap --variant=minbase bookworm (${#RUNTIME_PACKAGES[@]} runtime packages) from ${MIRROR:-the default mirror}"
  debootstrap --variant=minbase --include="$(IFS=,; echo "${RUNTIME_PACKAGES[*]}")" \
    bookworm "$rootfs" ${MIRROR:+"$MIRROR"} >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; die "debootstrap failed (log: $WORK/debootstrap.log)"; }
  # Security and point-release fixes: the host's Debian sources, not the
  # bare suite debootstrap configures.
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/"
    : >"$rootfs/etc/apt/sources.list"
  fi
  cp -L /etc/resolv.conf "$rootfs/etc/resolv.conf"
  chroot "$rootfs" apt-get update -qq >>"$WORK/debootstrap.log" 2>&1
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get upgrade -y -qq >>"$WORK/debootstrap.log" 2>&1 \
    || die "apt-get upgrade in $rootfs failed (log: $WORK/debootstrap.log)"
  chroot "$rootfs" apt-get clean
  printf '%s\n' "${RUNTIME_PACKAGES[@]}" >"$rootfs/.backplan-complete"
fi

# ---- 2. user (the same commands as the Dockerfile) --------------------------
chroot "$rootfs" getent group backplan >/dev/null \
  || chroot "$rootfs" groupadd --system --gid 10001 backplan
chroot "$rootfs" getent passwd backplan >/dev/null \
  || chroot "$rootfs" useradd --system --uid 10001 --gid 10001 --no-create-home \
    --home-dir /nonexistent --shell /usr/sbin/nologin backplan

# ---- 3. prune to what runs --------------------------------------------------
rm -rf "$rootfs/image" "$rootfs/image.packages"
cp "$ROOT/deploy/docker/prune-rootfs.sh" "$rootfs/tmp/prune-rootfs.sh"
chroot "$rootfs" /bin/sh /tmp/prune-rootfs.sh /image "${RUNTIME_PACKAGES[@]}"
rm -f "$rootfs/tmp/prune-rootfs.sh"
for s in "${SERVICES[@]}"; do
  [[ -x "$BUILD_DIR/services/$s/backplan-$s" ]] || die "$BUILD_DIR/services/$s/backplan-$s missing: cmake --build $BUILD_DIR --target backplan-$s"
done

bin="$WORK/bin"
rm -rf "$bin"
mkdir -p "$bin"
for s in "${SERVICES[@]}"; do
  strip -o "$bin/backplan-$s" "$BUILD_DIR/services/$s/backplan-$s"
  chmod 0755 "$bin/backplan-$s"
done

# ---- 4. assemble with buildah (no RUN) --------------------------------------
# Fixed timestamps make the layers reproducible: the base layer's is the
# newest library's as packaged (so the same package versions give the same
# layer, reused across commits and debootstraps), the binaries' the last
# commit's.
base_timestamp="$(find "$rootfs/image/usr/lib/x86_64-linux-gnu" -maxdepth 1 -type f -name '*.so*' -printf '%T@\n' | sort -n | tail -1 | cut -d. -f1)"
timestamp="$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)"
mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
base="$(buildah from scratch)"
trap 'buildah rm "$base" >/dev/null 2>&1 || true; [[ -n "${ctr:-}" ]] && buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah copy --quiet "$base" "$rootfs/image" / >/dev/null
base_image="localhost/backplan-runtime-base:$version"
buildah commit --quiet --rm --timestamp "$base_timestamp" --format oci --disable-compression=false "$base" "$base_image" >/dev/null
base=""
ctr="$(buildah from "$base_image")"
buildah copy --quiet --chown 0:0 --chmod 0755 "$ctr" "$bin/" /usr/local/bin/ >/dev/null
# The same settings as the Dockerfile's runtime stage (debian:12 sets PATH).
buildah config \
  --user 10001:10001 \
  --workingdir / \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --port 50051 --port 50052 --port 50053 --port 9091 --port 9092 --port 9093 \
  --cmd '["/usr/local/bin/backplan-decomposition", "--help"]' \
  --label org.opencontainers.image.title=backplan \
  --label org.opencontainers.image.version="$version" \
  --label org.opencontainers.image.revision="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
  "$ctr"
buildah commit --quiet --rm --timestamp "$timestamp" --format oci --disable-compression=false "$ctr" "oci-archive:$OUT:$ref" >/dev/null
ctr=""
buildah rmi "$base_image" >/dev/null 2>&1 || true

# ---- facts ------------------------------------------------------------------
mapfile -t kept <"$rootfs/image.packages"
chroot "$rootfs" dpkg-query -W -f='${Package} ${Version}\n' "${kept[@]}" >"$OUT.packages"
/usr/bin/python3 - "$OUT" "$ref" "$((SECONDS - started))" >"$OUT.facts" <<'EOF'
import json, sys, tarfile
path, ref, secs = sys.argv[1:]
with tarfile.open(path) as t:
    blob = lambda d: t.extractfile("blobs/" + d.replace(":", "/")).read()
    index = json.loads(t.extractfile("index.json").read())
    manifest = json.loads(blob(index["manifests"][0]["digest"]))
    config = json.loads(blob(manifest["config"]["digest"]))["config"]
    print("image", ref)
    print("manifest", index["manifests"][0]["digest"])
    print("archive_bytes", sum(m.size for m in t.getmembers()))
    print("layers", len(manifest["layers"]))
    for l in manifest["layers"]:
        print("layer", l["digest"], l["size"], "bytes compressed")
    print("user", config.get("User"))
    print("entrypoint", json.dumps(config.get("Entrypoint")))
    print("cmd", json.dumps(config.get("Cmd")))
    print("build_seconds", secs)
EOF
log "wrote $OUT ($(du -h "$OUT" | cut -f1)) as $ref in $((SECONDS - started)) s"
cat "$OUT.facts"
