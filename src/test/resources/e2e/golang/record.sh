#!/usr/bin/env bash
# Records golang_storage.json against libvirt 9.0's libvirtd, started fresh (no pools) under a temporary
# directory with /work/shared/tools/anchor-libvirtd.sh (as user lvanchor; $ANCHOR overrides the path),
# then stopped. storage_client.go is built offline in GOPATH mode against Debian's go-libvirt source.
# Needs go (golang-go) and golang-github-digitalocean-go-libvirt-dev. Usage (as root, from anywhere):
#   bash src/test/resources/e2e/golang/record.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/golang_storage.json; record twice into two
# files and compare them before committing a new reference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=${1:-$here/../libvirtd-9.0/golang_storage.json}
gosrc=/usr/share/gocode
[[ -d $gosrc/src/github.com/digitalocean/go-libvirt ]] || {
  echo "go-libvirt is missing: apt-get install -y golang-github-digitalocean-go-libvirt-dev" >&2; exit 1; }
command -v go >/dev/null || { echo "go is missing: apt-get install -y golang-go" >&2; exit 1; }
work=$(mktemp -d /tmp/record-golang.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon" "$work/base" "$work/go"
chmod 755 "$work"
# offline: GOPATH mode, nothing fetched
(cd "$here" && GO111MODULE=off GOPATH="$work/go:$gosrc" GOCACHE="$work/go/cache" GOPROXY=off GOFLAGS= \
  go build -o "$work/storage_client" storage_client.go)
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
# the pool's target directory is made by the daemon, which runs as lvanchor
chown lvanchor "$work/base"
"$work/storage_client" "$work/daemon/run/libvirt/libvirt-sock" "$uri" "$work/base" >"$output.tmp"
mv "$output.tmp" "$output"
echo "recorded $output"
