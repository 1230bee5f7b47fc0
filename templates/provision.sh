# Raise vm.max_map_count now and at every boot; idempotent: a second run changes nothing.
set -eu
want=@{want}
conf=@{conf}
allow_lower=@{allow_lower}
live=$(cat /proc/sys/vm/max_map_count)
value=$want
if [ "$allow_lower" = 0 ]; then
  # Never lower a higher value in force, or about to be: Fedora 39+ and Ubuntu 24.04 ship
  # 1048576 in /usr/lib/sysctl.d, EKS AMIs set 524288 in /etc/sysctl.conf.
  if [ "$live" -gt "$value" ]; then
    value=$live
  fi
  for f in @{sysctl_files_head} \
    @{sysctl_files_tail}; do
    if [ "$f" = "$conf" ] || [ ! -f "$f" ]; then
      continue
    fi
    set_to=$(sed -n @{value_sed} "$f" | tail -n 1)
    if [ -n "$set_to" ] && [ "$set_to" -gt "$value" ]; then
      value=$set_to
    fi
  done
fi
desired=$(printf '%s\n' \
  @{persisted_header} \
  "vm.max_map_count = $value"@{extra_lines})
current=$(cat "$conf" 2>/dev/null || true)
if [ "$current" != "$desired" ]; then
  mkdir -p "${conf%/*}"
  tmp=$(mktemp "$conf.XXXXXX")
  printf '%s\n' "$desired" >"$tmp"
  chmod 0644 "$tmp"
  chown 0:0 "$tmp"
  mv -f "$tmp" "$conf"
fi
# Apply this value alone: 'sysctl --system' would apply /etc/sysctl.conf last and undo it.
if [ "$live" != "$value" ]; then
  if command -v sysctl >/dev/null 2>&1; then
    sysctl -q -w "vm.max_map_count=$value"
  else
    printf '%s\n' "$value" >/proc/sys/vm/max_map_count
  fi
fi
now=$(cat /proc/sys/vm/max_map_count)
if [ "$now" != "$value" ]; then
  echo "maxmap: vm.max_map_count is $now after setting $value" >&2
  exit 1
fi
