/*
 * The working area of the direct convolution's tasks, one per thread,
 * grown on demand and kept between calls (freed when the thread exits).
 *
 * WHY: each task (a group of samples) pads its samples and builds its wide
 * output gradient in an area of its own. With one area per group, a LeNet-5
 * step at batch 64 touched 16 of them, 2 MB for conv1's backward pass alone,
 * more than a core's L2, so the stores of the wide gradient went out to L3.
 * A thread runs its groups one after another, so one area per thread is
 * enough, and it stays in L2 from one group, and one step, to the next.
 */
#include "direct_conv.h"
#include <pthread.h>
#include <stdlib.h>

typedef struct { float *base; size_t capacity; } nk_thread_area;
static pthread_key_t area_key;
static pthread_once_t area_once = PTHREAD_ONCE_INIT;

static void nk_free_area(void *value)
{
    nk_thread_area *area = value;
    free(area->base);
    free(area);
}

static void nk_make_area_key(void) { pthread_key_create(&area_key, nk_free_area); }

float *nk_direct_conv_thread_area(size_t floats)
{
    pthread_once(&area_once, nk_make_area_key);
    nk_thread_area *area = pthread_getspecific(area_key);
    if (!area) {
        if (!(area = calloc(1, sizeof *area))) return NULL;
        if (pthread_setspecific(area_key, area) != 0) { free(area); return NULL; }
    }
    if (area->capacity < floats) {
        void *grown = NULL;
        free(area->base);
        /* 64-byte aligned, as the scratch tensor the areas were cut from. */
        if (posix_memalign(&grown, 64, floats * sizeof(float))) grown = NULL;
        area->base = grown;
        area->capacity = grown ? floats : 0;
    }
    return area->base;
}
