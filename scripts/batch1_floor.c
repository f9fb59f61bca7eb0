/*
 * How fast batch-1 inference of the 784-128-10 MLP could be on this machine: the bench row
 * mlp128-infer-b1 taken apart, each part against what the hardware allows.
 *
 * A development tool, not part of the build (like step_emulation.c). Rows, timed in rounds
 * that alternate them, so that all see the same host (min and median over the rounds):
 *  - reading half the first layer's weights (196 KB) from one core's L2: with the product
 *    split in two, each core must at least read its half, so this is the first layer's floor;
 *  - one row times the 784×128 weights on one thread, hand-written (8 accumulators, the
 *    weights streamed once): what one core does;
 *  - the same split over K on two threads with nothing but two spinning flags and one partial
 *    row between them: the least a split can cost here;
 *  - the library's first layer (nk_sgemm_bias_act with bias and ReLU), and both layers: what the
 *    row's kernels take; `neurite bench` adds Swift's share on top.
 *
 *     clang -O2 -pthread -ISources/CNeuriteKernels/include -ISources/CNeuriteKernels \
 *         scripts/batch1_floor.c $(find Sources/CNeuriteKernels -name '*.c') \
 *         -o /tmp/batch1_floor -lm -ldl
 *     /tmp/batch1_floor 40 20000      # rounds, calls per row and round
 *
 * The hand-written rows need AVX-512 or AVX2 with FMA (they print nothing elsewhere).
 */
#include "NeuriteKernels.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { INPUTS = 784, HIDDEN = 128, CLASSES = 10, HALF = INPUTS / 2, MAX_ROUNDS = 1000 };

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static float *weights, *input, *bias, *weights2, *bias2;
static volatile float sink;   /* every result is read, so that nothing is skipped */

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f")))

static AVX512 void read_half(void)
{
    __m512 s[8];
    for (int v = 0; v < 8; v++) s[v] = _mm512_setzero_ps();
    for (long i = 0; i < (long)HALF * HIDDEN; i += 128)
        for (int v = 0; v < 8; v++) s[v] = _mm512_add_ps(s[v], _mm512_load_ps(weights + i + 16 * v));
    for (int v = 1; v < 8; v++) s[0] = _mm512_add_ps(s[0], s[v]);
    sink = _mm512_reduce_add_ps(s[0]);
}

/* out = x[k0..k1) · W[k0..k1) (128 columns): 8 FMA chains, each weight read once. */
static AVX512 void row_times_weights(long k0, long k1, float *out)
{
    __m512 s[8];
    for (int v = 0; v < 8; v++) s[v] = _mm512_setzero_ps();
    for (long k = k0; k < k1; k++) {
        __m512 x = _mm512_set1_ps(input[k]);
        for (int v = 0; v < 8; v++) s[v] = _mm512_fmadd_ps(x, _mm512_load_ps(weights + k * HIDDEN + 16 * v), s[v]);
    }
    for (int v = 0; v < 8; v++) _mm512_storeu_ps(out + 16 * v, s[v]);
}

/* The same two rows on AVX2 (16 chains of 8 floats), for hosts without AVX-512. */
#define AVX2 __attribute__((target("avx2,fma")))

static AVX2 void read_half_avx2(void)
{
    __m256 s[8];
    for (int v = 0; v < 8; v++) s[v] = _mm256_setzero_ps();
    for (long i = 0; i < (long)HALF * HIDDEN; i += 64)
        for (int v = 0; v < 8; v++) s[v] = _mm256_add_ps(s[v], _mm256_load_ps(weights + i + 8 * v));
    for (int v = 1; v < 8; v++) s[0] = _mm256_add_ps(s[0], s[v]);
    float lanes[8];
    _mm256_storeu_ps(lanes, s[0]);
    sink = lanes[0] + lanes[7];
}

static AVX2 void row_times_weights_avx2(long k0, long k1, float *out)
{
    __m256 s[16];
    for (int v = 0; v < 16; v++) s[v] = _mm256_setzero_ps();
    for (long k = k0; k < k1; k++) {
        __m256 x = _mm256_broadcast_ss(input + k);
        for (int v = 0; v < 16; v++) s[v] = _mm256_fmadd_ps(x, _mm256_load_ps(weights + k * HIDDEN + 8 * v), s[v]);
    }
    for (int v = 0; v < 16; v++) _mm256_storeu_ps(out + 8 * v, s[v]);
}

static void (*row_times)(long, long, float *) = row_times_weights;

static float partial[HIDDEN] __attribute__((aligned(64)));
static int posted, finished;   /* atomic: the call the worker is to do, the last it did */
static pthread_t worker;

static void *split_worker(void *unused)
{
    (void)unused;
    for (int seen = 0;;) {
        int call;
        while ((call = __atomic_load_n(&posted, __ATOMIC_ACQUIRE)) == seen) _mm_pause();
        if (call < 0) return NULL;
        row_times(HALF, INPUTS, partial);
        __atomic_store_n(&finished, call, __ATOMIC_RELEASE);
        seen = call;
    }
}

static void one_thread(void)
{
    float out[HIDDEN];
    row_times(0, INPUTS, out);
    sink = out[0];
}

/* The hand-written product must be the library's, or its times say nothing: compared once,
 * before any timing (the library adds K in another order, hence the tolerance). */
