#!/usr/bin/env bash
# Data-parallel training over Open MPI:
# 1. 2 ranks with global batch 64 must take the same 20 steps as 1 process with batch 64 (max
#    |weight difference| <= 1e-5), with the ranks' weights identical after every step, for an MLP
#    and for one with batch norm.
# 2. A rank killed (SIGKILL) mid-training ends the job within 30 s, non-zero, naming the rank.
# 3. A rank that hangs (SIGSTOP) ends the job through the other's collective timeout (3 s here).
# Exits non-zero when Open MPI is missing or a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v mpirun >/dev/null || { echo "mpirun not found: apt-get install openmpi-bin libopenmpi-dev" >&2; exit 1; }
swift build --product DistributedEquivalenceCheck
binary="$(swift build --show-bin-path)/DistributedEquivalenceCheck"
# Open MPI refuses root without --allow-run-as-root (CI containers run as root); --oversubscribe
# lets 2 ranks run on a 1-core machine. NEURITE_THREADS=1: ranks x threads <= cores.
mpi=(mpirun --allow-run-as-root --oversubscribe -np 2)
NEURITE_THREADS=1 timeout 300 "${mpi[@]}" "$binary"

# Starts the job training until stopped, sends $1 to rank 1 once both ranks train, and checks that
# the job ends within 30 s, non-zero, with a message matching $2.
fault() {
    local signal=$1 message=$2 directory log started status
    directory="$(mktemp -d)"
    log="$directory/log"
    NEURITE_THREADS=1 NEURITE_PID_DIRECTORY="$directory" NEURITE_COLLECTIVE_TIMEOUT=3 \
        timeout 120 "${mpi[@]}" "$binary" until-killed >"$log" 2>&1 &
    local job=$!
    for _ in $(seq 600); do [[ -s "$directory/rank-0.pid" && -s "$directory/rank-1.pid" ]] && break; sleep 0.1; done
    sleep 1
    started=$SECONDS
    kill "-$signal" "$(cat "$directory/rank-1.pid")"
    status=0
    wait "$job" || status=$?
    local elapsed=$((SECONDS - started))
    echo "SIG$signal to rank 1: the job ended after ${elapsed} s with status $status:"
    sed 's/^/    /' "$log" | head -20
    kill -KILL "$(cat "$directory/rank-1.pid")" 2>/dev/null || true
    local passed=0
    [[ $status -ne 0 && $elapsed -le 30 ]] && grep -q "$message" "$log" || passed=1
    rm -rf "$directory"
    [[ $passed -eq 0 ]] || { echo "FAIL: SIG$signal" >&2; return 1; }
}
# Open MPI names the dead rank; a hung rank is found by the other's timeout, which names itself.
fault KILL "rank 1"
fault STOP "rank 0 of 2: .* did not complete within 3 s"
echo "PASS: faults"
