#!/usr/bin/env bash
# Makes Debian's `chromium` available for the browser tests (driven by playwright-core, which
# downloads no browser of its own here), with fonts so screenshots show text. Installed once with
# apt-get when missing; idempotent. Prints the chromium executable's path.
set -euo pipefail

log() { echo "browser/install.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  [[ -x "$CHROMIUM_PATH" ]] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
  echo "$CHROMIUM_PATH"
  exit 0
fi

chromium=/usr/bin/chromium
fonts_ready() { fc-list 2>/dev/null | grep -qi 'dejavu\|liberation'; }
if [[ -x "$chromium" ]] && fonts_ready; then
  echo "$chromium"
  exit 0
fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../scripts/apt-install.sh
source "$script_dir/../scripts/apt-install.sh"
apt_install "Chromium (headless browser for the UI tests)" chromium fonts-dejavu-core fontconfig

[[ -x "$chromium" ]] || die "apt-get installed chromium but $chromium is missing"
echo "$chromium"
