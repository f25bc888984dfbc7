# Sourced by the tool install scripts: apt_install "what" pkg... installs Debian packages with
# apt-get, as root, without recommends, without starting any service they ship, waiting for a
# concurrent apt/dpkg to finish. Fails with a message that says what to install by hand.
apt_install() {
  local what=$1
  shift
  local manual="install it by hand (apt-get install $*)"
  command -v apt-get >/dev/null || die "$what is missing and this is not a Debian-like system (no apt-get): $manual"
  [[ $(id -u) == 0 ]] || die "$what is missing; installing needs root: $manual, or run this as root"
  # policy-rc.d exit 101 = "action forbidden": invoke-rc.d and deb-systemd-invoke then start
  # nothing during the install. Created only when absent, removed only if created here.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# temporary: written by lagscale tools while installing packages\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
  fi
  local started=$SECONDS status=0
  log "installing $* with apt-get (once)"
  local apt=(apt-get -q -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0)
  # The package lists may be missing (fresh image) or stale (a version was removed upstream).
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "$@" >&2; then
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >&2 &&
      DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "$@" >&2 || status=$?
  fi
  if ((created_policy)); then rm -f "$policy"; fi
  ((status == 0)) || die "apt-get could not install $* (exit $status; see above): $manual"
  log "installed $* in $((SECONDS - started)) s"
}
