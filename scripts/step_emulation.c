/*
 * The 784-512-512-10 MLP's SGD step at batch 128 (`neurite bench`'s mlp512-sgd-b128 row) in C,
 * on the library's own kernels, timed phase by phase, with an A/B switch flipped every step.
 *
 * A development tool, not part of the build (like step_probe.patch). It exists because that row's
 * matrix products run 20–25% slower inside a step than the same products timed alone, and a
 * change aimed at that gap has to be judged inside a step. On this noisy 2-core VM, separate runs
 * minutes apart differ by 10–20%; steps alternated in one process see the same host.
 *
 *     clang -O2 -pthread -ISources/CNeuriteKernels/include -ISources/CNeuriteKernels \
 *         scripts/step_emulation.c $(find Sources/CNeuriteKernels -name '*.c') -o /tmp/step_emulation -lm -ldl
 *     /tmp/step_emulation 2000
 *
 * For an A/B, define `int nk_variant;` in the kernel file under test, take the new branch where
 * it is nonzero, and build as above (never commit the switch): this harness sets it to 0 on even
 * steps and 1 on odd ones, and prints a column for each. Without the symbol both columns run the
 * same code, which shows the noise floor of a run.
 *
 * It matches the Swift step closely enough to be useful: 1,980 µs per step (64.6k samples/s)
 * against 65.9k for `neurite bench --rows mlp512-sgd-b128` in the same hour. It differs in that
 * the calling thread gathers the batch (the library does it on the worker, in the background).
 */
#include "NeuriteKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { BATCH = 128, INPUTS = 784, HIDDEN = 512, CLASSES = 10, SAMPLES = 4096 };

/* Weak: present only when a kernel file under test defines it. */
extern int nk_variant __attribute__((weak));

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* 64-byte aligned, filled with a fixed pattern in [-scale/2, scale/2). */
static float *matrix(long count, float scale)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, (size_t)count * sizeof(float))) { perror("posix_memalign"); exit(1); }
    float *f = p;
    for (long i = 0; i < count; i++) f[i] = scale * ((float)(i * 7919 % 1013) / 1013.0f - 0.5f);
    return f;
}

/* A parameter, its gradient and its velocity; the update splits it in two halves, as SGD.swift. */
typedef struct { float *value, *gradient, *velocity; long count; } parameter;

static const nk_sgd_step sgd_constants = { 0.01f, 0.9f, 0.0f, 0 };

static void update_half(void *context, int half)
{
    parameter *p = context;
    long first = p->count * half / 2, last = p->count * (half + 1) / 2;
    nk_sgd_update(p->value + first, p->gradient + first, p->velocity + first, last - first, &sgd_constants);
}

static parameter make_parameter(long count, float scale)
{
    return (parameter){ matrix(count, scale), matrix(count, 0), matrix(count, 0), count };
}

/* ∂z = ∂y ⊙ relu′ and the bias's gradient, columns split in two (ActivationBackward.swift splits
 * them in chunks; two suffice here). */
typedef struct { const float *gradient, *output; float *result, *sums[2]; } relu_backward;

static void relu_backward_half(void *context, int half)
{
    relu_backward *r = context;
    long first = HIDDEN * half / 2, last = HIDDEN * (half + 1) / 2;
    nk_activation_backward(BATCH, HIDDEN, first, last, NK_ACT_RELU, r->gradient, r->output, r->result, r->sums[half]);
}

/* Softmax cross-entropy's gradient over the batch: (softmax(z) − onehot) / batch. */
static void loss_gradient(const float *logits, const int *labels, float *gradient)
{
    float row_max[BATCH], row_sum[BATCH];
    nk_softmax_rows(BATCH, CLASSES, logits, gradient, row_max, row_sum);
    for (int i = 0; i < BATCH; i++)
        for (int j = 0; j < CLASSES; j++)
            gradient[i * CLASSES + j] = (gradient[i * CLASSES + j] - (j == labels[i])) / BATCH;
}

enum { GATHER, FORWARD1, FORWARD2, FORWARD3, LOSS, BACKWARD3, BACKWARD2, WEIGHTS2, INPUT2,
       BACKWARD1, WEIGHTS1, UPDATE, PHASES };
