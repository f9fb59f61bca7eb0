/*
 * An MLP's SGD step (momentum 0.9, softmax cross-entropy) in C, on the library's own kernels,
 * timed phase by phase, with an A/B switch flipped every step: the training rows of
 * `neurite bench` (mlp128-sgd-b64, mlp128-sgd-b256, mlp512-sgd-b128) without Swift.
 *
 * A development tool, not part of the build (like step_probe.patch). Two uses:
 * - Where a row's time goes, by kernel, and how much of it Swift adds: compare with the row.
 * - A kernel change judged inside a step, where its data is as cold as in training. On this
 *   noisy 2-core VM separate runs minutes apart differ by 10–20%; steps alternated in one
 *   process see the same host.
 *
 *     clang -O2 -pthread -ISources/CNeuriteKernels/include -ISources/CNeuriteKernels \
 *         scripts/step_emulation.c $(find Sources/CNeuriteKernels -name '*.c') \
 *         -o /tmp/step_emulation -lm -ldl
 *     /tmp/step_emulation 2000 128 784 512 512 10     # steps, batch, layer widths
 *     /tmp/step_emulation --block 32 2000 128 784 512 512 10
 *
 * For an A/B, define `int nk_variant;` in the kernel file under test, take the new branch where
 * it is nonzero, and build as above (never commit the switch): this harness sets it to 0 on even
 * steps and 1 on odd ones, and prints a column for each. Without the symbol both columns run the
 * same code, which shows the noise floor of a run. With `--block N` the switch flips every N
 * steps instead: for a change that moves which core's cache holds the weights, whose effect
 * reaches into the next step (where they are split between the cores, for example), steps
 * alternated one by one would measure a mix of both. Each block's first step still inherits the
 * other variant's caches; a block of 32 keeps that to one step in 32, and aligns the blocks with
 * the 32-step passes of the last line.
 *
 * What it leaves out: Swift's graph and tensors, and the library's background gather of the next
 * batch on the worker (here the calling thread gathers, and the phase is timed apart). The data
 * is MNIST-shaped noise, 32 batches of it, as the bench's. The phases are means over all steps;
 * the last line is the speed of the best pass of 32 steps, gather left out, the statistic of
 * the bench's rows.
 */
#include "NeuriteKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_LAYERS = 8, PASS_BATCHES = 32 };

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

/* ∂z = ∂y ⊙ relu′ and the bias's gradient (column sums), the columns split in two. */
typedef struct { long rows, width; const float *gradient, *output; float *result, *sums; } relu_backward;

static void relu_backward_half(void *context, int half)
{
    relu_backward *r = context;
    nk_activation_backward(r->rows, r->width, r->width * half / 2, r->width * (half + 1) / 2, NK_ACT_RELU,
                           r->gradient, r->output, r->result, r->sums);
}

/* Softmax cross-entropy's gradient over the batch: (softmax(z) − onehot) / batch. */
static void loss_gradient(long rows, long classes, const float *logits, const int *labels, float *gradient,
                          float *scratch)
{
    nk_softmax_rows(rows, classes, logits, gradient, scratch, scratch + rows);
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < classes; j++)
            gradient[i * classes + j] = (gradient[i * classes + j] - (j == labels[i])) / (float)rows;
}

/* One timed phase per step: its name, and its total time for each value of the switch. */
typedef struct { char name[40]; double total[2]; } phase;

