#!/usr/bin/env bash
# A real Kubernetes API server for tests: kube-apiserver built from the Go module proxy, on
# Debian's etcd, with RBAC, an admin token and service-account signing keys. Plus kustomize
# (built the same way) and KEDA's CRDs (read from KEDA's Go module). See tools/k8s/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: k8s.sh <command>
  install [what...]  build/fetch what is missing into .k8s/ (cached by version); what: etcd,
                     kube-apiserver, kustomize, keda-crds, prometheus-operator-crds (default: all)
  install-background start `install` detached (log: .k8s/install.log); `install` and
                     `await-install` wait for it through the same locks
  await-install      wait for a background install (bounded by K8S_INSTALL_TIMEOUT_S), then
                     install whatever is still missing
  start              start etcd and kube-apiserver on free 127.0.0.1 ports (instance K8S_INSTANCE),
                     wait until /readyz answers; stdout says started or running
  stop               stop the instance's kube-apiserver and etcd, delete their temp data
  status             print the instance's address (exit 0) or that it is stopped (exit 3)
  logs [-f] [-n N]   tail (or follow) the kube-apiserver log of the instance
  paths              print the cached tool paths as KEY=value lines (installs nothing)
  kustomize ARGS...  run the cached kustomize (install it first if missing)
Env: K8S_INSTANCE (default), K8S_API_PORT / K8S_ETCD_PORT (free ports), K8S_WAIT_TIMEOUT_S (60),
     K8S_INSTALL_TIMEOUT_S (2700), KUBERNETES_VERSION (1.35.4), KUSTOMIZE_VERSION (v5.8.1),
     KEDA_VERSION (v2.18.1), PROMETHEUS_OPERATOR_VERSION (v0.85.0), K8S_ETCD_BIN (etcd),
     K8S_BUILD_JOBS (go build -p), K8S_KEEP_GO_CACHE (keep the 2 GB Go build cache after install)
EOF
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
k8s_root="$repo_root/.k8s"

kubernetes_version="${KUBERNETES_VERSION:-1.35.4}"
kustomize_version="${KUSTOMIZE_VERSION:-v5.8.1}"
keda_version="${KEDA_VERSION:-v2.18.1}"
prometheus_operator_version="${PROMETHEUS_OPERATOR_VERSION:-v0.85.0}"
instance="${K8S_INSTANCE:-default}"
wait_timeout_s="${K8S_WAIT_TIMEOUT_S:-60}"
install_timeout_s="${K8S_INSTALL_TIMEOUT_S:-2700}"

