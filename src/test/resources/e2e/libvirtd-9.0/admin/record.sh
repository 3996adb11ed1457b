#!/usr/bin/env bash
# Re-records what virt-admin 9.0 prints against libvirt 9.0's own admin socket (libvirtd, run isolated
# as an unprivileged user by shared/tools/anchor-libvirtd.sh), for every step of steps.tsv.
# Usage (as root, from anywhere):  bash src/test/resources/e2e/libvirtd-9.0/admin/record.sh [ANCHOR_TOOL]
# Writes NAME.stdout / NAME.stderr / NAME.exit beside this script. Only what differs between daemons
# is replaced: the socket path (@SOCKET@), the anchor directory (@DIR@), the main server's name
# ("libvirtd" -> @SERVER@, only where virt-admin prints a server name), the second client's id (@ID@),
# times (@TIME@) and that client's identity (uid, user, gid, group, pid -> @UNIX@).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${1:-$(cd "$here/../../../../../.." && pwd)/../shared/tools/anchor-libvirtd.sh}
[[ -f $anchor ]] || anchor=/work/shared/tools/anchor-libvirtd.sh
user=lvanchor
dir=$(mktemp -d /tmp/virt-admin-record.XXXXXX)
chmod 755 "$dir"
bash "$anchor" "$dir" >/dev/null
trap 'bash "$anchor" --stop "$dir"; exec 7>&- 2>/dev/null || true; rm -rf "$dir"' EXIT
asock=$dir/run/libvirt/libvirt-admin-sock
sock=$dir/run/libvirt/libvirt-sock
auri="libvirtd:///session?socket=$asock"
id=
normalise() {
  sed -e "s#$sock#@SOCKET@#g; s#$asock#@SOCKET@#g; s#$dir#@DIR@#g" \
      -e "s/^\( [0-9]* *\)libvirtd\( *\)$/\1@SERVER@\2/; s/'libvirtd'/'@SERVER@'/g" \
      -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9][+-][0-9]\{4\}/@TIME@/g' \
      -e 's/^\(unix_[a-z_]* *: *\).*/\1@UNIX@/' |
  if [[ -n $id ]]; then
    sed -e "s/^ $id\( *unix \)/ @ID@\1/; s/^\(id *: \)$id\$/\1@ID@/; s/Client '$id' disconnected/Client '@ID@' disconnected/"
  else cat; fi
}
run_step() {
  local name=$1; shift
  local args=() a
  for a in "$@"; do
    a=${a//@SERVER@/libvirtd}; a=${a//@ID@/$id}; a=${a//@DIR@/$dir}; [[ $a == @EMPTY@ ]] && a=
    args+=("$a")
  done
  local rc=0
  runuser -u $user -- env HOME="$dir" virt-admin -c "$auri" "${args[@]}" >"$dir/out" 2>"$dir/err" || rc=$?
  normalise <"$dir/out" >"$here/$name.stdout"
  normalise <"$dir/err" >"$here/$name.stderr"
  echo $rc >"$here/$name.exit"
}
while IFS= read -r line; do
  [[ -z $line || $line == \#* ]] && continue
  case $line in
    @virsh-start)
      rm -f "$dir/fifo"; mkfifo "$dir/fifo"; chmod 666 "$dir/fifo"
      runuser -u $user -- env HOME="$dir" virsh -c "storage:///session?socket=$sock" <"$dir/fifo" >"$dir/virsh.out" 2>&1 &
      exec 7>"$dir/fifo"
      for _ in $(seq 50); do
        id=$(runuser -u $user -- virt-admin -c "$auri" client-list libvirtd | awk 'NR>2 && $1 ~ /^[0-9]+$/ {print $1; exit}')
        [[ -n $id ]] && break; sleep 0.1
      done
      continue;;
    @virsh-end)
      echo 'pool-list --all' >&7; sleep 1; echo quit >&7; exec 7>&-; wait
      normalise <"$dir/virsh.out" >"$here/virsh_after.stdout"
      continue;;
  esac
  IFS=$'\t' read -r -a f <<<"$line"
  run_step "${f[@]}"
done <"$here/steps.tsv"
echo "recorded into $here"
