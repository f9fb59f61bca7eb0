#!/usr/bin/env bash
# Data-parallel training over Open MPI: 2 ranks with global batch 64 must take the same 20 steps
# as 1 process with batch 64 (max |weight difference| <= 1e-5), with the ranks' weights identical
# after every step. Exits non-zero when Open MPI is missing or a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v mpirun >/dev/null || { echo "mpirun not found: apt-get install openmpi-bin libopenmpi-dev" >&2; exit 1; }
swift build --product DistributedEquivalenceCheck
binary="$(swift build --show-bin-path)/DistributedEquivalenceCheck"
# Open MPI refuses root without --allow-run-as-root (CI containers run as root); --oversubscribe
# lets 2 ranks run on a 1-core machine. NEURITE_THREADS=1: ranks x threads <= cores.
NEURITE_THREADS=1 timeout 300 mpirun --allow-run-as-root --oversubscribe -np 2 "$binary"