static int hand_matches_library(void)
{
    float hand[HIDDEN], library[HIDDEN];
    row_times(0, INPUTS, hand);
    nk_sgemm(0, 0, 1, HIDDEN, INPUTS, 1, input, INPUTS, weights, HIDDEN, 0, library, HIDDEN);
    for (int j = 0; j < HIDDEN; j++)
        if (fabsf(hand[j] - library[j]) > 1e-4f * (1 + fabsf(library[j]))) return 0;
    return 1;
}

/* The hand-written split's worker spins only during its own row's rounds: spinning beside the
 * library's rows, it would take a core from the library's pool. */
static void start_worker(void)
{
    posted = finished = 0;
    if (pthread_create(&worker, NULL, split_worker, NULL) != 0) exit(1);
}

static void stop_worker(void)
{
    __atomic_store_n(&posted, -1, __ATOMIC_RELEASE);
    pthread_join(worker, NULL);
}

static void two_threads(void)
{
    float out[HIDDEN];
    int call = __atomic_load_n(&posted, __ATOMIC_RELAXED) + 1;
    __atomic_store_n(&posted, call, __ATOMIC_RELEASE);
    row_times(0, HALF, out);
    while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) != call) _mm_pause();
    for (int j = 0; j < HIDDEN; j++) out[j] += partial[j];
    sink = out[0];
}
#endif

static void library_first_layer(void)
{
    float hidden[HIDDEN];
    nk_sgemm_bias_act(0, 0, 1, HIDDEN, INPUTS, 1, input, INPUTS, weights, HIDDEN, 0, hidden, HIDDEN, bias, NK_ACT_RELU);
    sink = hidden[0];
}

static void library_both_layers(void)
{
    float hidden[HIDDEN], logits[CLASSES];
    nk_sgemm_bias_act(0, 0, 1, HIDDEN, INPUTS, 1, input, INPUTS, weights, HIDDEN, 0, hidden, HIDDEN, bias, NK_ACT_RELU);
    nk_sgemm_bias_act(0, 0, 1, CLASSES, HIDDEN, 1, hidden, HIDDEN, weights2, CLASSES, 0, logits, CLASSES, bias2, NK_ACT_NONE);
    sink = logits[0];
}

typedef struct {
    const char *name;
    void (*call)(void);
    void (*start)(void), (*stop)(void);   /* around each round, or NULL */
    double micros[MAX_ROUNDS];
} row;

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 40;
    long calls = argc > 2 ? atol(argv[2]) : 20000;
    if (rounds < 1 || rounds > MAX_ROUNDS || calls < 1) {
        fprintf(stderr, "usage: batch1_floor [rounds (1-%d)] [calls per row and round]\n", MAX_ROUNDS);
        return 2;
    }
    weights = aligned_alloc(64, sizeof(float) * INPUTS * HIDDEN);
    weights2 = malloc(sizeof(float) * HIDDEN * CLASSES);
    input = malloc(sizeof(float) * INPUTS);
    bias = malloc(sizeof(float) * HIDDEN);
    bias2 = malloc(sizeof(float) * CLASSES);
    if (!weights || !weights2 || !input || !bias || !bias2) return 1;
    /* Values of the scale of a trained model's; their exact values do not matter to the speed. */
    for (long i = 0; i < (long)INPUTS * HIDDEN; i++) weights[i] = (float)((i * 7919) % 1000 - 500) * 1e-4f;
    for (long i = 0; i < (long)HIDDEN * CLASSES; i++) weights2[i] = (float)((i * 31) % 100 - 50) * 1e-3f;
    for (int i = 0; i < INPUTS; i++) input[i] = (float)((i * 13) % 17 - 8) * 0.1f;
    for (int i = 0; i < HIDDEN; i++) bias[i] = 0.01f;
    for (int i = 0; i < CLASSES; i++) bias2[i] = 0;

    row rows[5];
    int count = 0;
#if defined(__x86_64__)
    int avx512 = __builtin_cpu_supports("avx512f");
    if (avx512 || (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
        if (!avx512) row_times = row_times_weights_avx2;
        if (!hand_matches_library()) {
            fprintf(stderr, "batch1_floor: the hand-written product differs from the library's\n");
            return 1;
        }
        rows[count++] = (row){ "read half the weights from L2, 1 thread", avx512 ? read_half : read_half_avx2, NULL, NULL, {0} };
        rows[count++] = (row){ "first layer by hand, 1 thread", one_thread, NULL, NULL, {0} };
        if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)   /* two spinning threads on one CPU would take turns */
            rows[count++] = (row){ "first layer by hand, split over K, 2 threads", two_threads, start_worker, stop_worker, {0} };
    }
#endif
    rows[count++] = (row){ "library: first layer (bias, ReLU)", library_first_layer, NULL, NULL, {0} };
    rows[count++] = (row){ "library: both layers", library_both_layers, NULL, NULL, {0} };

    for (int round = 0; round < rounds; round++)
        for (int r = 0; r < count; r++) {
            if (rows[r].start) rows[r].start();
            for (int c = 0; c < 100; c++) rows[r].call();   /* warm-up: caches, a worker awake */
            double started = seconds();
            for (long c = 0; c < calls; c++) rows[r].call();
            rows[r].micros[round] = (seconds() - started) / (double)calls * 1e6;
            if (rows[r].stop) rows[r].stop();
        }
    printf("%-46s %8s %8s   (µs per call, %d rounds of %ld calls)\n", "", "min", "median", rounds, calls);
    for (int r = 0; r < count; r++) {
        qsort(rows[r].micros, (size_t)rounds, sizeof(double), ascending);
        printf("%-46s %8.3f %8.3f\n", rows[r].name, rows[r].micros[0], rows[r].micros[rounds / 2]);
    }
    return 0;
}
