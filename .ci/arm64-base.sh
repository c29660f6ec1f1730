#!/usr/bin/env bash
# Makes this amd64 machine build and run linux/arm64 images under emulation, without a
# container registry: Debian's qemu-user-static registered with binfmt_misc, and a Debian
# bookworm minbase root file system for arm64 made with debootstrap, imported as the local base
# image that `de-lab images build --platform linux/arm64` builds FROM.
#
# The engine's classic image store keeps one image per tag, so the arm64 base cannot share
# `debian:bookworm-slim` with the amd64 one (docker-up.sh): it gets its own tag, and de-lab
# passes it to the recipes as the DE_LAB_BASE build argument. The engine's configuration is not
# touched. Idempotent: each step is skipped when its result is already there. Run as root.
#   Usage: arm64-base.sh
#   Out:   the image de-lab-base/debian-arm64:bookworm-slim (Architecture arm64)
set -euo pipefail

BASE_TAG=de-lab-base/debian-arm64:bookworm-slim
log() { printf '[arm64-base] %s\n' "$*" >&2; }
export DEBIAN_FRONTEND=noninteractive

# The Debian mirror this machine's apt already uses (as in docker-up.sh), so no host is written here.
debian_mirror() {
  sed -n -E 's/^URIs:[[:space:]]*([^[:space:]]+\/debian)[[:space:]]*$/\1/p; s/^deb[[:space:]]+([^[:space:]]+\/debian)[[:space:]]+.*/\1/p' \
    /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
for pkg in qemu-user-static binfmt-support debootstrap debian-archive-keyring; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

# binfmt_misc: mounted (containers and this machine without systemd do not mount it), and aarch64
# registered with the F flag (fix_binary), so the interpreter works inside containers too.
if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
  log "mounting binfmt_misc"
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  log "registering qemu-aarch64 with binfmt_misc"
  update-binfmts --import qemu-aarch64 >/dev/null 2>&1 || true
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64
fi
grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64 || { log "qemu-aarch64 is registered but disabled"; exit 1; }
grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 || { log "qemu-aarch64 lacks the F flag; containers cannot use it"; exit 1; }

# `docker import` cannot mark an image arm64 on this engine (20.10 ignores --platform there), so
# the root file system goes in as a one-layer image in `docker save`'s format, whose config says
# arm64: the layer is the tar of the folder, named by its sha256 (the diff id).
load_arm64() { # <rootfs folder> <tag>
  local work diff config
  work=$(mktemp -d)
  tar -C "$1" --numeric-owner -cf "$work/layer.tar" .
  diff=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  mkdir "$work/$diff" && mv "$work/layer.tar" "$work/$diff/layer.tar"
  cat >"$work/config.json" <<JSON
{"architecture":"arm64","os":"linux","created":"$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["bash"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff"]},
 "history":[{"created_by":"debootstrap --arch=arm64 --variant=minbase bookworm (.ci/arm64-base.sh)"}]}
JSON
  config=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mv "$work/config.json" "$work/$config.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' "$config" "$2" "$diff" >"$work/manifest.json"
  tar -C "$work" -c . | docker load >/dev/null
  rm -rf "$work"
}

arch_of() { docker image inspect -f '{{.Architecture}}' "$1" 2>/dev/null || true; }
if [ "$(arch_of "$BASE_TAG")" != arm64 ]; then
  log "building $BASE_TAG with debootstrap (arm64, under emulation)"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  started=$(date +%s)
  debootstrap --arch=arm64 --variant=minbase bookworm "$root" "$(debian_mirror)" >/dev/null
  log "debootstrap took $(( $(date +%s) - started )) s"
  cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/" 2>/dev/null || true
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  load_arm64 "$root" "$BASE_TAG"
  [ "$(arch_of "$BASE_TAG")" = arm64 ] || { log "$BASE_TAG was imported as $(arch_of "$BASE_TAG"), not arm64"; exit 1; }
fi

# Proof that arm64 code runs in a container here.
machine=$(docker run --rm --platform linux/arm64 "$BASE_TAG" uname -m)
[ "$machine" = aarch64 ] || { log "an arm64 container reports $machine, not aarch64"; exit 1; }
log "ready: $(cat /proc/sys/fs/binfmt_misc/qemu-aarch64 | sed -n 's/^interpreter /qemu /p') · base $BASE_TAG $(docker image inspect -f '{{.Id}}' "$BASE_TAG" | cut -c1-19) · uname -m in a container: $machine"
