#!/usr/bin/env bash
# Builds the smoothcal container images without any image registry:
#
#   smoothcal-base:<suite>       Debian minbase rootfs from debootstrap, imported with `docker import`
#   smoothcal-jre:17             base + openjdk-17-jre-headless from the Debian mirror
#   smoothcal:<tag>              JRE + cli/target/dist            (train, evaluate, interop, demo)
#   smoothcal-evaluator:<tag>    JRE + cli/target/dist-evaluator  (no TensorFlow: evaluation only)
#   smoothcal-spark:<tag>        JRE + cli/target/dist-spark      (evaluator + Apache Spark's jars: driver,
#                                master and workers of a standalone cluster); only when dist-spark exists
#                                (./mvnw -B -Pspark -DskipTests package -pl cli -am)
#
# Every image carries the label dev.smoothcal.inputs = SHA-256 of what it is built from (recipe,
# Dockerfile, parent image id, dist contents). An image whose label matches is kept as it is, so a
# second run with unchanged inputs builds nothing.
#
# Environment (all optional):
#   SMOOTHCAL_IMAGE_TAG         tag of the application images (default: version in the root pom.xml)
#   SMOOTHCAL_DIST              full distribution folder      (default: cli/target/dist)
#   SMOOTHCAL_DIST_EVALUATOR    evaluator distribution folder (default: cli/target/dist-evaluator)
#   SMOOTHCAL_DIST_SPARK        Spark distribution folder     (default: cli/target/dist-spark)
#   SMOOTHCAL_DEBIAN_SUITE      Debian suite of the base image (default: bookworm)
#   SMOOTHCAL_DEBIAN_MIRROR     mirror for debootstrap (default: read from this machine's apt sources)
#   SMOOTHCAL_JRE_IMAGE         use this Java 17 image instead of building base + JRE, for machines
#                               with registry access, e.g. SMOOTHCAL_JRE_IMAGE=eclipse-temurin:17-jre.
#                               It must be glibc-based and provide useradd. Docker pulls it if absent.
#
# Needs a running Docker engine; building the base image also needs root and debootstrap.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docker_dir="$repo_root/docker"
suite="${SMOOTHCAL_DEBIAN_SUITE:-bookworm}"
base_image="smoothcal-base:$suite"
jre_image_built="smoothcal-jre:17"
dist_full="${SMOOTHCAL_DIST:-$repo_root/cli/target/dist}"
dist_evaluator="${SMOOTHCAL_DIST_EVALUATOR:-$repo_root/cli/target/dist-evaluator}"
dist_spark="${SMOOTHCAL_DIST_SPARK:-$repo_root/cli/target/dist-spark}"
inputs_label="dev.smoothcal.inputs"

# The classic builder: it never pulls an image that exists locally, and needs no buildx plugin.
export DOCKER_BUILDKIT=0

log() { printf '[build-images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

project_version() {
  # The first <version> of the root pom is the project's own (the root pom has no parent).
  sed -n 's:.*<version>\([^<]*\)</version>.*:\1:p' "$repo_root/pom.xml" | head -n 1
}
tag="${SMOOTHCAL_IMAGE_TAG:-$(project_version)}"
[[ -n "$tag" ]] || die "cannot read the project version from $repo_root/pom.xml; set SMOOTHCAL_IMAGE_TAG"

sha256_of_stdin() { sha256sum | cut -d' ' -f1; }

# Content hash of a folder: every file's path and SHA-256, in byte order of the path.
tree_sha256() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) | sha256_of_stdin
}

# Cheap fingerprint of a folder (sorted "path size" lines), stored as a label so the tests can warn
# when the images were built from a different distribution than the one in cli/target.
tree_fingerprint() {
  (cd "$1" && find . -type f -printf '%P %s\n' | LC_ALL=C sort) | sha256_of_stdin
}

image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

image_inputs() {
  docker image inspect --format "{{ index .Config.Labels \"$inputs_label\" }}" "$1" 2>/dev/null || true
}

# docker build --quiet, with the builder's chatter (deprecation notice) shown only on failure.
quiet_build() {
  local err
  err="$(mktemp)"
  if ! docker build --quiet "$@" >/dev/null 2>"$err"; then
    cat "$err" >&2
    rm -f "$err"
    return 1
  fi
  rm -f "$err"
}

is_current() { [[ "$(image_inputs "$1")" == "$2" ]]; }

human_size() {
  local bytes
  bytes="$(docker image inspect --format '{{.Size}}' "$1")"
  awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1000000 }'
}

# Mirror URL for $1 (a suite such as bookworm or bookworm-security) from apt's own configuration:
# one-line entries in sources.list / *.list and deb822 paragraphs in *.sources. Prints nothing if
# no enabled `deb` entry names that suite.
apt_mirror_for_suite() {
  local want="$1" file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r "$file" ]] || continue
    # deb [opts] URI SUITE COMPONENTS...
    awk -v want="$want" '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == want) { print $i; exit }
      }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -r "$file" ]] || continue
    awk -v want="$want" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " want " ") && uris != "") {
          split(uris, u, " "); print u[1]; found = 1
        }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); if (found) exit; next }
      {
        key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
        if (key == "types") types = $0
        else if (key == "uris") uris = $0
        else if (key == "suites") suites = $0
        else if (key == "enabled") enabled = tolower($0)
      }
      END { if (!found) flush() }' "$file"
  done
}

