#!/usr/bin/env python3
"""Reads a trace of the kernel pool's split jobs and prints where a training step's time goes.

A development tool, not part of the build. How issue 11's stop 21 used it:

    git apply scripts/pool_trace.patch          # instruments thread_pool.c and gemm_split.c
    swift build -c release && cp .build/release/neurite /tmp/neurite-trace
    git checkout Sources/CNeuriteKernels        # never commit the instrumented files
    NK_TRACE=/tmp/trace.bin /tmp/neurite-trace bench --workloads-only
    nm /tmp/neurite-trace > /tmp/neurite-trace.nm
    scripts/pool_trace.py /tmp/trace.bin /tmp/neurite-trace.nm --step 64x128x784

Every split job is one record: when the caller published it, when its own task (task 0)
ended, when the worker claimed and finished its task, when the job ended, the task function
and, for a GEMM, M×N×K and the split (slices·100 + pm·10 + pn). The report lists one stretch of
jobs in order, with the gap before each (work on the calling thread alone), and medians per
GEMM shape. With --step SHAPE, it also prints the median time between two jobs of that shape,
i.e. the step time, when each step runs that shape once. Medians over a whole row's thousands
of steps are steadier on a shared host than the bench's best pass.
"""
import argparse
import bisect
import statistics
import struct
import subprocess
import sys

RECORD = struct.Struct('<qqqqqiiQqqqq')  # the patch's nk_trace_job on x86-64


def read(path):
    raw = open(path, 'rb').read()
    base = struct.unpack_from('<Q', raw, 0)[0]
    body = raw[8:]
    return base, [RECORD.unpack_from(body, i * RECORD.size) for i in range(len(body) // RECORD.size)]


def symbol_namer(nm_path, base):
    """Maps the task functions' run-time addresses to names via `nm` of the same binary."""
    symbols = []
    for line in open(nm_path):
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'tT':
            symbols.append((int(parts[0], 16), parts[2]))
    symbols.sort()
    addresses = [a for a, _ in symbols]
    offset = base - next(a for a, name in symbols if name == 'nk_pool_run')
    cache = {}

    def name(address):
        i = bisect.bisect_right(addresses, address - offset) - 1
        mangled = symbols[i][1] if i >= 0 else '?'
        if mangled not in cache:
            try:
                out = subprocess.run(['swift', 'demangle', '--simplified', '--compact', mangled],
                                     capture_output=True, text=True).stdout.strip()
            except OSError:
                out = ''
            cache[mangled] = (out or mangled)[:60]
        return cache[mangled]
    return name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('trace')
    parser.add_argument('nm')
    parser.add_argument('--ghz', type=float, default=2.1, help='time-stamp counter rate (the nominal clock)')
    parser.add_argument('--from', dest='start', type=float, default=0.5,
                        help='where the listed stretch starts, as a fraction of the trace')
    parser.add_argument('--jobs', type=int, default=16, help='how many jobs to list')
    parser.add_argument('--step', help='M×N×K of a product run once per step, e.g. 64x128x784')
    args = parser.parse_args()
    base, jobs = read(args.trace)
    if not jobs:
        sys.exit('no split jobs in the trace')
    name = symbol_namer(args.nm, base)
    ticks = args.ghz * 1000.0  # per µs

    print('%d split jobs' % len(jobs))
    first = int(len(jobs) * args.start)
    previous_end = None
    for publish, claim, worker_done, caller_done, finish, tasks, caller_ran, fn, m, n, k, split in jobs[first:first + args.jobs]:
        gap = (publish - previous_end) / ticks if previous_end else 0.0
        previous_end = finish
        worker = '%6.1f' % ((worker_done - claim) / ticks) if claim else '     -'
        shape = '%dx%dx%d split %d' % (m, n, k, split) if m else ''
        print('gap %6.1f  job %6.1f  caller %6.1f  worker %s  tasks %d  %-24s %s' % (
            gap, (finish - publish) / ticks, (caller_done - publish) / ticks, worker, tasks, shape, name(fn)))

    steady = jobs[len(jobs) // 10:]  # past the warm-up
    by_shape = {}
    for job in steady:
        if job[8]:
            by_shape.setdefault((job[8], job[9], job[10]), []).append((job[4] - job[0]) / ticks)
    print('\nmedian job time per GEMM shape (µs):')
    for shape, times in sorted(by_shape.items(), key=lambda item: -statistics.median(item[1])):
        print('  %-16s %8.1f  (%d jobs)' % ('x'.join(map(str, shape)), statistics.median(times), len(times)))
    if args.step:
        shape = tuple(int(x) for x in args.step.split('x'))
        starts = [job[0] for job in steady if (job[8], job[9], job[10]) == shape]
        if len(starts) > 1:
            steps = [(b - a) / ticks for a, b in zip(starts, starts[1:])]
            print('\nstep (between two %s jobs): median %.1f µs over %d steps' % (args.step, statistics.median(steps), len(steps)))


if __name__ == '__main__':
    main()
