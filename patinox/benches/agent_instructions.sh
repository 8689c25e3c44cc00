#!/bin/sh
# Instructions per agent run (user space, concurrency 1), counted by callgrind
# for each client of the agent_run bench: (N runs − 0 runs) / N, so start-up,
# connection setup and warm-up cancel out. The mock runs in a child process
# that callgrind does not trace. Usage: patinox/benches/agent_instructions.sh [N [CLIENTS]]
# (CLIENTS: a space-separated list; lean-stream and patinox-stream stream their runs).
set -eu
runs="${1:-200}"
clients="${2:-lean typical patinox patinox-hyper lean-stream patinox-stream}"
cd "$(dirname "$0")/../.."
binary=$(cargo bench -p patinox --bench agent_run --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*agent_run[^"]*\)".*/\1/p' | tail -n 1)
count() {
  out=$(mktemp)
  AGENT_BENCH_ROLE=client AGENT_BENCH_CLIENT="$1" AGENT_BENCH_RUNS="$2" AGENT_BENCH_WARMUP=1 \
    valgrind --tool=callgrind --callgrind-out-file="$out" "$binary" >/dev/null 2>&1
  sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out"
  rm -f "$out"
}
echo "| client | instructions per run | allocations per run |"
echo "|---|---|---|"
for client in $clients; do
  base=$(count "$client" 0)
  full=$(count "$client" "$runs")
  allocations=$(AGENT_BENCH_ROLE=client AGENT_BENCH_CLIENT="$client" AGENT_BENCH_RUNS="$runs" \
    AGENT_BENCH_WARMUP=1 "$binary" | sed -n 's/.*runs=\([0-9]*\).*allocations=\([0-9]*\).*/\2 \1/p' \
    | awk '{ printf "%.1f", $1 / $2 }')
  echo "| $client | $(( (full - base) / runs )) | $allocations |"
done
