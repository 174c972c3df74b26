#!/bin/sh
# Started without a config file, Redis answers only loopback (protected mode); in its own
# container network the other services are remote, as they are with the official image.
set -eu
if [ "${1:-}" = redis-server ]; then
    shift
    exec redis-server --protected-mode no "$@"
fi
exec "$@"
