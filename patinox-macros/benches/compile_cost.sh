#!/usr/bin/env bash
# Compile cost of #[tool]: a crate of N tools written with the macro against
# the same N tools written by hand, built in the same run.
#
#   patinox-macros/benches/compile_cost.sh [N=100] [RUNS=5] [PROFILES="dev release"]
#
# Set COMPILE_COST_TARGET to a directory to keep the dependencies' build
# between invocations (default: a fresh temporary target directory).
#
# Both crates live in one temporary workspace that depends on this checkout's
# `patinox` by path and shares its Cargo.lock, so dependencies are built once
# (a warm-up build per profile) and only the two crates are timed. Each timed
# build touches the crate's source first; the runs of the two crates
# alternate so machine load hits both alike. Prints the median times and the
# macro/hand ratio for `cargo build` and `cargo build --release`.
set -euo pipefail

n=${1:-100}
runs=${2:-5}
profiles=${3:-dev release}
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

deps='patinox = { path = "'"$repo"'/patinox" }
async-trait = "0.1"
schemars = "1"
serde = { version = "1", features = ["derive"] }
serde_json = "1"'

cat >"$dir/Cargo.toml" <<TOML
[workspace]
resolver = "3"
members = ["with_macro", "by_hand"]

[profile.dev.package."*"]
opt-level = 1
debug = false
TOML
cp "$repo/Cargo.lock" "$dir/Cargo.lock"

for crate in with_macro by_hand; do
  mkdir -p "$dir/$crate/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\n\n[dependencies]\n%s\n' \
    "$crate" "$deps" >"$dir/$crate/Cargo.toml"
done

# The same tool twice: once as a function under #[tool], once by hand.
{
  echo '//! Tools written with #[tool].'
  echo 'use schemars::JsonSchema;'
  echo 'use serde::Deserialize;'
  for i in $(seq 1 "$n"); do
    cat <<RS

/// Units of tool $i.
#[derive(Deserialize, JsonSchema)]
pub enum Unit$i { Metric, Imperial }

/// Looks up item $i.
///
/// # Arguments
/// * \`query\` - What to look for.
/// * \`limit\` - At most this many results.
/// * \`tags\` - Tags to filter by.
/// * \`unit\` - Unit system.
#[patinox::tool]
pub async fn lookup_$i(query: String, limit: Option<u32>, tags: Vec<String>, unit: Option<Unit$i>) -> Result<String, String> {
    if query.is_empty() { return Err("empty query".to_owned()); }
    let _ = unit;
    Ok(format!("{query} {} {}", limit.unwrap_or($i), tags.len()))
}
RS
  done
} >"$dir/with_macro/src/lib.rs"

{
  echo '//! The same tools written by hand against the Tool trait.'
  echo 'use async_trait::async_trait;'
  echo 'use patinox::model::ToolSpec;'
  echo 'use patinox::tool::{RunContext, Tool, ToolError, ToolResult};'
  echo 'use schemars::JsonSchema;'
  echo 'use serde::Deserialize;'
  echo 'use serde_json::value::RawValue;'
  for i in $(seq 1 "$n"); do
    cat <<RS

/// Units of tool $i.
#[derive(Deserialize, JsonSchema)]
pub enum Unit$i { Metric, Imperial }

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Lookup${i}Args {
    /// What to look for.
    query: String,
    /// At most this many results.
    limit: Option<u32>,
    /// Tags to filter by.
    tags: Vec<String>,
    /// Unit system.
    unit: Option<Unit$i>,
}

/// Looks up item $i.
pub async fn lookup_$i(query: String, limit: Option<u32>, tags: Vec<String>, unit: Option<Unit$i>) -> Result<String, String> {
    if query.is_empty() { return Err("empty query".to_owned()); }
    let _ = unit;
    Ok(format!("{query} {} {}", limit.unwrap_or($i), tags.len()))
}

/// The tool of [\`lookup_$i\`].
pub struct Lookup$i { spec: ToolSpec }

impl Lookup$i {
    /// The tool, or why its schema is unusable.
    pub fn new() -> patinox::Result<Self> {
        Ok(Self { spec: patinox::schema::tool_spec::<Lookup${i}Args>("lookup_$i", "Looks up item $i.")? })
    }
}

#[async_trait]
impl Tool for Lookup$i {
    fn spec(&self) -> &ToolSpec { &self.spec }

    async fn call(&self, _ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        let args: Lookup${i}Args = serde_json::from_str(arguments.get()).map_err(ToolError::invalid_arguments)?;
        let output = lookup_$i(args.query, args.limit, args.tags, args.unit).await.map_err(ToolError::failed)?;
        serde_json::to_string(&output).map_err(ToolError::failed)
    }
}
RS
  done
} >"$dir/by_hand/src/lib.rs"

export CARGO_TARGET_DIR="${COMPILE_COST_TARGET:-$dir/target}"
cd "$dir"

time_build() { # crate, profile flag...
  local crate=$1
  shift
  touch "$crate/src/lib.rs"
  local start end
  start=$(date +%s.%N)
  cargo build --quiet --offline -p "$crate" "$@"
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for profile in $profiles; do
  flags=()
  [ "$profile" = release ] && flags=(--release)
  # Warm-up: dependencies and a first build of each crate.
  cargo build --quiet --offline -p with_macro -p by_hand "${flags[@]}"
  macro_times=()
  hand_times=()
  for _ in $(seq 1 "$runs"); do
    macro_times+=("$(time_build with_macro "${flags[@]}")")
    hand_times+=("$(time_build by_hand "${flags[@]}")")
  done
  m=$(printf '%s\n' "${macro_times[@]}" | median)
  h=$(printf '%s\n' "${hand_times[@]}" | median)
  m_min=$(printf '%s\n' "${macro_times[@]}" | sort -n | head -1)
  h_min=$(printf '%s\n' "${hand_times[@]}" | sort -n | head -1)
  printf '%-8s %d tools: #[tool] %.2fs, by hand %.2fs, ratio %.2f (medians); best runs %.2fs / %.2fs, ratio %.2f\n' \
    "$profile" "$n" "$m" "$h" "$(echo "$m / $h" | bc -l)" "$m_min" "$h_min" "$(echo "$m_min / $h_min" | bc -l)"
  printf '         runs: macro %s; hand %s\n' "${macro_times[*]}" "${hand_times[*]}"
done
