# apt_install WHO PACKAGE...: installs Debian packages that a stage found missing (as root, non-interactive), or
# fails naming WHO and the packages. Sourced by scripts/setup.sh and the native test stages.
apt_install() {
  local who="$1"; shift
  [ $# -gt 0 ] || return 0
  echo "$who: installing $*"
  if [ "$(id -u)" -ne 0 ]; then echo "$who: need root to apt-get install $*" >&2; return 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq || return 1
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" >/dev/null || return 1
}