static const char *phase_names[PHASES] = {
    "gather the batch", "forward 784→512", "forward 512→512", "forward 512→10", "loss gradient",
    "backward 512→10", "ReLU backward 2", "weight gradient 2", "input gradient 2",
    "ReLU backward 1", "weight gradient 1", "SGD update" };

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 1000, warmup = 20;
    if (steps <= warmup) { fprintf(stderr, "usage: %s [steps > %d]\n", argv[0], warmup); return 2; }
    float *data = matrix((long)SAMPLES * INPUTS, 1.0f), *x = matrix(BATCH * INPUTS, 0);
    parameter w1 = make_parameter(INPUTS * HIDDEN, 0.05f), b1 = make_parameter(HIDDEN, 0.01f);
    parameter w2 = make_parameter(HIDDEN * HIDDEN, 0.05f), b2 = make_parameter(HIDDEN, 0.01f);
    parameter w3 = make_parameter(HIDDEN * CLASSES, 0.05f), b3 = make_parameter(CLASSES, 0.01f);
    parameter *parameters[] = { &w1, &b1, &w2, &b2, &w3, &b3 };
    float *h1 = matrix(BATCH * HIDDEN, 0), *h2 = matrix(BATCH * HIDDEN, 0), *z = matrix(BATCH * CLASSES, 0);
    float *dz = matrix(BATCH * CLASSES, 0), *dh2 = matrix(BATCH * HIDDEN, 0), *dz2 = matrix(BATCH * HIDDEN, 0);
    float *dh1 = matrix(BATCH * HIDDEN, 0), *dz1 = matrix(BATCH * HIDDEN, 0);
    float *sums[2][2] = { { matrix(HIDDEN, 0), matrix(HIDDEN, 0) }, { matrix(HIDDEN, 0), matrix(HIDDEN, 0) } };
    int labels[BATCH];
    double total[2][PHASES] = { { 0 } };
    int counted[2] = { 0, 0 };
    unsigned seed = 1;

    for (int step = 0; step < steps; step++) {
        int variant = step & 1;
        if (&nk_variant) nk_variant = variant;
        double t[PHASES + 1];
        int phase = 0;
        t[phase++] = seconds();
        for (int row = 0; row < BATCH; row++) {
            seed = seed * 1103515245u + 12345u;
            memcpy(x + row * INPUTS, data + (long)((seed >> 8) % SAMPLES) * INPUTS, INPUTS * sizeof(float));
            labels[row] = (int)((seed >> 4) % CLASSES);
        }
        t[phase++] = seconds();
        nk_sgemm_bias_act(0, 0, BATCH, HIDDEN, INPUTS, 1, x, INPUTS, w1.value, HIDDEN, 0, h1, HIDDEN, b1.value, NK_ACT_RELU);
        t[phase++] = seconds();
        nk_sgemm_bias_act(0, 0, BATCH, HIDDEN, HIDDEN, 1, h1, HIDDEN, w2.value, HIDDEN, 0, h2, HIDDEN, b2.value, NK_ACT_RELU);
        t[phase++] = seconds();
        nk_sgemm_bias_act(0, 0, BATCH, CLASSES, HIDDEN, 1, h2, HIDDEN, w3.value, CLASSES, 0, z, CLASSES, b3.value, NK_ACT_NONE);
        t[phase++] = seconds();
        loss_gradient(z, labels, dz);
        t[phase++] = seconds();
        nk_sgemm(1, 0, HIDDEN, CLASSES, BATCH, 1, h2, HIDDEN, dz, CLASSES, 0, w3.gradient, CLASSES);
        for (int j = 0; j < CLASSES; j++) {
            b3.gradient[j] = 0;
            for (int i = 0; i < BATCH; i++) b3.gradient[j] += dz[i * CLASSES + j];
        }
        nk_sgemm(0, 1, BATCH, HIDDEN, CLASSES, 1, dz, CLASSES, w3.value, CLASSES, 0, dh2, HIDDEN);
        t[phase++] = seconds();
        memset(sums[1][0], 0, HIDDEN * sizeof(float));
        memset(sums[1][1], 0, HIDDEN * sizeof(float));
        relu_backward second = { dh2, h2, dz2, { sums[1][0], sums[1][1] } };
        nk_parallel_for(2, relu_backward_half, &second);
        t[phase++] = seconds();
        nk_sgemm(1, 0, HIDDEN, HIDDEN, BATCH, 1, h1, HIDDEN, dz2, HIDDEN, 0, w2.gradient, HIDDEN);
        t[phase++] = seconds();
        nk_sgemm(0, 1, BATCH, HIDDEN, HIDDEN, 1, dz2, HIDDEN, w2.value, HIDDEN, 0, dh1, HIDDEN);
        t[phase++] = seconds();
        memset(sums[0][0], 0, HIDDEN * sizeof(float));
        memset(sums[0][1], 0, HIDDEN * sizeof(float));
        relu_backward first = { dh1, h1, dz1, { sums[0][0], sums[0][1] } };
        nk_parallel_for(2, relu_backward_half, &first);
        t[phase++] = seconds();
        nk_sgemm(1, 0, INPUTS, HIDDEN, BATCH, 1, x, INPUTS, dz1, HIDDEN, 0, w1.gradient, HIDDEN);
        t[phase++] = seconds();
        for (int j = 0; j < HIDDEN; j++) {  /* each half summed its own columns */
            b1.gradient[j] = sums[0][0][j] + sums[0][1][j];
            b2.gradient[j] = sums[1][0][j] + sums[1][1][j];
        }
        for (int p = 0; p < 6; p++) nk_parallel_for(2, update_half, parameters[p]);
        t[phase++] = seconds();
        if (step < warmup) continue;
        for (int p = 0; p < PHASES; p++) total[variant][p] += t[p + 1] - t[p];
        counted[variant]++;
    }

    double step_time[2] = { 0, 0 };
    printf("%d steps each, µs per step (means)%s\n", counted[0],
           &nk_variant ? ", nk_variant 0 and 1" : ", no nk_variant: both columns the same code");
    printf("%-20s %9s %9s\n", "phase", "0", "1");
    for (int p = 0; p < PHASES; p++) {
        double a = 1e6 * total[0][p] / counted[0], b = 1e6 * total[1][p] / counted[1];
        step_time[0] += a;
        step_time[1] += b;
        printf("%-20s %9.1f %9.1f\n", phase_names[p], a, b);
    }
    printf("%-20s %9.1f %9.1f   speed of 1 over 0: %.3f×; samples/s %.0f, %.0f\n", "step", step_time[0],
           step_time[1], step_time[0] / step_time[1], 1e6 * BATCH / step_time[0], 1e6 * BATCH / step_time[1]);
    return 0;
}
