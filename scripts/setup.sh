#!/usr/bin/env bash
# Installs everything s3-upload needs on a fresh Debian machine with Node 20, as root:
# pnpm, the Debian packages (Ceph RGW for a real local S3, Chromium for browser tests, Redis),
# the workspace dependencies, and a build. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
APT_PACKAGES=(radosgw ceph-mon ceph-osd ceph-common chromium redis-server jq)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  say "installing pnpm@$PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >&2
fi

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

say "installing dependencies"
pnpm install --frozen-lockfile --reporter=append-only >&2
say "building"
pnpm run build >&2
