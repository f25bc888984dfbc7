#!/usr/bin/env bash
# Makes `prometheus` and `promtool` available for the tests: Debian's `prometheus` package (2.42),
# installed once with apt-get when missing. The package's own service is never left running: the
# install runs under a policy that forbids starting services, and one that started anyway is
# stopped. Tests run their own Prometheus process (tools/prometheus/prometheus-server.ts).
# Idempotent; a no-op when both binaries are on PATH. Prints the directory holding them.
set -euo pipefail

log() { echo "prometheus/install.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# PROMETHEUS_BIN_DIR points at another build (e.g. Prometheus 3 from `go install`): used as is.
if [[ -n "${PROMETHEUS_BIN_DIR:-}" ]]; then
  [[ -x "$PROMETHEUS_BIN_DIR/prometheus" && -x "$PROMETHEUS_BIN_DIR/promtool" ]] ||
    die "PROMETHEUS_BIN_DIR=$PROMETHEUS_BIN_DIR must hold executable prometheus and promtool"
  echo "$PROMETHEUS_BIN_DIR"
  exit 0
fi

have() { command -v prometheus >/dev/null && command -v promtool >/dev/null; }
if have; then
  dirname "$(command -v promtool)"
  exit 0
fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../scripts/apt-install.sh
source "$script_dir/../scripts/apt-install.sh"
apt_install "Prometheus (prometheus, promtool)" prometheus

# The package's postinst may have started its daemon where no policy forbids it: stop it through
# its own init script, so nothing of the package keeps running or holds port 9090.
if [[ -x /etc/init.d/prometheus ]] && /etc/init.d/prometheus status >/dev/null 2>&1; then
  log "stopping the service the package started (tests run their own process)"
  /etc/init.d/prometheus stop >/dev/null 2>&1 || true
fi
command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null && systemctl stop prometheus || true

have || die "apt-get installed prometheus but prometheus/promtool are not on PATH"
dirname "$(command -v promtool)"
