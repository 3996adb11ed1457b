#!/usr/bin/env bash
# Unpacks the source of libvirt 9.0.0 (Debian's source package) and prints its directory on the last
# line of stdout. The end-to-end tests read libvirt's own test data from it at run time (never copied).
# Usage: libvirt-source.sh [CACHE_DIR]      (default: /var/cache/libvirt-reference)
# Needs apt-get with access to a Debian 12 mirror; enables deb-src in /etc/apt/sources.list.d/debian.sources
# when missing (so it needs root the first time). Exits non-zero, with the reason on stderr, when the
# source cannot be had.
set -euo pipefail
cache=${1:-/var/cache/libvirt-reference}
dir=$cache/libvirt-9.0.0
if [[ -f $dir/tests/storagepoolxml2xmltest.c ]]; then echo "$dir"; exit 0; fi
command -v apt-get >/dev/null || { echo "apt-get is not available: cannot download libvirt's source" >&2; exit 1; }
mkdir -p "$cache" || { echo "cannot create $cache" >&2; exit 1; }
orig() { for ext in xz gz bz2; do [[ -f $cache/libvirt_9.0.0.orig.tar.$ext ]] && { echo "$cache/libvirt_9.0.0.orig.tar.$ext"; return; }; done; }
if [[ -z $(orig) ]]; then
  src=/etc/apt/sources.list.d/debian.sources
  if [[ -f $src ]] && ! grep -q 'deb-src' "$src"; then
    sed -i 's/^Types: deb$/Types: deb deb-src/' "$src" || { echo "cannot enable deb-src in $src" >&2; exit 1; }
  fi
  apt-get update -qq >/dev/null || { echo "apt-get update failed" >&2; exit 1; }
  # apt-get source takes no version pattern (libvirt=9.0.0* is "version not found"): pick the 9.0.0 one
  version=$(apt-cache showsrc libvirt 2>/dev/null | sed -n 's/^Version: //p' | grep -m1 '^9\.0\.0' || true)
  [[ -n $version ]] || { echo "no libvirt 9.0.0 source package known to apt (no Debian 12 deb-src?)" >&2; exit 1; }
  (cd "$cache" && apt-get source --download-only -qq "libvirt=$version" >/dev/null) \
    || { echo "apt-get source --download-only libvirt=$version failed" >&2; exit 1; }
fi
orig=$(orig)
[[ -n $orig ]] || { echo "apt-get source left no libvirt_9.0.0.orig.tar.* in $cache" >&2; exit 1; }
tar -C "$cache" -xf "$orig" || { echo "cannot unpack $orig" >&2; exit 1; }
[[ -f $dir/tests/storagepoolxml2xmltest.c ]] || { echo "$orig did not unpack to $dir" >&2; exit 1; }
echo "$dir"
