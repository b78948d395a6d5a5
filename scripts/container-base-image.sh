#!/usr/bin/env bash
# Builds a minimal local Node base image for the signer's container, from the host's own `node`.
#
# Why: no container registry is reachable from the project's machines, so `node:20-slim` cannot be
# pulled. This script packs the host's `node` binary, the shared libraries `ldd` lists for it, CA
# certificates, /tmp and an /etc/passwd with a non-root `node` user (uid 1000, as in the official
# node images) into a rootfs and imports it with `podman import`. It has no shell and no package
# manager: the signer's Dockerfile needs neither (it only COPYs files in).
#
# Usage: scripts/container-base-image.sh [--force]
#   Prints the image name on its last line of stdout. Idempotent: does nothing when the image
#   already exists and was built from the same node version, unless --force is given.
#
# Environment:
#   S3U_NODE_BASE_IMAGE  image name to create (default localhost/s3-upload-node-base:<node major>)
#   CONTAINERS_CONF      podman config; when unset, a private one is written to .s3u/container/
#   NODE                 the node binary to pack (default: `command -v node`)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

log() { printf 'container-base-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ "$(id -u)" == 0 ]] || die "run as root (rootful podman; the project's machines and CI run as root)"
command -v podman >/dev/null || die "podman is not installed (apt-get install -y podman runc)"

if [[ -z "${CONTAINERS_CONF:-}" ]]; then
  # shellcheck source=lib/podman-conf.sh
  source "$ROOT/scripts/lib/podman-conf.sh"
  use_project_podman_conf "$ROOT"
fi

NODE_BIN="$(readlink -f "${NODE:-$(command -v node)}")"
[[ -x "$NODE_BIN" ]] || die "node not found"
NODE_VERSION="$("$NODE_BIN" --version)"
NODE_MAJOR="${NODE_VERSION#v}"
NODE_MAJOR="${NODE_MAJOR%%.*}"
IMAGE="${S3U_NODE_BASE_IMAGE:-localhost/s3-upload-node-base:$NODE_MAJOR}"
LABEL_KEY="org.s3-upload.node-version"

if [[ "$FORCE" == 0 ]] && podman image exists "$IMAGE"; then
  have="$(podman image inspect --format "{{ index .Labels \"$LABEL_KEY\" }}" "$IMAGE" 2>/dev/null || true)"
  if [[ "$have" == "$NODE_VERSION" ]]; then
    log "$IMAGE is up to date (node $NODE_VERSION)"
    echo "$IMAGE"
    exit 0
  fi
  log "$IMAGE holds node ${have:-unknown}, host has $NODE_VERSION: rebuilding"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/s3u-node-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{usr/local/bin,etc/ssl/certs,tmp,app,home/node}

# node and the libraries it links (incl. the dynamic loader), at the paths ldd reports.
cp "$NODE_BIN" "$rootfs/usr/local/bin/node"
while read -r lib; do
  [[ -n "$lib" ]] || continue
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done < <(ldd "$NODE_BIN" | grep -oE '/[^ ]+' | sort -u)

# A smoke test of the copied set before importing it.
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" /usr/local/bin/node -e 'process.exit(0)' || die "node does not start in the rootfs (missing library?)"

if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
fi
cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
node:x:1000:1000::/home/node:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
node:x:1000:
nogroup:x:65534:
EOF
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
chmod 1777 "$rootfs/tmp"
chown 1000:1000 "$rootfs/home/node"

log "importing $IMAGE (node $NODE_VERSION from $NODE_BIN)"
tar --numeric-owner -C "$rootfs" -c . | podman import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=${NODE_VERSION#v}" \
  --change "LABEL $LABEL_KEY=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --message "s3-upload local node base ($NODE_VERSION)" \
  - "$IMAGE" >/dev/null
podman run --rm --network none "$IMAGE" node -e 'console.log("base image ok: node " + process.version)' >&2
echo "$IMAGE"
