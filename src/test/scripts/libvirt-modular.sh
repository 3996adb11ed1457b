#!/usr/bin/env bash
# Builds libvirt 9.0's modular daemons virtproxyd, virtstoraged and virtsecretd, with the modules
# virtstoraged loads for a directory pool (libvirt_driver_storage.so, libvirt_storage_backend_fs.so) and
# the one virtsecretd loads (libvirt_driver_secret.so), from Debian 12's
# libvirt source package with Debian's patches applied. Debian 12 itself ships only the monolithic
# libvirtd; the end-to-end tests use these as the reference behind libvirt's own proxy (ProxiedStorageIT).
#
# Usage: libvirt-modular.sh [CACHE_DIR]       (default /var/cache/virtstoraged-test/libvirt-modular)
#
# Idempotent: when everything is already built it only prints the paths. The last lines of stdout are
# KEY=VALUE:
#   BUILD=<meson build dir>  VIRTPROXYD=<BUILD>/src/virtproxyd  VIRTSTORAGED=<BUILD>/src/virtstoraged
#   VIRTSECRETD=<BUILD>/src/virtsecretd
# Run the daemons by these absolute paths: a program started from inside the build dir loads its driver
# modules from the build tree (libvirt's build-dir override), and meson's build RPATH finds the build's
# libvirt.so. virtsecretd is the secret daemon our secret client talks to (SecretClientIT). They are configured like Debian's packages (prefix /usr, /etc, /var, runstatedir /run), so
# in system mode they use /run/libvirt/*-sock, /etc/libvirt and /var/lib/libvirt like an installed
# libvirt: run them in a private mount namespace with tmpfs over those directories.
#
# Needs: the build dependencies below (installed with apt-get when missing and run as root), and the
# source through src/test/scripts/libvirt-source.sh (Debian's source package in /var/cache/libvirt-reference,
# or LIBVIRT_SOURCE_CACHE). Exits non-zero, naming what is missing, when it cannot build.
# Takes about 1-2 minutes from scratch on 2 cores; ~250 MB in CACHE_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "libvirt-modular.sh: $*" >&2; exit 1; }

cache_arg=${1:-/var/cache/virtstoraged-test/libvirt-modular}
mkdir -p "$cache_arg" 2>/dev/null || fail "cannot create the cache directory $cache_arg"
# canonical: libvirt only enables its build-dir override when the daemon's canonical path starts with
# the build dir meson was given
CACHE=$(readlink -f "$cache_arg")
SRC=$CACHE/src
BUILD=$CACHE/build
TARGETS=(src/virtproxyd src/virtstoraged src/libvirt_driver_storage.so src/libvirt_storage_backend_fs.so
         src/virtsecretd src/libvirt_driver_secret.so)

# Debian's own configuration of the install directories (debhelper's meson defaults + debian/rules),
# then every meson feature off except the remote driver, the daemons and the directory and filesystem
# pool backends (one module, libvirt_storage_backend_fs.so; storage_fs needs mount, umount and mkfs).
DIRS=(-Dprefix=/usr -Dsysconfdir=/etc -Dlocalstatedir=/var -Drunstatedir=/run)
ENABLED=" driver_remote driver_libvirtd driver_secrets storage_dir storage_fs rpath "
OTHER=(-Dinit_script=none -Dno_git=true -Dbuildtype=debugoptimized -Dwerror=false)

report() {
  echo "BUILD=$BUILD"
  echo "VIRTPROXYD=$BUILD/src/virtproxyd"
  echo "VIRTSTORAGED=$BUILD/src/virtstoraged"
  echo "VIRTSECRETD=$BUILD/src/virtsecretd"
}
meson_options() {  # the meson command-line options, from the unpacked source's meson_options.txt
  local o
  opts=("${DIRS[@]}")
  while read -r o; do
    if [[ $ENABLED == *" $o "* ]]; then opts+=("-D$o=enabled"); else opts+=("-D$o=disabled"); fi
  done < <(sed -n "s/^option('\([a-z_0-9]*\)', *type *: *'feature'.*/\1/p" "$SRC/meson_options.txt")
  opts+=("${OTHER[@]}")
}
# built, and configured with the options above (a cache built by an older version of this script is redone)
have_all() {
  local t
  for t in "${TARGETS[@]}"; do [[ -f $BUILD/$t ]] || return 1; done
  [[ -f $CACHE/built.stamp && -f $SRC/meson_options.txt ]] || return 1
  meson_options
  [[ "$(cat "$CACHE/configure.stamp" 2>/dev/null)" == "${opts[*]}" ]]
}

