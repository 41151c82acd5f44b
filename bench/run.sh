#!/usr/bin/env bash
# bench/run.sh: the benchmark behind `make bench` (docs/benchmarks.md).
# Starts nexus-server (sharing and stealing scheduler) and the baselines
# (raw Beast, Node ws, FastAPI) one at a time on free loopback ports, drives
# each with the same nexus-bench heartbeat workloads, and writes a Markdown
# table to bench/results/latest.md. Every server it starts is killed on exit.
#
# Environment (all optional):
#   BUILD_DIR            build tree with bin/ (default: <repo>/build)
#   BENCH_CONNECTIONS    connections per run (100)
#   BENCH_DURATION       measured seconds per run (5)
#   BENCH_WARMUP         unmeasured seconds before each run (1)
#   BENCH_ROUNDS         rounds; the median run is reported (3)
#   BENCH_NICE           nice level of servers and generator (-10: ahead of
#                        other jobs on the machine; 0 when not root)
#   BENCH_WINDOWS        closed-loop windows (“1 8”)
#   BENCH_PIN            1: server on CPU 0, generator on CPU 1; 0: no pinning
#   BENCH_RAW_THREADS    raw-beast-server Asio threads (1 when pinned to one
#                        core, else 2 like nexus-server's io-threads)
#   BENCH_SERVERS        subset of “nexus-sharing nexus-stealing raw-beast
#                        node-ws fastapi”
#   BENCH_OUT            output file (bench/results/latest.md)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
BIN=$BUILD_DIR/bin
RESULTS=$ROOT/bench/results
OUT=${BENCH_OUT:-$RESULTS/latest.md}
CONNS=${BENCH_CONNECTIONS:-100}
DURATION=${BENCH_DURATION:-5}
WARMUP=${BENCH_WARMUP:-1}
ROUNDS=${BENCH_ROUNDS:-3}
NICE=${BENCH_NICE:--10}
WINDOWS=${BENCH_WINDOWS:-1 8}
PIN=${BENCH_PIN:-1}
RAW_THREADS=${BENCH_RAW_THREADS:-$((PIN == 1 ? 1 : 2))}
SERVERS=${BENCH_SERVERS:-nexus-sharing nexus-stealing raw-beast node-ws fastapi}
PY=/usr/bin/python3 # PITFALLS: Debian's packages live only there

WORK=$(mktemp -d /tmp/nexus-bench.XXXXXX)
SERVER_PID=""
STARTS=0

AUTOGROUP_NICE=""

# True while process $1 runs (a zombie, exited but not waited for, does not).
alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [[ -n $state && $state != Z ]]
}

# Stops the running server: SIGTERM, then SIGKILL after 5 s.
stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 50); do
    alive "$SERVER_PID" || break
    sleep 0.1
  done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

cleanup() {
  if [[ -n $AUTOGROUP_NICE ]]; then
    echo "$AUTOGROUP_NICE" >/proc/self/autogroup 2>/dev/null || true
  fi
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf 'bench: %s\n' "$*" >&2; }

# Both commands get a prefix: a raised priority (so that other jobs on the
# machine disturb less) and, when pinning, a CPU of their own. With
# autogroup scheduling (Debian's default) a process's nice only ranks it
# inside its session, so the session's own nice is raised too, and restored
# on exit.
SERVER_PREFIX=()
GEN_PREFIX=()
if [[ $NICE != 0 && $(id -u) == 0 ]]; then
  SERVER_PREFIX=(nice -n "$NICE")
  GEN_PREFIX=(nice -n "$NICE")
  if [[ -w /proc/self/autogroup ]]; then
    old=$(sed -n 's/.* nice //p' /proc/self/autogroup)
    if echo "$NICE" >/proc/self/autogroup 2>/dev/null; then
      AUTOGROUP_NICE=${old:-0}
    fi
  fi
else
  NICE=0
fi
if [[ $PIN == 1 && $(nproc) -ge 2 ]]; then
  SERVER_PREFIX+=(taskset -c 0)
  GEN_PREFIX+=(taskset -c 1)
fi

for exe in nexus-bench raw-beast-server; do
  [[ -x $BIN/$exe ]] || { log "missing $BIN/$exe (build first)"; exit 1; }
done

# The command line of server $1 (empty when it cannot run here).
server_cmd() {
  case $1 in
    nexus-sharing | nexus-stealing)
      [[ -x $BIN/nexus-server ]] || return 0
      echo "$BIN/nexus-server --dev --nexus-port 0 --neurograph-port 0" \
        "--data-dir $WORK/data-$1 --log-level warn" \
        "--scheduler-policy ${1#nexus-}" ;;
    raw-beast) echo "$BIN/raw-beast-server --port 0 --threads $RAW_THREADS" ;;
    node-ws) echo "node $ROOT/bench/baselines/node_ws_server.js --port 0" ;;
    fastapi) echo "$PY $ROOT/bench/baselines/fastapi_server.py --port 0" ;;
  esac
}