log() { echo "k8s.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
since() { local ms=$(($(now_ms) - $1)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }

[[ "$kubernetes_version" =~ ^1\.[0-9]+\.[0-9]+$ ]] || die "KUBERNETES_VERSION must look like 1.35.4 (got \"$kubernetes_version\")"
[[ "$kustomize_version" =~ ^v5\.[0-9]+\.[0-9]+$ ]] || die "KUSTOMIZE_VERSION must look like v5.8.1 (got \"$kustomize_version\")"
[[ "$keda_version" =~ ^v2\.[0-9]+\.[0-9]+$ ]] || die "KEDA_VERSION must look like v2.18.1 (got \"$keda_version\")"
[[ "$prometheus_operator_version" =~ ^v0\.[0-9]+\.[0-9]+$ ]] || die "PROMETHEUS_OPERATOR_VERSION must look like v0.85.0 (got \"$prometheus_operator_version\")"
[[ "$instance" =~ ^[A-Za-z0-9._-]+$ ]] || die "K8S_INSTANCE must be letters, digits, '.', '_' or '-' (got \"$instance\")"
[[ "$wait_timeout_s" =~ ^[0-9]+$ ]] || die "K8S_WAIT_TIMEOUT_S must be whole seconds (got \"$wait_timeout_s\")"
[[ "$install_timeout_s" =~ ^[0-9]+$ ]] || die "K8S_INSTALL_TIMEOUT_S must be whole seconds (got \"$install_timeout_s\")"

# The staging modules (k8s.io/api, client-go, ...) are versioned 0.MINOR.PATCH next to 1.MINOR.PATCH.
staging_version="v0.${kubernetes_version#1.}"

bin_dir="$k8s_root/bin"
# Bump when the build recipe below changes (flags, main.go), so cached binaries are rebuilt.
apiserver_recipe=2
apiserver_bin="$bin_dir/kube-apiserver-v$kubernetes_version-r$apiserver_recipe"
kustomize_bin="$bin_dir/kustomize-$kustomize_version"
keda_crd_dir="$k8s_root/keda-$keda_version/crds"
prometheus_operator_crd_dir="$k8s_root/prometheus-operator-$prometheus_operator_version/crds"
build_root="$k8s_root/build"
install_log="$k8s_root/install.log"

# Everything Go reads and writes stays inside .k8s/go: a fresh machine builds the same way, and a
# developer's own module and build caches are neither used nor filled.
go_env() {
  export GOPATH="$k8s_root/go/path" GOMODCACHE="$k8s_root/go/mod" GOCACHE="$k8s_root/go/cache"
  export GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 GOENV=off GOTELEMETRY=off
  export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
  mkdir -p "$GOPATH" "$GOMODCACHE" "$GOCACHE"
}

require_go() {
  command -v go >/dev/null || die "Go 1.25+ is required to build kube-apiserver and kustomize (go not found on PATH)"
}

# One lock per artifact, so a background install and a test that needs only kustomize do not
# wait on each other longer than the artifact they share.
with_lock() {
  local name=$1 fd
  shift
  mkdir -p "$k8s_root/locks"
  exec {fd}>"$k8s_root/locks/$name.lock"
  flock -w "$install_timeout_s" "$fd" || die "timed out after ${install_timeout_s} s waiting for another install of $name"
  "$@"
  exec {fd}>&-
}

etcd_bin() {
  if [[ -n "${K8S_ETCD_BIN:-}" ]]; then echo "$K8S_ETCD_BIN"; return; fi
  command -v etcd 2>/dev/null || { [[ -x /usr/bin/etcd ]] && echo /usr/bin/etcd; } || true
}

install_etcd() {
  [[ -n "$(etcd_bin)" ]] && return 0
  command -v apt-get >/dev/null || die "etcd is required (Debian: apt-get install etcd-server), or set K8S_ETCD_BIN"
  ((EUID == 0)) || die "etcd is required: run 'sudo apt-get install -y etcd-server' once (its service need not run), or set K8S_ETCD_BIN"
  local started
  started=$(now_ms)
  log "installing Debian's etcd-server (apt-get; its own service is kept from starting)"
  # invoke-rc.d asks policy-rc.d before starting a service; 101 means "not allowed". Only our own
  # temporary file is removed afterwards.
  local policy=/usr/sbin/policy-rc.d ours=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && ours=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends etcd-server >"$k8s_root/apt.log" 2>&1 || rc=$?
  if ((rc != 0)); then
    log "apt-get install failed; refreshing the package lists once"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q >>"$k8s_root/apt.log" 2>&1 || true
    rc=0
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends etcd-server >>"$k8s_root/apt.log" 2>&1 || rc=$?
  fi
  ((ours)) && rm -f "$policy"
  ((rc == 0)) || { tail -n 20 "$k8s_root/apt.log" >&2; die "apt-get install etcd-server failed (log: $k8s_root/apt.log)"; }
  # Had a service manager started it anyway, stop it: our etcd runs on its own ports and data.
  if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then
    systemctl disable --now etcd >/dev/null 2>&1 || true
  fi
  [[ -n "$(etcd_bin)" ]] || die "etcd-server installed but no etcd binary found"
  log "installed $("$(etcd_bin)" --version 2>/dev/null | head -n1) in $(since "$started")"
}

# A scratch module whose main is kube-apiserver's: k8s.io/kubernetes is not meant to be a
# dependency, so its go.mod points the staging modules at ./staging; each of them is replaced
# with the same module at the matching v0 version from the proxy. The list comes from that
# version's own go.mod, so a new version needs no edit here.
build_apiserver() {
  [[ -x "$apiserver_bin" ]] && return 0
  require_go
  go_env
  local started dir mod staging
  started=$(now_ms)
  dir="$build_root/kube-apiserver-v$kubernetes_version"
  rm -rf "$dir"
  mkdir -p "$dir" "$bin_dir"
  log "building kube-apiserver v$kubernetes_version from the Go module proxy (about 10 min on 2 cores the first time)"
  mod=$(cd "$dir" && go mod download -json "k8s.io/kubernetes@v$kubernetes_version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [[ -f "$mod" ]] || die "could not download k8s.io/kubernetes v$kubernetes_version (is the Go module proxy reachable?)"
  staging=$(sed -n '/^replace (/,/^)/p' "$mod" | sed -n 's|^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) => \./staging/.*|\1|p')
  [[ -n "$staging" ]] || die "no staging replace block in $mod"
  {
    echo "module lagscale.local/kube-apiserver"
    echo
    echo "go 1.25.0"
    echo
    echo "require k8s.io/kubernetes v$kubernetes_version"
    echo
    echo "replace ("
    local m
    for m in $staging; do echo "	$m => $m $staging_version"; done
    echo ")"
  } >"$dir/go.mod"
  cp "$script_dir/kube-apiserver/main.go" "$dir/main.go"
  log "$(wc -w <<<"$staging") staging modules replaced with $staging_version; resolving dependencies"
  (cd "$dir" && go mod tidy >"$dir/tidy.log" 2>&1) || { tail -n 30 "$dir/tidy.log" >&2; die "go mod tidy of the kube-apiserver module failed"; }
  # The version the Kubernetes release build stamps in (kubectl version, /version show it).
  local minor=${kubernetes_version#1.} ldflags="-s -w" pkg
  minor=${minor%%.*}
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$kubernetes_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  log "compiling (go build -trimpath -ldflags='-s -w -X ...version'${K8S_BUILD_JOBS:+ -p $K8S_BUILD_JOBS})"
  (cd "$dir" && go build ${K8S_BUILD_JOBS:+-p "$K8S_BUILD_JOBS"} -trimpath -ldflags="$ldflags" -o "$apiserver_bin.tmp" . >"$dir/build.log" 2>&1) ||
    { tail -n 30 "$dir/build.log" >&2; die "go build of kube-apiserver failed (log: $dir/build.log)"; }
  mv "$apiserver_bin.tmp" "$apiserver_bin"
  log "built $apiserver_bin ($(du -m "$apiserver_bin" | cut -f1) MB) in $(since "$started")"
}

build_kustomize() {
  [[ -x "$kustomize_bin" ]] && return 0
  require_go
  go_env
  local started gobin
  started=$(now_ms)
  gobin="$build_root/kustomize-$kustomize_version"
  rm -rf "$gobin"
  mkdir -p "$gobin" "$bin_dir"
  log "building kustomize $kustomize_version from the Go module proxy"
  GOBIN="$gobin" go install ${K8S_BUILD_JOBS:+-p "$K8S_BUILD_JOBS"} -trimpath -ldflags="-s -w" \
    "sigs.k8s.io/kustomize/kustomize/v5@$kustomize_version" >"$gobin.log" 2>&1 ||
    { tail -n 30 "$gobin.log" >&2; die "go install of kustomize $kustomize_version failed (log: $gobin.log)"; }
  mv "$gobin/kustomize" "$kustomize_bin"
  rm -rf "$gobin"
  log "built $kustomize_bin in $(since "$started")"
}

# KEDA and the Prometheus Operator publish their CRDs in their repositories, which are also their
# Go modules: the module zip from the proxy carries them. $1 module@version, $2 folder in it,
# $3 file glob, $4 destination.
fetch_module_crds() {
  local module=$1 folder=$2 glob=$3 dest=$4 started dir
  [[ -f "$dest/.installed" ]] && return 0
  require_go
  go_env
  started=$(now_ms)
  log "fetching the CRDs in $module ($folder)"
  dir=$(cd "$k8s_root" && go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d "$dir/$folder" ]] || die "$module has no $folder (downloaded to \"$dir\"; is the Go module proxy reachable?)"
  rm -rf "$dest"
  mkdir -p "$dest"
  # shellcheck disable=SC2086 # the glob is meant to expand
  cp "$dir/$folder"/$glob "$dest/"
  chmod u+w "$dest"/*.yaml
  touch "$dest/.installed"
  log "copied $(find "$dest" -name '*.yaml' | wc -l) CRDs to $dest in $(since "$started")"
}

fetch_keda_crds() {
  fetch_module_crds "github.com/kedacore/keda/v2@$keda_version" config/crd/bases '*.yaml' "$keda_crd_dir"
}

fetch_prometheus_operator_crds() {
  fetch_module_crds "github.com/prometheus-operator/prometheus-operator@$prometheus_operator_version" \
    example/prometheus-operator-crd 'monitoring.coreos.com_*.yaml' "$prometheus_operator_crd_dir"
}

cmd_install() {
  local what=("$@") full=0
  ((${#what[@]})) || { what=(etcd kustomize keda-crds prometheus-operator-crds kube-apiserver); full=1; }
  mkdir -p "$k8s_root"
  local item
  for item in "${what[@]}"; do
    case $item in
      etcd) with_lock etcd install_etcd ;;
      kube-apiserver) with_lock "kube-apiserver-v$kubernetes_version" build_apiserver ;;
      kustomize) with_lock "kustomize-$kustomize_version" build_kustomize ;;
      keda-crds) with_lock "keda-$keda_version" fetch_keda_crds ;;
      prometheus-operator-crds) with_lock "prometheus-operator-$prometheus_operator_version" fetch_prometheus_operator_crds ;;
      *) die "install: unknown item \"$item\" (etcd, kube-apiserver, kustomize, keda-crds, prometheus-operator-crds)" ;;
    esac
  done
  # The build cache (2 GB after kube-apiserver) only speeds up a rebuild of the same versions;
  # the binaries are what is kept. The module cache stays (800 MB), so a rebuild downloads nothing.
  if ((full)) && [[ -z "${K8S_KEEP_GO_CACHE:-}" && -d "$k8s_root/go/cache" ]]; then
    rm -rf "$k8s_root/go/cache"
  fi
}

all_installed() {
  [[ -n "$(etcd_bin)" && -x "$apiserver_bin" && -x "$kustomize_bin" && -f "$keda_crd_dir/.installed" && -f "$prometheus_operator_crd_dir/.installed" ]]
}

# The first lock is taken before this returns, so a caller that awaits right after cannot slip
# in ahead of the background job and start a second build.
cmd_install_background() {
  all_installed && { echo installed; return 0; }
  mkdir -p "$k8s_root"
  local pid_file="$k8s_root/install.pid"
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then echo running; return 0; fi
  # Lowest CPU and I/O priority: it overlaps typecheck, lint and the other suites, which must not
  # be starved by it (the compile itself only needs the idle cores).
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" nice -n 19 ionice -c 3 bash "$script_dir/k8s.sh" install \
    </dev/null >"$install_log" 2>&1 &
  local i
  for i in $(seq 100); do [[ -s "$pid_file" ]] && break; sleep 0.02; done
  echo started
}

cmd_await_install() {
  local pid_file="$k8s_root/install.pid" started
  started=$(now_ms)
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    log "waiting for the background install (pid $(cat "$pid_file"), log $install_log)"
  fi
  # The locks serialise us behind the background job; whatever it left undone is done here.
  cmd_install "$@"
  log "tools ready after $(since "$started")"
}

cmd_paths() {
  echo "KUBE_APISERVER=$apiserver_bin"
  echo "KUSTOMIZE=$kustomize_bin"
  echo "KEDA_CRD_DIR=$keda_crd_dir"
  echo "PROMETHEUS_OPERATOR_CRD_DIR=$prometheus_operator_crd_dir"
  echo "ETCD=$(etcd_bin)"
  echo "KUBERNETES_VERSION=$kubernetes_version"
  echo "KUSTOMIZE_VERSION=$kustomize_version"
  echo "KEDA_VERSION=$keda_version"
  echo "PROMETHEUS_OPERATOR_VERSION=$prometheus_operator_version"
}

cmd_kustomize() {
  cmd_install kustomize
  exec "$kustomize_bin" "$@"
}

# ---- one running instance: etcd + kube-apiserver ------------------------------------------------

run_dir="$k8s_root/run/$instance"
state_file="$run_dir/server.json"

# N distinct ports the OS just handed out (all held open at once, so none repeats).
free_ports() {
  node -e '
    const net = require("net");
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
    Promise.all(servers.map((s) => new Promise((r) => s.listen(0, "127.0.0.1", r)))).then(() => {
      console.log(servers.map((s) => s.address().port).join(" "));
      servers.forEach((s) => s.close());
    });' "$1"
}

is_port() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 > 0 && $1 < 65536)); }

# The pid must still be ours: pids are reused after a crash or a reboot, so its command line must
# name this instance's run dir.
pid_ours() {
  local pid=$1
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$run_dir"
}

# A zombie counts as gone: after a failed start the process may be our own unreaped child.
alive() { [[ -r "/proc/$1/stat" && "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]]; }

lock_instance() {
  mkdir -p "$k8s_root/run"
  exec 9>"$k8s_root/run/$instance.lock"
  flock -w 120 9 || die "timed out waiting for another k8s.sh on instance $instance"
}

state_field() { node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const v=s[process.argv[2]];console.log(v===undefined?"":v)' "$state_file" "$1"; }

readyz() {
  local url=$1 token=$2 ca=$3
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$ca" -H "Authorization: Bearer $token" "$url/readyz" 2>/dev/null)" == 200 ]]
}

instance_running() {
  [[ -f "$state_file" ]] || return 1
  local apiserver_pid etcd_pid
  apiserver_pid=$(state_field apiserverPid)
  etcd_pid=$(state_field etcdPid)
  pid_ours "$apiserver_pid" && pid_ours "$etcd_pid"
}

make_credentials() {
  local dir=$1
  mkdir -p "$dir"
  # A CA of this run signs the serving certificate, so clients verify TLS against ca.crt.
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=lagscale-test-ca" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$dir/apiserver.key" -out "$dir/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$dir/apiserver.ext"
  openssl x509 -req -in "$dir/apiserver.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 7 \
    -extfile "$dir/apiserver.ext" -out "$dir/apiserver.crt" 2>/dev/null
  # Service-account tokens (TokenRequest) are signed with this key and checked with its public half.
  openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  local token
  token=$(openssl rand -hex 24)
  echo "$token" >"$dir/admin.token"
  echo "$token,lagscale-admin,lagscale-admin,\"system:masters\"" >"$dir/tokens.csv"
  chmod 600 "$dir"/*.key "$dir/admin.token" "$dir/tokens.csv"
}

write_kubeconfig() {
  local url=$1 ca=$2 token=$3
  cat >"$run_dir/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: lagscale-test
    cluster:
      server: $url
      certificate-authority: $ca
users:
  - name: lagscale-admin
    user:
      token: $token
contexts:
  - name: lagscale-test
    context:
      cluster: lagscale-test
      user: lagscale-admin
current-context: lagscale-test
KUBECONFIG
  chmod 600 "$run_dir/kubeconfig"
}

print_log_tail() {
  local f
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    echo "---- last lines of $f ----" >&2
    tail -n 30 "$f" >&2
  done
}

# Starts "$@" detached in its own session (it must outlive this script and miss the terminal's
# Ctrl-C); prints its pid. Closing fd 9 keeps it from holding our lock for its whole life.
spawn() {
  local log_file=$1 pid_file=$2
  shift 2
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$@" </dev/null >"$log_file" 2>&1 9>&- &
  local i
  for i in $(seq 100); do [[ -s "$pid_file" ]] && break; sleep 0.02; done
  cat "$pid_file"
}

stop_pid() {
  local pid=$1 name=$2 timeout_s=$3 i
  pid_ours "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout_s * 10; i++)); do alive "$pid" || return 0; sleep 0.1; done
  log "$name (pid $pid) still running after ${timeout_s} s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  while alive "$pid"; do sleep 0.1; done
}

cmd_start() {
  cmd_install etcd kube-apiserver
  lock_instance
  if instance_running; then
    local url token ca
    url=$(state_field url)
    token=$(state_field adminToken)
    ca=$(state_field caFile)
    if wait_readyz "$url" "$token" "$ca" "$(state_field apiserverPid)"; then
      log "already running at $url (instance $instance)"
      echo running
      return
    fi
    stop_instance
  fi
  [[ -f "$state_file" ]] && stop_instance

  local started api_port etcd_port peer_port etcd ports
  started=$(now_ms)
  read -r -a ports <<<"$(free_ports 3)"
  api_port="${K8S_API_PORT:-${ports[0]}}"
  etcd_port="${K8S_ETCD_PORT:-${ports[1]}}"
  peer_port=${ports[2]}
  is_port "$api_port" || die "K8S_API_PORT must be a port number (got \"$api_port\")"
  is_port "$etcd_port" || die "K8S_ETCD_PORT must be a port number (got \"$etcd_port\")"
  etcd=$(etcd_bin)

  rm -rf "$run_dir"
  mkdir -p "$run_dir"
  local data_dir
  data_dir=$(mktemp -d "${TMPDIR:-/tmp}/lagscale-k8s-$instance.XXXXXX")
  # Reached through the run dir, so both processes' command lines name it (the pid check).
  ln -s "$data_dir" "$run_dir/data"
  make_credentials "$run_dir/pki"
  local token ca url
  token=$(cat "$run_dir/pki/admin.token")
  ca="$run_dir/pki/ca.crt"
  url="https://127.0.0.1:$api_port"

  local etcd_pid apiserver_pid
  etcd_pid=$(spawn "$run_dir/etcd.log" "$run_dir/etcd.pid" "$etcd" \
    --name lagscale --data-dir "$run_dir/data/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "lagscale=http://127.0.0.1:$peer_port" --initial-cluster-state new \
    --logger zap --log-level warn --log-outputs stderr --snapshot-count 10000 \
    --metrics basic --enable-pprof=false --experimental-initial-corrupt-check=false)
  local i
  for ((i = 0; i < wait_timeout_s * 10; i++)); do
    [[ "$(curl -s --max-time 1 "http://127.0.0.1:$etcd_port/health" 2>/dev/null)" == *'"health":"true"'* ]] && break
    if ! alive "$etcd_pid"; then
      print_log_tail "$run_dir/etcd.log"
      rm -rf "$data_dir"
      die "etcd exited during startup (log: $run_dir/etcd.log)"
    fi
    sleep 0.1
  done

  apiserver_pid=$(spawn "$run_dir/kube-apiserver.log" "$run_dir/kube-apiserver.pid" "$apiserver_bin" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --tls-cert-file "$run_dir/pki/apiserver.crt" --tls-private-key-file "$run_dir/pki/apiserver.key" \
    --authorization-mode RBAC --token-auth-file "$run_dir/pki/tokens.csv" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$run_dir/pki/sa.pub" --service-account-signing-key-file "$run_dir/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
    --audit-policy-file "$script_dir/audit-policy.yaml" --audit-log-path "$run_dir/audit.log" \
    --audit-log-mode blocking --audit-log-maxsize 200 \
    --enable-priority-and-fairness=false --profiling=false \
    --cert-dir "$run_dir/pki")
  cat >"$state_file" <<JSON
{
  "instance": "$instance",
  "url": "$url",
  "caFile": "$ca",
  "adminToken": "$token",
  "kubeconfig": "$run_dir/kubeconfig",
  "auditLog": "$run_dir/audit.log",
  "apiserverLog": "$run_dir/kube-apiserver.log",
  "etcdLog": "$run_dir/etcd.log",
  "etcdUrl": "http://127.0.0.1:$etcd_port",
  "dataDir": "$data_dir",
  "runDir": "$run_dir",
  "etcdPid": $etcd_pid,
  "apiserverPid": $apiserver_pid,
  "kubernetesVersion": "$kubernetes_version"
}
JSON
  write_kubeconfig "$url" "$ca" "$token"
  if ! wait_readyz "$url" "$token" "$ca" "$apiserver_pid"; then
    stop_instance
    exit 1
  fi
  log "kube-apiserver v$kubernetes_version ready at $url in $(since "$started") (instance $instance, kubeconfig $run_dir/kubeconfig)"
  echo started
}

wait_readyz() {
  local url=$1 token=$2 ca=$3 pid=$4 i
  for ((i = 0; i < wait_timeout_s * 10; i++)); do
    readyz "$url" "$token" "$ca" && return 0
    if ! alive "$pid"; then
      print_log_tail "$run_dir/kube-apiserver.log"
      log "error: kube-apiserver exited during startup (log: $run_dir/kube-apiserver.log)"
      return 1
    fi
    sleep 0.1
  done
  print_log_tail "$run_dir/kube-apiserver.log"
  log "error: kube-apiserver at $url not ready within ${wait_timeout_s} s (log: $run_dir/kube-apiserver.log)"
  return 1
}

stop_instance() {
  [[ -f "$state_file" ]] || return 0
  local apiserver_pid etcd_pid data_dir
  apiserver_pid=$(state_field apiserverPid)
  etcd_pid=$(state_field etcdPid)
  data_dir=$(state_field dataDir)
  stop_pid "$apiserver_pid" kube-apiserver 15
  stop_pid "$etcd_pid" etcd 15
  # Only the temp dir start made: a hand-edited state file must not point rm at a real folder.
  [[ "$data_dir" == "${TMPDIR:-/tmp}"/lagscale-k8s-* ]] && rm -rf "$data_dir"
  rm -f "$state_file" "$run_dir/data"
}

cmd_stop() {
  lock_instance
  if [[ ! -f "$state_file" ]]; then
    log "not running (instance $instance)"
    return 0
  fi
  stop_instance
  log "stopped (instance $instance; logs kept in $run_dir)"
}

cmd_status() {
  if instance_running; then
    echo "running: $(state_field url) (instance $instance, kubeconfig $(state_field kubeconfig))"
    return 0
  fi
  echo "stopped: instance $instance"
  return 3
}

cmd_logs() {
  local follow=0 lines=100
  while (($#)); do
    case $1 in
      -f | --follow) follow=1 ;;
      -n) shift; lines=${1:?-n needs a number} ;;
      *) die "logs: unknown option $1" ;;
    esac
    shift
  done
  local file="$run_dir/kube-apiserver.log"
  ((follow)) && exec tail -n "$lines" -F "$file"
  [[ -f "$file" ]] || die "no log yet at $file"
  tail -n "$lines" "$file"
}

command=${1:-}
[[ $# -gt 0 ]] && shift
case $command in
  install) cmd_install "$@" ;;
  install-background) cmd_install_background ;;
  await-install) cmd_await_install "$@" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  logs) cmd_logs "$@" ;;
  paths) cmd_paths ;;
  kustomize) cmd_kustomize "$@" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
