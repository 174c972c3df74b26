# Sourced by the image scripts: a containers.conf for podman on hosts where its defaults fail.
# Podman as root asks for nofile=1048576 and nproc=4194304 in every container; without
# CAP_SYS_RESOURCE (a VM or a container itself) the runtime cannot raise them and no
# container starts. It also lowers its own nproc hard limit to 32768 before starting
# conmon, so the containers ask for at most what this shell and podman have.
# runc when installed: crun (podman's default on Debian) refuses hosts whose cgroups are in
# hybrid mode (v1 controllers beside a v2 tree that has one); runc accepts them.
# Usage: source deploy/images/podman_env.sh VAR_DIR
podman_conf_dir=${1:?var dir}/podman
mkdir -p "$podman_conf_dir"
nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
[[ $nofile == unlimited || $nofile -gt 1048576 ]] && nofile=1048576
[[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
{
    echo '[containers]'
    echo "default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
    if command -v runc >/dev/null; then
        printf '[engine]\nruntime = "runc"\n'
    fi
} > "$podman_conf_dir/containers.conf"
export CONTAINERS_CONF="$podman_conf_dir/containers.conf"
