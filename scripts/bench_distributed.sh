#!/usr/bin/env bash
# Data-parallel throughput here: samples/s of one epoch of `neurite train mnist` (release build) for
# one process and for 2 ranks under mpirun, and the time rank 0 spent waiting in collectives per
# step (the allreduce the backward pass did not hide, plus waiting for the slower rank), for the
# MLP and LeNet-5 at global batch 64 and 512. Figures, not checks; say how loaded the machine was.
# Usage: scripts/bench_distributed.sh [extra options for train mnist, e.g. --epochs 2]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v mpirun >/dev/null || { echo "mpirun not found: apt-get install openmpi-bin libopenmpi-dev" >&2; exit 1; }
swift build -c release --product neurite >&2
binary="$(swift build -c release --show-bin-path)/neurite"
mpi=(mpirun --allow-run-as-root --oversubscribe -np 2)
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Prints one row: the label, the epoch's samples/s, and the collective wait per step.
row() {
    local label=$1 output rate wait
    shift
    output=$("$@" --epochs 1 "${extra[@]}" 2>&1) || { echo "$label: failed"; echo "$output" | tail -5; return 1; }
    rate=$(grep -o '[0-9]* samples/s' <<<"$output" | tail -1)
    wait=$(grep -o '[0-9.]* ms per step' <<<"$output" || echo "-")
    printf '%-52s %18s   %s\n' "$label" "$rate" "$wait"
}

extra=("$@")
for model in mlp lenet; do
    option=(); [[ $model == lenet ]] && option=(--model lenet)
    for batch in 64 512; do
        echo "== $model, global batch $batch"
        row "1 process, $(nproc) threads" "$binary" train mnist "${option[@]}" --batch-size "$batch"
        row "1 process, 1 thread" env NEURITE_THREADS=1 "$binary" train mnist "${option[@]}" --batch-size "$batch"
        row "2 ranks x 1 thread, 4 MiB buckets (one)" "${mpi[@]}" "$binary" train mnist "${option[@]}" --batch-size "$batch"
        row "2 ranks x 1 thread, 64 KiB buckets" "${mpi[@]}" "$binary" train mnist "${option[@]}" --batch-size "$batch" --bucket-kb 64
    done
done
