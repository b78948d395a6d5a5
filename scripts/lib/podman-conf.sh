# Sourced by the container scripts: points podman at the project's own containers.conf, written under
# .s3u/container/, with the settings this machine needs (runc, cgroupfs, file events, ulimits).
# Usage: use_project_podman_conf ROOT
use_project_podman_conf() {
  local dir="$1/.s3u/container"
  mkdir -p "$dir"
  cat >"$dir/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  export CONTAINERS_CONF="$dir/containers.conf"
}
