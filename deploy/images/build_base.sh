#!/usr/bin/env bash
# Local base images for a machine that reaches Debian's mirror but no image registry:
# a Python 3.11 base (Debian bookworm's python3) made with mmdebstrap and `podman import`,
# then Redis and PostgreSQL images built on it with apt-get. Each image is built only when
# absent (FORCE=1 rebuilds). Users with a registry keep python:3.11-slim, redis:7, postgres:15.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)

ENGINE=${ENGINE:-podman}
SUITE=${DEBIAN_SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PYTHON_BASE=${DOCPIPE_BASE_IMAGE:-localhost/docpipe-python:3.11}
REDIS_IMAGE=${DOCPIPE_REDIS_IMAGE:-localhost/docpipe-redis:7}
POSTGRES_IMAGE=${DOCPIPE_POSTGRES_IMAGE:-localhost/docpipe-postgres:15}

[[ $ENGINE == podman && -z "${CONTAINERS_CONF:-}" ]] && source ./podman_env.sh "$ROOT/var"

have() { [[ "${FORCE:-0}" != 1 ]] && "$ENGINE" image exists "$1"; }

if ! have "$PYTHON_BASE"; then
    command -v mmdebstrap >/dev/null || { echo "build_base: needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 2; }
    hooks=(--customize-hook='chroot "$1" python3 -m venv /opt/venv')
    # The build host's own CAs (a TLS-intercepting proxy on the way to PyPI and Debian's mirror)
    # go into the local base too, so pip and apt-get in the image builds trust what the host trusts.
    local_cas=(/usr/local/share/ca-certificates/*.crt)
    if [[ -e ${local_cas[0]} ]]; then
        hooks+=(--customize-hook="copy-in ${local_cas[*]} /usr/local/share/ca-certificates/"
                --customize-hook='chroot "$1" update-ca-certificates')
    fi
    # python3-venv: the image's own environment in /opt/venv, since bookworm's python3 refuses
    # `pip install` into the system (PEP 668); its PATH makes `python` and `pip` mean that venv,
    # as they do in python:3.11-slim. PIP_CERT: pip reads its own CA bundle, not the system's.
    mmdebstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        "${hooks[@]}" \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
        "$SUITE" - "$MIRROR" \
    | "$ENGINE" import \
        --change 'ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
        --change 'CMD ["python3"]' \
        - "$PYTHON_BASE"
fi

if ! have "$REDIS_IMAGE"; then
    "$ENGINE" build --build-arg "BASE=$PYTHON_BASE" -t "$REDIS_IMAGE" -f redis.Containerfile .
fi
if ! have "$POSTGRES_IMAGE"; then
    "$ENGINE" build --build-arg "BASE=$PYTHON_BASE" -t "$POSTGRES_IMAGE" -f postgres.Containerfile .
fi