build_base() {
  local recipe hash mirror security rootfs started
  # What the base image is made of; the mirror is left out on purpose (any mirror gives the same suite).
  recipe="debootstrap --variant=minbase $suite; suites $suite $suite-updates $suite-security; apt lists, docs, man pages and locales removed; v2"
  hash="$(printf '%s' "$recipe" | sha256_of_stdin)"
  if is_current "$base_image" "$hash"; then
    log "$base_image is current, kept"
    return
  fi
  [[ "$(id -u)" -eq 0 ]] || die "building $base_image needs root (debootstrap); run scripts/ci-setup-docker.sh as root"
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
  mirror="${SMOOTHCAL_DEBIAN_MIRROR:-$(apt_mirror_for_suite "$suite" | head -n 1)}"
  [[ -n "$mirror" ]] || die "no apt source for suite $suite in /etc/apt; set SMOOTHCAL_DEBIAN_MIRROR"
  security="$(apt_mirror_for_suite "$suite-security" | head -n 1)"
  log "building $base_image from $mirror (debootstrap minbase)"
  started=$SECONDS
  rootfs="$(mktemp -d /var/tmp/smoothcal-rootfs.XXXXXX)"
  # shellcheck disable=SC2064  # expand now: the path is fixed
  trap "rm -rf '$rootfs'" EXIT
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { tail -n 30 "$rootfs.log" >&2; die "debootstrap failed (full log: $rootfs.log)"; }
  rm -f "$rootfs.log"
  {
    echo "deb $mirror $suite main"
    echo "deb $mirror $suite-updates main"
    [[ -n "$security" ]] && echo "deb $security $suite-security main"
  } >"$rootfs/etc/apt/sources.list"
  # Documentation and translations are of no use in these images; keep dpkg from installing them
  # later too. man1 stays: update-alternatives in JDK postinst scripts writes links there.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/smoothcal-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
SLIM
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  mkdir -p "$rootfs/usr/share/man/man1"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change "LABEL $inputs_label=$hash" \
    --change 'CMD ["/bin/bash"]' \
    - "$base_image" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  log "$base_image built in $((SECONDS - started))s"
}

build_jre() {
  local hash started
  hash="$( { cat "$docker_dir/jre/Dockerfile"; image_id "$base_image"; } | sha256_of_stdin)"
  if is_current "$jre_image_built" "$hash"; then
    log "$jre_image_built is current, kept"
    return
  fi
  log "building $jre_image_built"
  started=$SECONDS
  quiet_build \
    --build-arg "BASE_IMAGE=$base_image" \
    --label "$inputs_label=$hash" \
    --tag "$jre_image_built" \
    "$docker_dir/jre" || die "building $jre_image_built failed"
  log "$jre_image_built built in $((SECONDS - started))s"
}

# build_app NAME FLAVOUR DIST JRE_IMAGE [DOCKERFILE]
build_app() {
  local name="$1" flavour="$2" dist="$3" jre="$4" dockerfile="${5:-$docker_dir/app/Dockerfile}" hash fingerprint started
  [[ -f "$dist/smoothcal.jar" && -d "$dist/lib" ]] \
    || die "$dist has no smoothcal.jar and lib/; build it first: ./mvnw -B -DskipTests package -pl cli -am"
  hash="$( { cat "$dockerfile"; echo "$jre"; image_id "$jre"; tree_sha256 "$dist"; } | sha256_of_stdin)"
  if is_current "$name" "$hash"; then
    log "$name is current, kept"
    return
  fi
  fingerprint="$(tree_fingerprint "$dist")"
  log "building $name from $dist"
  started=$SECONDS
  quiet_build \
    --file "$dockerfile" \
    --build-arg "JRE_IMAGE=$jre" \
    --label "$inputs_label=$hash" \
    --label "dev.smoothcal.flavour=$flavour" \
    --label "dev.smoothcal.dist-fingerprint=$fingerprint" \
    --tag "$name" \
    "$dist" || die "building $name failed"
  log "$name built in $((SECONDS - started))s"
}

main() {
  local started=$SECONDS jre
  docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info failed); see scripts/ci-setup-docker.sh"
  if [[ -n "${SMOOTHCAL_JRE_IMAGE:-}" ]]; then
    jre="$SMOOTHCAL_JRE_IMAGE"
    log "using $jre as the Java image (SMOOTHCAL_JRE_IMAGE); base and JRE images are not built"
  else
    build_base
    build_jre
    jre="$jre_image_built"
  fi
  build_app "smoothcal:$tag" full "$dist_full" "$jre"
  build_app "smoothcal-evaluator:$tag" evaluator "$dist_evaluator" "$jre"
  local sized=("smoothcal:$tag" "smoothcal-evaluator:$tag")
  if [[ -f "$dist_spark/smoothcal.jar" && -f "$dist_spark/conf/java-options" ]]; then
    build_app "smoothcal-spark:$tag" spark "$dist_spark" "$jre" "$docker_dir/spark/Dockerfile"
    sized+=("smoothcal-spark:$tag")
  else
    log "smoothcal-spark:$tag skipped: no $dist_spark (./mvnw -B -Pspark -DskipTests package -pl cli -am builds it)"
  fi
  # Old builds of our images lose their tag when rebuilt; remove those (and only those).
  docker image prune --force --filter "label=$inputs_label" >/dev/null
  log "done in $((SECONDS - started))s"
  local image
  for image in "${sized[@]}"; do
    printf '%-36s %s\n' "$image" "$(human_size "$image")"
  done
}

main "$@"
