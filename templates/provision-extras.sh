# Extra sysctls (maxmap --set), in the same file; set exactly as given, lower or higher:
# the never-lower rule is for vm.max_map_count alone.
set_extra() {
  path=/proc/sys/$(printf '%s' "$1" | tr . /)
  if [ "$(cat "$path")" != "$2" ]; then
    if command -v sysctl >/dev/null 2>&1; then
      sysctl -q -w "$1=$2"
    else
      printf '%s\n' "$2" >"$path"
    fi
  fi
}
@{calls}