# Starts server $1 in the background; sets SERVER_PID and PORT.
start_server() {
  local name=$1 cmd out
  cmd=$(server_cmd "$name")
  [[ -n $cmd ]] || { log "$name: not built, skipped"; return 1; }
  STARTS=$((STARTS + 1))
  out=$WORK/$name.start$STARTS.log
  : >"$out" # the background job creates it too late for the loop below
  # shellcheck disable=SC2086 # the command line is split on purpose
  "${SERVER_PREFIX[@]}" $cmd >"$out" 2>&1 &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -nE 's/^listening (nexus|port)=([0-9]+).*/\2/p' "$out" |
      head -n1)
    [[ -n $PORT ]] && return 0
    alive "$SERVER_PID" || break
    sleep 0.1
  done
  log "$name did not start:"; tail -n 20 "$out" >&2
  stop_server
  return 1
}

# User + system CPU ticks the running server has used so far.
server_cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0
}

# Runs one workload against server $1 labelled $2; the rest are
# nexus-bench flags. Saves the JSON line as $WORK/$1.$2.json.
load() {
  local name=$1 label=$2
  shift 2
  local json cpu0 cpu1
  cpu0=$(server_cpu_ticks)
  json=$("${GEN_PREFIX[@]}" "$BIN/nexus-bench" \
    --url "ws://127.0.0.1:$PORT/ws" --connections "$CONNS" \
    --duration "$DURATION" --warmup "$WARMUP" --sources 4 \
    --subprotocol nexus-json --json "$@" 2>"$WORK/$name.$label.err") || true
  cpu1=$(server_cpu_ticks)
  if [[ -n $json ]]; then
    # Server CPU per answered request, warm-up included: a figure that
    # stays meaningful when the generator and other jobs share the cores.
    $PY -c 'import json, sys
r = json.loads(sys.argv[1])
secs = int(sys.argv[2]) / int(sys.argv[3])
n = r.get("answered_total", 0)
r["server_cpu_us_per_req"] = secs * 1e6 / n if n else None
print(json.dumps(r))' "$json" "$((cpu1 - cpu0))" "$(getconf CLK_TCK)" \
      >"$WORK/$name.$label.json"
  fi
  log "$name $label: $(head -n1 "$WORK/$name.$label.err")"
  sed -n '2,$p' "$WORK/$name.$label.err" >&2
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE=$(loadavg)

# Keeps the median of the rounds $WORK/$1.r*.json, ordered by the field
# $2, as $WORK/final/$1.json.
keep_median() {
  local files=("$WORK"/$1.r*.json)
  [[ -e ${files[0]} ]] || return 0
  mkdir -p "$WORK/final"
  $PY -c 'import json, sys
runs = sorted((json.load(open(f)) for f in sys.argv[3:]),
              key=lambda r: r[sys.argv[1]])
json.dump(runs[len(runs) // 2], open(sys.argv[2], "w"))' \
    "$2" "$WORK/final/$1.json" "${files[@]}"
}

# Closed loop at every window for every server, in rounds that interleave
# the servers, so that a burst of outside load hits all of them alike.
for round in $(seq "$ROUNDS"); do
  for name in $SERVERS; do
    start_server "$name" || continue
    for w in $WINDOWS; do load "$name" "w$w.r$round" --window "$w"; done
    stop_server
  done
done
for name in $SERVERS; do
  for w in $WINDOWS; do keep_median "$name.w$w" requests_per_sec; done
done

# Best closed-loop req/s over the JSON files matching $1 (0 when none).
peak_of() {
  local files=("$WORK"/final/$1.w*.json)
  [[ -e ${files[0]} ]] || { echo 0; return; }
  $PY -c 'import json, sys
print(max(json.load(open(f))["requests_per_sec"] for f in sys.argv[1:]))' \
    "${files[@]}"
}

# Open loop at half the best closed-loop Nexus throughput (raw Beast's when
# nexus-server is not built yet); the round with the median p99 is kept.
half() { $PY -c 'import sys; print(int(float(sys.argv[1]) / 2))' "$1"; }
RATE=$(half "$(peak_of 'nexus-*')")
RATE_FROM=Nexus
if [[ $RATE == 0 ]]; then
  RATE=$(half "$(peak_of raw-beast)")
  RATE_FROM="raw Beast (nexus-server not built)"
fi
if [[ $RATE -gt 0 ]]; then
  for round in $(seq "$ROUNDS"); do
    for name in $SERVERS; do
      start_server "$name" || continue
      load "$name" "open.r$round" --rate "$RATE"
      stop_server
    done
  done
  for name in $SERVERS; do keep_median "$name.open" p99_us; done
fi

mkdir -p "$RESULTS"
$PY - "$WORK" "$OUT" "$RATE" "$RATE_FROM" "$PIN" "$CONNS" "$DURATION" \
  "$WARMUP" "$WINDOWS" "$SERVERS" "$LOAD_BEFORE" "$(loadavg)" \
  "$RAW_THREADS" "$ROUNDS" "$NICE" <<'PY'
"""Turns the JSON lines in WORK into the Markdown table."""
import datetime, glob, json, os, subprocess, sys
(work, out, rate, rate_from, pin, conns, duration, warmup, windows,
 servers, load_before, load_after, raw_threads, rounds, nice) = sys.argv[1:]
windows, servers = windows.split(), servers.split()
names = {"nexus-sharing": "Nexus (sharing)", "nexus-stealing":
         "Nexus (stealing)", "raw-beast": "raw Beast", "node-ws": "Node ws",
         "fastapi": "FastAPI"}

def res(server, label):
    try:
        with open(os.path.join(work, "final", f"{server}.{label}.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None

def peak(server):
    runs = [r for w in windows if (r := res(server, "w" + w))]
    return max((r["requests_per_sec"] for r in runs), default=0)

def cell(r, key):
    if not r:
        return "—"
    return f"{r[key]:,.0f}"

head = ["server"]
for w in windows:
    head += [f"w={w} req/s", f"w={w} p50 µs", f"w={w} p99 µs"]
head += [f"server CPU µs/req (w={windows[-1]})", "generator CPU µs/req"]
head += [f"open {rate}/s p50 µs", "p99 µs", "p99.9 µs", "errors"]
rows = []
for s in servers:
    row = [names.get(s, s)]
    for w in windows:
        r = res(s, "w" + w)
        row += [cell(r, "requests_per_sec"), cell(r, "p50_us"),
                cell(r, "p99_us")]
    last = res(s, "w" + windows[-1])
    for key in ("server_cpu_us_per_req", "generator_cpu_us_per_req"):
        cpu = last and last.get(key)
        row += [f"{cpu:.1f}" if cpu else "—"]
    o = res(s, "open")
    runs = glob.glob(os.path.join(work, f"{s}.*.r*.json"))
    errs = sum(json.load(open(f))["errors"] for f in runs)
    row += [cell(o, "p50_us"), cell(o, "p99_us"), cell(o, "p999_us"),
            str(errs) if runs else "—"]
    rows.append(row)

def ratio_line(nexus, base, goal):
    n, b = peak(nexus), peak(base)
    what = f"{names[nexus]} / {names[base]} ≥ {goal}×"
    if not n or not b:
        return f"| {what} | — | not run |"
    ok = "yes" if n / b >= goal else "**no**"
    return f"| {what} | {n / b:.2f}× | {ok} |"

goals = []
for n in ("nexus-sharing", "nexus-stealing"):
    goals.append(ratio_line(n, "raw-beast", 0.8))
    goals.append(ratio_line(n, "node-ws", 1.3))
    o = res(n, "open")
    if o:
        ok = "yes" if o["p99_us"] < 5000 and o["errors"] == 0 else "**no**"
        goals.append(f"| {names[n]} p99 < 5 ms at {rate}/s | "
                     f"{o['p99_us'] / 1000:.2f} ms | {ok} |")

try:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
except OSError:
    commit = ""
lines = [
    f"# Benchmark results ({datetime.datetime.now():%Y-%m-%d %H:%M})", "",
    f"`make bench` on {os.cpu_count()} cores, commit `{commit or 'none'}`; "
    f"{conns} connections, {warmup} s warm-up + {duration} s measured per "
    f"run, heartbeat request/reply (nexus dialect); each cell is the median "
    f"of {rounds} rounds (by req/s, open loop by p99); nice {nice}. "
    + ("Server pinned to CPU 0, generator to CPU 1. " if pin == "1" else
       "No CPU pinning. ")
    + f"Open loop at {rate} req/s = half the peak of {rate_from}. "
    f"raw Beast with {raw_threads} thread(s). Load average before/after: "
    f"{load_before} / {load_after} (other jobs on the machine skew "
    "everything).", "",
    "| " + " | ".join(head) + " |",
    "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]
lines += ["", "| goal | measured | met |", "|---|---|---|"] + goals
lines += ["", "Peak = best closed-loop req/s over the windows. Latency is "
          "timed from the scheduled send time (open loop: no coordinated "
          "omission). errors = error replies + unanswered + broken or "
          "refused connections, over all rounds of that server. CPU µs/req = "
          "server user+system CPU time / answered requests (warm-up "
          "included); generator CPU µs/req = nexus-bench's own (when it nears "
          "1e6 / req/s the generator, not the server, is the limit)."]
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
# Keep the server logs and generator stderr for a look after the run.
rm -rf "$RESULTS/logs"
mkdir -p "$RESULTS/logs"
cp "$WORK"/*.log "$WORK"/*.err "$RESULTS/logs/" 2>/dev/null || true
log "wrote $OUT (logs in $RESULTS/logs)"