int main(int argc, char **argv)
{
    const char *program = argv[0];
    int block = 1;
    if (argc > 2 && strcmp(argv[1], "--block") == 0) {
        block = atoi(argv[2]);
        argc -= 2;
        argv += 2;
    }
    if (argc < 5 || block < 1) {
        fprintf(stderr, "usage: %s [--block N] STEPS BATCH WIDTH WIDTH [WIDTH...]   e.g. %s 2000 128 784 512 512 10\n",
                program, program);
        return 2;
    }
    /* 20 warm-up steps; with blocks, whole pairs of blocks, so that each variant's counted steps
     * start at the start of one of its blocks and its 32-step passes line up with them. */
    const int steps = atoi(argv[1]), warmup = block == 1 ? 20 : (20 + 2 * block - 1) / (2 * block) * (2 * block);
    const long batch = atol(argv[2]);
    const int layers = argc - 4;
    long width[MAX_LAYERS + 1];
    for (int l = 0; l <= layers && l <= MAX_LAYERS; l++) width[l] = atol(argv[3 + l]);
    if (steps <= warmup || batch < 1 || layers > MAX_LAYERS) { fprintf(stderr, "bad arguments\n"); return 2; }
    for (int l = 0; l <= layers; l++)
        if (width[l] < 1) { fprintf(stderr, "bad width\n"); return 2; }

    const long samples = batch * PASS_BATCHES, inputs = width[0], classes = width[layers];
    float *data = matrix(samples * inputs, 1.0f);
    float *activation[MAX_LAYERS + 1], *gradient[MAX_LAYERS + 1], *preactivation_gradient[MAX_LAYERS + 1];
    parameter weight[MAX_LAYERS], bias[MAX_LAYERS];
    for (int l = 0; l <= layers; l++) {
        activation[l] = matrix(batch * width[l], 0);
        gradient[l] = matrix(batch * width[l], 0);
        preactivation_gradient[l] = matrix(batch * width[l], 0);
    }
    for (int l = 0; l < layers; l++) {
        weight[l] = make_parameter(width[l] * width[l + 1], 0.05f);
        bias[l] = make_parameter(width[l + 1], 0.01f);
    }
    int *labels = malloc((size_t)batch * sizeof(int));
    float *scratch = matrix(2 * batch, 0);

    phase phases[4 * MAX_LAYERS + 4] = { { "gather the batch", { 0, 0 } } };
    int phase_count = 1;
    for (int l = 0; l < layers; l++)
        snprintf(phases[phase_count++].name, 40, "forward %ld→%ld", width[l], width[l + 1]);
    snprintf(phases[phase_count++].name, 40, "loss gradient");
    for (int l = layers - 1; l >= 0; l--) {
        if (l < layers - 1) snprintf(phases[phase_count++].name, 40, "  ReLU backward %ld", width[l + 1]);
        if (l > 0) snprintf(phases[phase_count++].name, 40, "  input gradient %ld←%ld", width[l], width[l + 1]);
        snprintf(phases[phase_count++].name, 40, "  weight gradient %ld×%ld + SGD", width[l], width[l + 1]);
    }
    snprintf(phases[phase_count++].name, 40, "SGD update (biases)");

    unsigned seed = 1;
    int counted[2] = { 0, 0 };
    /* `neurite bench` reports a row's best pass of 32 steps; here a pass is 32 steps of each
     * variant, and its best is kept beside the means. */
    double pass_time[2] = { 0, 0 }, best_pass[2] = { 1e30, 1e30 };
    for (int step = 0; step < steps; step++) {
        const int variant = (step / block) & 1;
        if (&nk_variant) nk_variant = variant;
        double t[4 * MAX_LAYERS + 5];
        int n = 0;
        t[n++] = seconds();
        for (long row = 0; row < batch; row++) {
            seed = seed * 1103515245u + 12345u;
            memcpy(activation[0] + row * inputs, data + (long)((seed >> 8) % samples) * inputs,
                   (size_t)inputs * sizeof(float));
            labels[row] = (int)((seed >> 4) % classes);
        }
        t[n++] = seconds();
        for (int l = 0; l < layers; l++) {
            nk_sgemm_bias_act(0, 0, batch, width[l + 1], width[l], 1, activation[l], width[l], weight[l].value,
                              width[l + 1], 0, activation[l + 1], width[l + 1], bias[l].value,
                              l < layers - 1 ? NK_ACT_RELU : NK_ACT_NONE);
            t[n++] = seconds();
        }
        loss_gradient(batch, classes, activation[layers], labels, preactivation_gradient[layers], scratch);
        memset(bias[layers - 1].gradient, 0, (size_t)classes * sizeof(float));
        for (long i = 0; i < batch; i++)
            for (long j = 0; j < classes; j++)
                bias[layers - 1].gradient[j] += preactivation_gradient[layers][i * classes + j];
        t[n++] = seconds();
        for (int l = layers - 1; l >= 0; l--) {
            const float *dz = preactivation_gradient[l + 1];
            if (l < layers - 1) {
                memset(bias[l].gradient, 0, (size_t)width[l + 1] * sizeof(float));
                relu_backward r = { batch, width[l + 1], gradient[l + 1], activation[l + 1],
                                    preactivation_gradient[l + 1], bias[l].gradient };
                nk_parallel_for(2, relu_backward_half, &r);
                t[n++] = seconds();
            }
            /* The input gradient first, then the weight gradient, in the order of denseForward's
             * backward (Linear.swift): it decides which operands are still in the caches. */
            if (l > 0) {
                nk_sgemm(0, 1, batch, width[l], width[l + 1], 1, dz, width[l + 1], weight[l].value, width[l + 1], 0,
                         gradient[l], width[l]);
                t[n++] = seconds();
            }
            /* The weights' SGD step applied by their gradient's product, as the library's
             * training loop does (gemm_sgd.c); the gradient buffer is its scratch. */
            nk_sgemm_sgd(1, 0, width[l], width[l + 1], batch, activation[l], width[l], dz, width[l + 1],
                         weight[l].gradient, weight[l].value, weight[l].velocity, &sgd_constants);
            t[n++] = seconds();
        }
        for (int l = 0; l < layers; l++) nk_parallel_for(2, update_half, &bias[l]);
        t[n++] = seconds();
        if (step < warmup) continue;
        for (int p = 0; p < phase_count; p++) phases[p].total[variant] += t[p + 1] - t[p];
        pass_time[variant] += t[phase_count] - t[1];   /* the gather left out, as in the library */
        if (++counted[variant] % PASS_BATCHES == 0) {
            if (pass_time[variant] < best_pass[variant]) best_pass[variant] = pass_time[variant];
            pass_time[variant] = 0;
        }
    }

    double step_time[2] = { 0, 0 };
    printf("batch %ld, widths", batch);
    for (int l = 0; l <= layers; l++) printf(" %ld", width[l]);
    printf("; %d steps each, µs per step (means)%s, flipped every %d step%s\n", counted[0],
           &nk_variant ? ", nk_variant 0 and 1" : ", no nk_variant: both columns the same code", block,
           block == 1 ? "" : "s");
    printf("%-34s %9s %9s\n", "phase", "0", "1");
    for (int p = 0; p < phase_count; p++) {
        double a = 1e6 * phases[p].total[0] / counted[0], b = 1e6 * phases[p].total[1] / counted[1];
        step_time[0] += a;
        step_time[1] += b;
        printf("%-34s %9.1f %9.1f\n", phases[p].name, a, b);
    }
    printf("%-34s %9.1f %9.1f   speed of 1 over 0: %.3f×\n", "step", step_time[0], step_time[1],
           step_time[0] / step_time[1]);
    printf("%-34s %9.0f %9.0f\n", "samples/s", 1e6 * batch / step_time[0], 1e6 * batch / step_time[1]);
    printf("%-34s %9.0f %9.0f\n", "samples/s, gather left out", 1e6 * batch / (step_time[0] - 1e6 * phases[0].total[0] / counted[0]),
           1e6 * batch / (step_time[1] - 1e6 * phases[0].total[1] / counted[1]));
    if (counted[0] >= PASS_BATCHES && counted[1] >= PASS_BATCHES)
        printf("%-34s %9.0f %9.0f\n", "  the same, best pass", PASS_BATCHES * batch / best_pass[0],
               PASS_BATCHES * batch / best_pass[1]);
    return 0;
}