# one build at a time per cache (two test JVMs may ask at once); a read-only cache can only be looked at
if [[ -w $CACHE ]] && command -v flock >/dev/null; then exec 9>>"$CACHE/.lock"; flock 9; fi

if have_all; then echo "libvirt-modular.sh: already built in $BUILD" >&2; report; exit 0; fi

t0=$(date +%s)
# --- build dependencies (only the missing ones, and only as root) -----------------------------------
PKGS=(meson ninja-build gcc libc6-dev pkg-config libglib2.0-dev libxml2-dev libgnutls28-dev libtirpc-dev
      xsltproc libxml2-utils rpcsvc-proto dpkg-dev patch xz-utils perl python3)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    fail "missing build dependencies: ${missing[*]} (as root: apt-get install --no-install-recommends ${missing[*]})"
  fi
  command -v apt-get >/dev/null || fail "missing build dependencies: ${missing[*]}, and apt-get is not available"
  echo "libvirt-modular.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed (missing build dependencies: ${missing[*]})"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$CACHE/apt.log" 2>&1 \
    || { tail -20 "$CACHE/apt.log" >&2; fail "apt-get install ${missing[*]} failed (see $CACHE/apt.log)"; }
fi
t1=$(date +%s)

# --- source: Debian's source package, unpacked with its patches into the cache ----------------------
# (the reference tree of libvirt-source.sh is the pristine upstream tarball; its directory also holds
#  the .dsc and debian.tar.xz that apt-get source downloaded, and is never modified here)
if [[ ! -f $SRC/meson.build || ! -f $SRC/debian/patches/series ]]; then
  ref=$(bash "$here/libvirt-source.sh" ${LIBVIRT_SOURCE_CACHE:+"$LIBVIRT_SOURCE_CACHE"} | tail -1) \
    || fail "cannot get libvirt 9.0.0's source (src/test/scripts/libvirt-source.sh failed, see above)"
  refdir=$(dirname "$ref")
  dsc=$(ls "$refdir"/libvirt_9.0.0-*.dsc 2>/dev/null | sort -V | tail -1 || true)
  [[ -n $dsc ]] || fail "no Debian source package libvirt_9.0.0-*.dsc in $refdir (only the upstream tree; as root:
  cd $refdir && apt-get source --download-only libvirt=\$(apt-cache showsrc libvirt | sed -n 's/^Version: 9.0.0/9.0.0/p' | head -1))"
  rm -rf "$SRC" "$BUILD"
  dpkg-source --no-check -x "$dsc" "$SRC" >"$CACHE/unpack.log" 2>&1 \
    || { tail -20 "$CACHE/unpack.log" >&2; fail "dpkg-source -x $dsc failed (see $CACHE/unpack.log)"; }
  [[ -f $SRC/meson.build ]] || fail "dpkg-source -x $dsc left no meson.build in $SRC"
fi
t2=$(date +%s)

# --- configure ---------------------------------------------------------------------------------------
meson_options
if [[ ! -f $BUILD/build.ninja || "$(cat "$CACHE/configure.stamp" 2>/dev/null)" != "${opts[*]}" ]]; then
  rm -rf "$BUILD" "$CACHE/configure.stamp" "$CACHE/built.stamp"
  meson setup "$BUILD" "$SRC" "${opts[@]}" >"$CACHE/configure.log" 2>&1 \
    || { tail -30 "$CACHE/configure.log" >&2; fail "meson setup failed (see $CACHE/configure.log)"; }
  echo "${opts[*]}" >"$CACHE/configure.stamp"
fi
t3=$(date +%s)

# --- build only the daemons and the modules they load ----------------------------------------------
ninja -C "$BUILD" "${TARGETS[@]}" >"$CACHE/build.log" 2>&1 \
  || { tail -30 "$CACHE/build.log" >&2; fail "ninja failed (see $CACHE/build.log)"; }
for t in "${TARGETS[@]}"; do [[ -f $BUILD/$t ]] || fail "ninja did not produce $BUILD/$t"; done
touch "$CACHE/built.stamp"
t4=$(date +%s)

{
  echo "libvirt-modular.sh: deps $((t1 - t0))s, unpack $((t2 - t1))s, configure $((t3 - t2))s, build $((t4 - t3))s, total $((t4 - t0))s"
  echo "libvirt-modular.sh: $(du -sh "$CACHE" | cut -f1) in $CACHE"
} | tee "$CACHE/timing.txt" >&2
report
