#!/bin/sh
# Instructions per agent run with and without a local journal (user space,
# counted by callgrind): (N runs − 0 runs) / N, so start-up and warm-up cancel
# out. The mock runs in a child process that callgrind does not trace. The
# journal's writes and fdatasync calls are system time, which callgrind does
# not count: the bench's own output (CPU and wall time per run) shows them.
# Usage: patinox/benches/durable_instructions.sh [N]
set -eu
runs="${1:-200}"
cd "$(dirname "$0")/../.."
binary=$(cargo bench -p patinox --bench durable_run --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*durable_run[^"]*\)".*/\1/p' | tail -n 1)
count() {
  out=$(mktemp)
  DURABLE_BENCH_MODE="$1" DURABLE_BENCH_RUNS="$2" \
    valgrind --tool=callgrind --callgrind-out-file="$out" "$binary" >/dev/null 2>&1
  sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out"
  rm -f "$out"
}
echo "| mode | instructions per run | CPU per run (user + system) | wall per run |"
echo "|---|---|---|---|"
for mode in plain journal; do
  base=$(count "$mode" 0)
  full=$(count "$mode" "$runs")
  times=$(DURABLE_BENCH_MODE="$mode" DURABLE_BENCH_RUNS="$runs" "$binary" \
    | sed -n 's/.*user_us=\([0-9.]*\) system_us=\([0-9.]*\) wall_us=\([0-9.]*\).*/\1 \2 \3/p' \
    | awk '{ printf "%.0f µs + %.0f µs | %.0f µs", $1, $2, $3 }')
  echo "| $mode | $(( (full - base) / runs )) | $times |"
done
