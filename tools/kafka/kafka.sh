#!/usr/bin/env bash
# The embedded real broker: one Apache Kafka KRaft node (broker + controller) on 127.0.0.1, built
# from Maven Central jars. Every subcommand is idempotent; see tools/kafka/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: kafka.sh <command>
  install       download the broker jars into .kafka/libs (cached by the pom's hash)
  start         install if needed, start the broker in the background, wait until it is ready;
                stdout says started, running (ours, already up) or foreign (another process's)
  wait          wait until a client can fetch metadata (KAFKA_WAIT_TIMEOUT_S, default 60)
  stop          SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT_S (default 20)
  status        print whether the broker on KAFKA_PORT runs (exit 0) or not (exit 3)
  logs [-f] [-n N]   tail (or follow) the server log
  reset         stop and delete the data dir
Env: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (port+1), KAFKA_DATA_DIR (.kafka/data-<port>),
     KAFKA_LOG_DIR (<data dir>/logs), KAFKA_HEAP (-Xmx768m), KAFKA_EXTRA_PROPERTIES, KAFKA_JVM_OPTS,
     KAFKA_WAIT_TIMEOUT_S (60), KAFKA_STOP_TIMEOUT_S (20), KAFKA_CDS (on|off),
     KAFKA_FORMAT_SCRAM (SCRAM credentials added when the data dir is first formatted)
EOF
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
kafka_root="$repo_root/.kafka"
libs_dir="$kafka_root/libs"
classes_dir="$kafka_root/classes"
stamp_file="$libs_dir/.installed"

port="${KAFKA_PORT:-19092}"
controller_port="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
# Absolute, because the pid check matches the properties path in the broker's command line.
data_dir=$(realpath -m "${KAFKA_DATA_DIR:-$kafka_root/data-$port}")
log_dir=$(realpath -m "${KAFKA_LOG_DIR:-$data_dir/logs}")
heap="${KAFKA_HEAP:--Xmx768m}"
wait_timeout_s="${KAFKA_WAIT_TIMEOUT_S:-60}"
stop_timeout_s="${KAFKA_STOP_TIMEOUT_S:-20}"

pid_file="$data_dir/kafka.pid"
props_file="$data_dir/server.properties"
marker_file="$data_dir/.lagscale-kafka"
cds_dir="$kafka_root/cds"
cds_pending="$data_dir/.cds-pending"

log() { echo "kafka.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
since() { local ms=$(($(now_ms) - $1)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }

is_port() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 > 0 && $1 < 65536)); }
is_port "$port" || die "KAFKA_PORT must be a port number (got \"$port\")"
is_port "$controller_port" || die "KAFKA_CONTROLLER_PORT must be a port number (got \"$controller_port\")"
[[ "$port" != "$controller_port" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ (both $port)"
[[ "$wait_timeout_s" =~ ^[0-9]+$ ]] || die "KAFKA_WAIT_TIMEOUT_S must be whole seconds (got \"$wait_timeout_s\")"
[[ "$stop_timeout_s" =~ ^[0-9]+$ ]] || die "KAFKA_STOP_TIMEOUT_S must be whole seconds (got \"$stop_timeout_s\")"

# The pom and the helper sources decide what install produces, so their hash is the cache key.
install_hash() { cat "$script_dir/pom.xml" "$script_dir"/java/*.java | sha256sum | cut -d' ' -f1; }

is_installed() { [[ -f "$stamp_file" && -d "$classes_dir" && "$(cat "$stamp_file")" == "$(install_hash)" ]]; }

require_java() {
  command -v java >/dev/null || die "Java 17+ is required to run the embedded Kafka broker (java not found on PATH)"
  local version major
  version=$(java -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)
  major=${version%%.*}
  [[ "$major" == 1 ]] && major=$(echo "$version" | cut -d. -f2)
  if ! [[ "$major" =~ ^[0-9]+$ ]] || ((major < 17)); then
    die "Java 17+ is required to run the embedded Kafka broker (found java ${version:-unknown})"
  fi
  command -v javac >/dev/null || die "a Java 17+ JDK is required (javac not found; a JRE is not enough)"
}

cmd_install() {
  is_installed && return 0
  mkdir -p "$kafka_root"
  exec 8>"$kafka_root/.install.lock"
  flock -w 600 8 || die "timed out waiting for another install to finish"
  # Another process may have installed while we waited for the lock.
  is_installed && return 0

  require_java
  command -v mvn >/dev/null || die "Maven is required to download the Kafka jars (mvn not found on PATH)"

  local tmp_libs="$kafka_root/libs.tmp" started
  started=$(now_ms)
  rm -rf "$tmp_libs" "$classes_dir.tmp"
  log "installing Kafka jars into $libs_dir (mvn dependency:copy-dependencies from tools/kafka/pom.xml)"
  # Maven 3.8 prints stray colour codes even with -B -q; strip them so only real messages remain.
  mvn -q -B -f "$script_dir/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$tmp_libs" -DincludeScope=runtime 2>&1 |
    sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2 ||
    die "mvn could not resolve the Kafka jars (is Maven Central reachable? see output above)"

  log "compiling the readiness probe into $classes_dir"
  mkdir -p "$classes_dir.tmp"
  javac -nowarn -d "$classes_dir.tmp" -cp "$tmp_libs/*" "$script_dir"/java/*.java

  rm -rf "$libs_dir" "$classes_dir" "$cds_dir"
  mv "$tmp_libs" "$libs_dir"
  mv "$classes_dir.tmp" "$classes_dir"
  install_hash >"$stamp_file"
  log "installed $(find "$libs_dir" -name '*.jar' | wc -l) jars in $(since "$started")"
}

pid_alive() {
  local pid
  [[ -f "$pid_file" ]] || return 1
  pid=$(cat "$pid_file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # The pid must still be our broker: pids are reused after a crash or a reboot.
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$props_file"
}

# A zombie counts as gone: after a failed start the broker is still our own unreaped child.
running() { [[ -r "/proc/$1/stat" && "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]]; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

listener_pid() { ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1; }

# A pid file naming a process that is no longer our broker: the broker was killed (SIGKILL, a
# crash). Its JVM may still be exiting: the main thread is gone (a zombie, so pid_alive is false)
# while other threads finish, and the sockets close only when the last thread exits, which on a
# busy machine can be seconds later. Read as "another process serves the port", that listener
# made start wait for a broker it never launched (KAFKA_WAIT_TIMEOUT_S, then fail). Wait,
# bounded by KAFKA_STOP_TIMEOUT_S, until every thread is gone and both ports are closed.
wait_killed_broker_gone() {
  [[ -f "$pid_file" ]] || return 0
  local pid i
  pid=$(cat "$pid_file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  # A reused pid (a process with a command line, not the broker's) is not ours to wait for; an
  # exiting JVM's main thread is a zombie, whose command line reads empty.
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 0
  [[ -z "$cmdline" || "$cmdline" == *"$props_file"* ]] || return 0
  for ((i = 0; i < stop_timeout_s * 10; i++)); do
    if ! threads_left "$pid" && ! port_open "$port" && ! port_open "$controller_port"; then
      ((i == 0)) || log "the killed broker (pid $pid) released its ports after $((i / 10)).$((i % 10)) s"
      return 0
    fi
    ((i == 0)) && log "the killed broker (pid $pid) is still exiting; waiting for it to release 127.0.0.1:$port and :$controller_port"
    sleep 0.1
  done
  log "the killed broker (pid $pid) still holds its ports after ${stop_timeout_s} s"
}

# Whether any thread of the process is still running (not a zombie): its sockets are open until
# the last one exits.
threads_left() {
  local stat
  for stat in /proc/"$1"/task/*/stat; do
    [[ -r "$stat" ]] || continue
    [[ "$(sed 's/.*) //' "$stat" 2>/dev/null | cut -d' ' -f1)" =~ ^[ZX]?$ ]] || return 0
  done
  return 1
}

# Serialises start/stop/reset per port, so parallel test runs share one broker instead of racing.
lock_port() {
  mkdir -p "$kafka_root/run"
  exec 9>"$kafka_root/run/$port.lock"
  flock -w 180 9 || die "timed out waiting for another kafka.sh on port $port"
}

# KAFKA_EXTRA_PROPERTIES is newline- or comma-separated key=value; a comma-separated piece that
# does not start with "key=" continues the previous value, so listener lists survive the split.
extra_properties() {
  local raw="${KAFKA_EXTRA_PROPERTIES:-}"
  [[ -n "$raw" ]] || return 0
  if [[ "$raw" != *$'\n'* ]]; then
    raw=$(awk 'BEGIN { RS = ","; ORS = "" } {
      sub(/\n$/, "")
      if (NR == 1) printf "%s", $0
      else if ($0 ~ /^[[:space:]]*[A-Za-z0-9._-]+=/) printf "\n%s", $0
      else printf ",%s", $0
    }' <<<"$raw")
  fi
  printf '%s\n' "$raw" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' -e '/^#/d' | while IFS= read -r line; do
    [[ "$line" =~ ^[A-Za-z0-9._-]+= ]] || die "KAFKA_EXTRA_PROPERTIES: expected key=value, got \"$line\""
    printf '%s\n' "$line"
  done
}

write_properties() {
  local extras keys
  extras=$(extra_properties)
  keys=$(printf '%s\n' "$extras" | sed -n 's/^\([^=]*\)=.*/\1/p')
  {
    echo "# Generated by tools/kafka/kafka.sh from tools/kafka/server.properties; edits are overwritten."
    sed -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$controller_port|g" -e "s|@DATA_DIR@|$data_dir|g" \
      "$script_dir/server.properties" |
      awk -v keys="$keys" 'BEGIN { n = split(keys, k, "\n"); for (i = 1; i <= n; i++) skip[k[i]] = 1 }
        { key = $0; sub(/=.*/, "", key); if (!($0 ~ /^[^#]*=/ && key in skip)) print }'
    if [[ -n "$extras" ]]; then
      echo "# KAFKA_EXTRA_PROPERTIES"
      printf '%s\n' "$extras"
    fi
  } >"$props_file.tmp"
  mv "$props_file.tmp" "$props_file"
}

# Startup flags measured on 2 cores (see README): small heap and serial GC (no parallel GC threads
# competing with the tests). An AppCDS archive of the broker's classes halves start time and CPU:
# the first broker run records it when it exits (stop renames it into place once complete).
broker_jvm_opts() {
  local archive
  archive=$(cds_archive)
  # shellcheck disable=SC2206 # KAFKA_HEAP / KAFKA_JVM_OPTS are word lists on purpose
  local opts=($heap -XX:+UseSerialGC -Xshare:auto "-Xlog:cds*=error" -Djava.awt.headless=true)
  if [[ "${KAFKA_CDS:-on}" == off ]]; then
    :
  elif [[ -f "$archive" ]]; then
    opts+=("-XX:SharedArchiveFile=$archive")
  else
    mkdir -p "$cds_dir"
    echo "$archive" >"$cds_pending"
    opts+=("-XX:ArchiveClassesAtExit=$archive.$port.tmp")
  fi
  # shellcheck disable=SC2206
  opts+=(${KAFKA_JVM_OPTS:-})
  printf '%s\n' "${opts[@]}"
}

# Other JVMs (the storage formatter) only read the archive, never record one.
cds_read_opts() {
  local archive
  archive=$(cds_archive)
  [[ "${KAFKA_CDS:-on}" != off && -f "$archive" ]] && echo "-XX:SharedArchiveFile=$archive"
  return 0
}

# An archive only fits the jars and the JVM it was made with, so both are in its name.
cds_archive() {
  local java_bin key
  java_bin=$(readlink -f "$(command -v java)")
  key=$({ cat "$stamp_file"; echo "$java_bin"; stat -c %Y "$java_bin"; } | sha256sum | cut -c1-16)
  echo "$cds_dir/kafka-$key.jsa"
}

# After a clean exit the JVM has written the whole archive; after SIGKILL it may be partial.
finish_cds_dump() {
  local clean_exit=$1 archive
  [[ -f "$cds_pending" ]] || return 0
  archive=$(cat "$cds_pending")
  if ((clean_exit)) && [[ -s "$archive.$port.tmp" ]]; then
    mv -f "$archive.$port.tmp" "$archive"
    log "saved the class-data archive $archive (later starts are faster)"
  else
    rm -f "$archive.$port.tmp"
  fi
  rm -f "$cds_pending"
}

random_cluster_id() {
  # Same shape as Uuid.randomUuid(): 16 random bytes, URL-safe base64, not starting with "-".
  local id
  while :; do
    id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    [[ "$id" != -* ]] && { echo "$id"; return; }
  done
}

# KAFKA_FORMAT_SCRAM: one StorageTool credential per line, e.g.
# SCRAM-SHA-256=[name=alice,password=alice-secret]. Lines, not commas: the specs contain commas.
scram_format_args() {
  local line
  printf '%s\n' "${KAFKA_FORMAT_SCRAM:-}" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' |
    while IFS= read -r line; do
      [[ "$line" =~ ^SCRAM-SHA-(256|512)=\[.+\]$ ]] ||
        die "KAFKA_FORMAT_SCRAM: expected SCRAM-SHA-256|512=[name=...,password=...], got \"${line%%=*}=...\""
      printf '%s\n%s\n' --add-scram "$line"
    done
}

# $1: the --add-scram arguments from scram_format_args, one per line (may be empty).
format_storage() {
  local scram_args="$1"
  if [[ -f "$data_dir/kraft/meta.properties" ]]; then
    [[ -z "$scram_args" ]] || log "KAFKA_FORMAT_SCRAM ignored: $data_dir/kraft is already formatted (reset to apply it)"
    return 0
  fi
  local cluster_id args=()
  [[ -z "$scram_args" ]] || mapfile -t args <<<"$scram_args"
  cluster_id=$(random_cluster_id)
  log "formatting $data_dir/kraft (cluster id $cluster_id${args[*]:+, $((${#args[@]} / 2)) SCRAM credentials})"
  # A short-lived tool: the C1 JIT alone starts it faster.
  # shellcheck disable=SC2046 # zero or one flag
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto "-Xlog:cds*=error" $(cds_read_opts) \
    -Dlog4j2.configurationFile="$script_dir/log4j2.properties" -Dkafka.logs.dir="$log_dir" \
    -cp "$libs_dir/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$props_file" "${args[@]}" >"$log_dir/format.out" 2>&1 ||
    { cat "$log_dir/format.out" >&2; die "formatting the storage in $data_dir/kraft failed"; }
}

cmd_start() {
  # Checked before anything is written, and on every start, not only the first.
  local scram_args
  scram_args=$(scram_format_args) || exit 1
  cmd_install
  command -v java >/dev/null || die "Java 17+ is required to run the embedded Kafka broker (java not found on PATH)"
  lock_port
  if pid_alive; then
    log "already running (pid $(cat "$pid_file")) on 127.0.0.1:$port"
    wait_ready "$(cat "$pid_file")" || exit 1
    echo running
    return
  fi
  wait_killed_broker_gone
  if port_open "$port"; then
    log "127.0.0.1:$port is already in use (pid $(listener_pid "$port")); not starting a second broker, checking it is Kafka"
    wait_ready "" || exit 1
    echo foreign
    return
  fi
  port_open "$controller_port" &&
    die "controller port 127.0.0.1:$controller_port is in use (pid $(listener_pid "$controller_port")); set KAFKA_CONTROLLER_PORT"

  mkdir -p "$log_dir"
  touch "$marker_file"
  # A pid file left by a broker that was killed (SIGKILL, a crash) names a dead process; the wait
  # below must not read it as the new broker's pid.
  rm -f "$pid_file"
  write_properties
  format_storage "$scram_args"

  local opts
  mapfile -t opts < <(broker_jvm_opts)
  log "starting Kafka on 127.0.0.1:$port (controller :$controller_port, data $data_dir, logs $log_dir)"
  # setsid: the broker must outlive this script and not get the terminal's Ctrl-C; the inner shell
  # writes its own pid and then execs java, so the pid file names the JVM. Closing fds 8 and 9
  # keeps the broker from holding our flocks for its whole life.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" \
    java "${opts[@]}" \
    -Dlog4j2.configurationFile="$script_dir/log4j2.properties" -Dkafka.logs.dir="$log_dir" \
    -cp "$libs_dir/*" kafka.Kafka "$props_file" \
    </dev/null >"$log_dir/kafka.out" 2>&1 8>&- 9>&- &
  local launcher=$!
  local i
  for i in $(seq 50); do [[ -s "$pid_file" ]] && break; sleep 0.02; done
  [[ -s "$pid_file" ]] || echo "$launcher" >"$pid_file"
  if ! wait_ready "$(cat "$pid_file")"; then
    # A half-started broker would hold the port and make the next start wait on it again.
    if pid_alive; then stop_broker; else rm -f "$pid_file"; finish_cds_dump 0; fi
    exit 1
  fi
  echo started
}

print_log_tail() {
  local f
  for f in "$log_dir/kafka.out" "$log_dir/server.log"; do
    [[ -s "$f" ]] || continue
    echo "---- last lines of $f ----" >&2
    tail -n 40 "$f" >&2
  done
}

# A real client must fetch metadata: kafkajs through node when the workspace is installed (0.15 s
# against a running broker), else the Java admin client (1 s, but needs no node_modules). Both
# poll in one process and fail at once if the broker process dies.
probe_ready() {
  local pid="$1" timeout_ms=$((wait_timeout_s * 1000)) rc=0
  if command -v node >/dev/null; then
    node "$script_dir/broker-ready.mjs" "127.0.0.1:$port" "$timeout_ms" ${pid:+"$pid"} || rc=$?
    ((rc != 4)) && return $rc
  fi
  [[ -d "$classes_dir" ]] || cmd_install
  java -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -cp "$classes_dir:$libs_dir/*" BrokerReady "127.0.0.1:$port" "$timeout_ms" ${pid:+"$pid"}
}

wait_ready() {
  local pid="${1:-}" started rc=0 out
  started=$(now_ms)
  out=$(probe_ready "$pid" 2>&1) || rc=$?
  case $rc in
    0) log "$out (waited $(since "$started"))"; return 0 ;;
    2) print_log_tail; log "error: the broker on 127.0.0.1:$port exited during startup (logs in $log_dir)" ;;
    *) print_log_tail; log "error: no Kafka answered on 127.0.0.1:$port within ${wait_timeout_s} s: $out" ;;
  esac
  return 1
}

cmd_wait() {
  local pid=""
  pid_alive && pid=$(cat "$pid_file")
  wait_ready "$pid" || exit 1
}

cmd_stop() {
  lock_port
  stop_broker
}

stop_broker() {
  if ! pid_alive; then
    rm -f "$pid_file"
    finish_cds_dump 0
    if port_open "$port"; then
      log "not stopped: 127.0.0.1:$port belongs to a process not started from $data_dir (pid $(listener_pid "$port"))"
    else
      log "not running on 127.0.0.1:$port"
    fi
    return 0
  fi
  local pid i
  pid=$(cat "$pid_file")
  log "stopping pid $pid (127.0.0.1:$port)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < stop_timeout_s * 10; i++)); do
    running "$pid" || break
    sleep 0.1
  done
  local clean_exit=1
  if running "$pid"; then
    log "still running after ${stop_timeout_s} s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while running "$pid"; do sleep 0.1; done
    clean_exit=0
  fi
  rm -f "$pid_file"
  finish_cds_dump "$clean_exit"
  log "stopped"
}

cmd_status() {
  if pid_alive; then
    echo "running: pid $(cat "$pid_file"), 127.0.0.1:$port (controller :$controller_port), data $data_dir, logs $log_dir"
    return 0
  fi
  if port_open "$port"; then
    echo "foreign: 127.0.0.1:$port is served by pid $(listener_pid "$port"), not by a broker from $data_dir"
    return 0
  fi
  echo "stopped: nothing on 127.0.0.1:$port (data $data_dir)"
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
  local file="$log_dir/server.log"
  if ((follow)); then
    exec tail -n "$lines" -F "$file"
  fi
  [[ -f "$file" ]] || die "no log yet at $file"
  tail -n "$lines" "$file"
}

cmd_reset() {
  cmd_stop
  [[ -d "$data_dir" ]] || return 0
  # Delete only what this script created: a mistyped KAFKA_DATA_DIR must not wipe a real folder.
  [[ -f "$marker_file" || "$data_dir" == "$kafka_root"/* ]] ||
    die "refusing to delete $data_dir: it was not created by kafka.sh (no $marker_file)"
  rm -rf "$data_dir"
  log "deleted $data_dir"
}

command=${1:-}
[[ $# -gt 0 ]] && shift
case $command in
  install) cmd_install ;;
  start) cmd_start ;;
  wait) cmd_wait ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  logs) cmd_logs "$@" ;;
  reset) cmd_reset ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
