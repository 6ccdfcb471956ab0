#!/usr/bin/env bash
# Installs the Debian packages the end-to-end and engine tests drive for real: a Docker engine with
# BuildKit, buildah, skopeo, a registry (distribution v2), busybox for the test base image,
# htpasswd; debootstrap for a real Debian base image; pip with setuptools and wheel (the resolve
# tests build wheels for a local index and run pip's resolver); and the engines and scheduler the
# images must run under: cwltool, Toil, Snakemake, a one-node Slurm (slurm-wlm, munge), Podman,
# Charliecloud (and catatonit, Podman's init for signals); Lua and Tcl, which read back the values
# the modulefile escapers write; Lmod and Environment Modules, which load the exported modules;
# docker-compose and podman-compose, which bring the exported Compose file up; zstd, which writes
# the compressed repodata and shards the conda tests serve.
# Debian lets only one of Lmod and Environment Modules be installed (each Conflicts: the other):
# Lmod is installed, Environment Modules unpacked from its package into /opt/environment-modules
# (its modulecmd.tcl runs from there; nothing else of the system changes).
# Skips what is already there; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(docker.io docker-registry buildah skopeo busybox-static apache2-utils debootstrap
  python3-pip python3-setuptools python3-wheel
  cwltool toil snakemake slurm-wlm munge podman catatonit charliecloud lua5.4 tcl
  lmod docker-compose podman-compose zstd)
environment_modules=/opt/environment-modules
unpack_environment_modules() {
  [ -e "$environment_modules/usr/lib/x86_64-linux-gnu/modulecmd.tcl" ] && return 0
  dpkg-query -W -f='${Status}' environment-modules 2>/dev/null | grep -q 'install ok installed' && return 0
  command -v apt-get >/dev/null || return 0
  local sudo='' dir
  [ "$(id -u)" -eq 0 ] || sudo='sudo'
  dir=$(mktemp -d)
  chmod 0755 "$dir" # apt-get download fetches as the _apt user
  echo "unpacking environment-modules into $environment_modules (Debian will not install it beside lmod)"
  (cd "$dir" && apt-get download -qq environment-modules >/dev/null)
  $sudo mkdir -p "$environment_modules"
  $sudo dpkg-deb -x "$dir"/environment-modules_*.deb "$environment_modules"
  rm -rf "$dir"
}
missing=()
for p in "${packages[@]}"; do
  # A Docker engine from another package (GitHub's runners ship moby/docker-ce) serves as well, and
  # installing docker.io beside it would conflict.
  [ "$p" = docker.io ] && command -v dockerd >/dev/null && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  unpack_environment_modules
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "system packages missing (${missing[*]}) and no apt-get here: the end-to-end tests will be skipped" >&2
  exit 0
fi
sudo=''
[ "$(id -u)" -eq 0 ] || sudo='sudo'
echo "installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
unpack_environment_modules
