#!/usr/bin/env bash
# Prepares a Docker engine and the smoothcal images on a CI machine that has no image registry.
#
#   scripts/ci-setup-docker.sh            engine + images (docker/build-images.sh)
#   scripts/ci-setup-docker.sh --engine   engine only
#
# Needs root. Idempotent: installs packages only when missing, starts dockerd only when
# `docker info` fails, and docker/build-images.sh skips every image whose inputs are unchanged.
# Environment: DOCKERD_LOG (default /var/log/smoothcal-dockerd.log),
#              DOCKERD_WAIT_SECONDS (default 60).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dockerd_log="${DOCKERD_LOG:-/var/log/smoothcal-dockerd.log}"
wait_seconds="${DOCKERD_WAIT_SECONDS:-60}"

engine_only=false
case "${1:-}" in
  "") ;;
  --engine) engine_only=true ;;
  *) echo "usage: $0 [--engine]" >&2; exit 2 ;;
esac

log() { printf '[ci-setup-docker] %s\n' "$*" >&2; }

if [[ "$(id -u)" -ne 0 ]]; then
  log "must run as root (installs packages and starts dockerd); found uid $(id -u)"
  exit 1
fi

missing=()
[[ -x /usr/sbin/dockerd ]] || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ((${#missing[@]} > 0)); then
  log "installing ${missing[*]}"
  apt-get update -q
  # With Recommends, as in the steps known to work here (cgroupfs-mount, apparmor).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

if docker info >/dev/null 2>&1; then
  log "Docker engine already running"
else
  log "starting dockerd (log: $dockerd_log)"
  # setsid: the daemon must outlive this script and must not receive the caller's signals.
  setsid /usr/sbin/dockerd --bip 172.17.0.1/16 >>"$dockerd_log" 2>&1 < /dev/null &
  deadline=$((SECONDS + wait_seconds))
  until docker info >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "dockerd did not answer within ${wait_seconds}s; last lines of $dockerd_log:"
      tail -n 20 "$dockerd_log" >&2 || true
      exit 1
    fi
    sleep 1
  done
  log "Docker engine up after $((SECONDS - deadline + wait_seconds))s"
fi

if [[ "$engine_only" == false ]]; then
  "$repo_root/docker/build-images.sh"
fi
