#!/usr/bin/env bash
# promtool from tools/prometheus/install.sh (installed once when missing), with the given arguments.
set -euo pipefail
bin_dir=$(bash "$(dirname "${BASH_SOURCE[0]}")/install.sh")
exec "$bin_dir/promtool" "$@"
