#!/usr/bin/env bash
# `make image-test`: the production image and docker-compose.yml, for real, with podman.
# Builds the local base images (deploy/images/build_base.sh; DOCPIPE_LOCAL_IMAGES=0 uses the
# official python:3.11-slim, redis:7 and postgres:15 from a registry instead), builds the
# docpipe image, starts the stack (api, worker, webhook worker, beat, Redis, PostgreSQL),
# creates an API key, submits a PDF made here and checks its text (tests/image), then removes
# the stack and its volumes, also on failure. Every stage has a time bound.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-.venv/bin/python}
PROJECT=${DOCPIPE_IMAGE_TEST_PROJECT:-docpipe_imagetest}

source deploy/images/podman_env.sh "$ROOT/var"
if [[ ${DOCPIPE_LOCAL_IMAGES:-1} == 1 ]]; then
    export DOCPIPE_BASE_IMAGE=${DOCPIPE_BASE_IMAGE:-localhost/docpipe-python:3.11}
    export DOCPIPE_REDIS_IMAGE=${DOCPIPE_REDIS_IMAGE:-localhost/docpipe-redis:7}
    export DOCPIPE_POSTGRES_IMAGE=${DOCPIPE_POSTGRES_IMAGE:-localhost/docpipe-postgres:15}
fi
export DOCPIPE_IMAGE=${DOCPIPE_IMAGE:-localhost/docpipe:latest}
export DOCPIPE_PUBLISH_PORT=${DOCPIPE_PUBLISH_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
URL=http://127.0.0.1:$DOCPIPE_PUBLISH_PORT

start=$SECONDS
stage() { echo "image-test: $1 ($((SECONDS - start)) s)"; }

cleanup() {
    status=$?
    if ((status != 0)); then
        echo "image-test: FAILED (exit $status); the last lines of each container:" >&2
        for c in $(podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}'); do
            echo "--- $c" >&2
            podman logs --tail 30 "$c" >&2 || true
        done
    fi
    timeout 120 podman-compose -p "$PROJECT" -f docker-compose.yml down -v -t 20 >/dev/null 2>&1 || true
    # podman-compose 1.0.3 leaves the project's network behind.
    podman network rm "${PROJECT}_default" >/dev/null 2>&1 || true
    echo "image-test: stack removed ($((SECONDS - start)) s)"
    exit "$status"
}
trap cleanup EXIT

stage "base images"
if [[ ${DOCPIPE_LOCAL_IMAGES:-1} == 1 ]]; then
    timeout 1200 deploy/images/build_base.sh
fi
stage "docpipe image ($DOCPIPE_IMAGE)"
build_args=()
[[ -n ${DOCPIPE_BASE_IMAGE:-} ]] && build_args=(--build-arg "BASE=$DOCPIPE_BASE_IMAGE")
timeout 1200 podman build "${build_args[@]}" -t "$DOCPIPE_IMAGE" .

stage "image contents"
# This checkout has a .venv, .git and var/ (var/podman at least): .dockerignore must keep them out.
podman run --rm --entrypoint sh "$DOCPIPE_IMAGE" -c '
    cd /app && for p in .venv .git var bench/out; do
        if [ -e "$p" ] && [ -n "$(ls -A "$p" 2>/dev/null || echo file)" ]; then echo "the image holds /app/$p" >&2; exit 1; fi
    done
    ls models/files/*.onnx >/dev/null'

stage "stack up on $URL"
# /ready and /metrics answer only the metrics token in production: compose passes it to the API.
export DOCPIPE_METRICS_TOKEN=${DOCPIPE_METRICS_TOKEN:-image-test-$RANDOM$RANDOM}
timeout 120 podman-compose -p "$PROJECT" -f docker-compose.yml down -v -t 5 >/dev/null 2>&1 || true
timeout 300 podman-compose -p "$PROJECT" -f docker-compose.yml up -d --no-build >/dev/null
# Ready: the API answers and has seen an OCR worker's heartbeat (PostgreSQL and Redis up).
deadline=$((SECONDS + 240))
until curl -fsS -m 5 -H "Authorization: Bearer $DOCPIPE_METRICS_TOKEN" "$URL/ready" 2>/dev/null | grep -q '"ready":true'; do
    ((SECONDS < deadline)) || { echo "image-test: the stack is not ready after 240 s" >&2; exit 1; }
    sleep 2
done

stage "API key"
key=$(timeout 120 podman-compose -p "$PROJECT" -f docker-compose.yml exec -T api \
      python -m api.keys create --tenant image-test | awk '/^key:/ {print $2}')
[[ -n $key ]] || { echo "image-test: no API key was printed" >&2; exit 1; }

stage "checks (tests/image)"
DOCPIPE_STACK_URL=$URL DOCPIPE_STACK_KEY=$key \
    timeout 600 "$PY" -m pytest -p no:cacheprovider -q tests/image

stage "passed; removing the stack"
