#!/bin/bash
# Runs one libFuzzer target of Fuzz/ for a number of seconds:
#     scripts/fuzz.sh FuzzIDX 600        (targets: FuzzIDX FuzzSafetensors FuzzArchitecture FuzzPNG FuzzONNX)
#     scripts/fuzz.sh FuzzIDX 0          (runs each seed once and stops: what .ci/run does)
# Builds Fuzz/ in debug mode (overflow checks on) with -sanitize=fuzzer, seeds the corpus from
# Fuzz/Seeds/TARGET, keeps what the fuzzer finds in Fuzz/Corpus/TARGET (not committed) and any
# crashing input as Fuzz/crash-*. Prints libFuzzer's summary (runs, runs/s) at the end.
set -euo pipefail
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/Fuzz"
# --disable-build-manifest-caching: with the cached build plan, a source file added to (or
# removed from) Neurite since Fuzz/ was last built stayed out of (or in) the plan, and the build
# failed (a Swift type or a C file missing; ld.gold crashing on the undefined symbols), at times
# on a retry as well; the root package and Benchmarks/ noticed the change.
swift build --product "$target" -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library --disable-build-manifest-caching
binary=$(swift build --product "$target" -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library --show-bin-path)/$target
mkdir -p "Corpus/$target"
# SWIFT_BACKTRACE=enable=no: let libFuzzer, not Swift's backtracer, catch a trap and save the input.
# -rss_limit_mb: a parser that allocates what a hostile header claims fails the run.
# 0 seconds: -runs=0 runs the corpus once without mutating it, a deterministic check.
if [ "$seconds" = 0 ]; then duration=-runs=0; else duration=-max_total_time="$seconds"; fi
SWIFT_BACKTRACE=enable=no "$binary" "Corpus/$target" "Seeds/$target" "$duration" -rss_limit_mb=512 -timeout=10 \
    -artifact_prefix="$root/Fuzz/crash-$target-" -print_final_stats=1
