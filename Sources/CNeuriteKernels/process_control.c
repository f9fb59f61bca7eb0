#include "process_control.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_int requested_signal = 0;

static void request_stop(int signal_number) {
    atomic_store_explicit(&requested_signal, signal_number, memory_order_relaxed);
}

void nk_stop_request_install_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    /* A process started by another (a test runner, a job system) may inherit a mask that
       blocks these signals, which would leave them pending forever: unblock them. */
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &handled, NULL);
}

int nk_stop_request_signal(void) {
    return atomic_load_explicit(&requested_signal, memory_order_relaxed);
}

void nk_stop_request_set(int signal_number) {
    atomic_store_explicit(&requested_signal, signal_number, memory_order_relaxed);
}

void nk_line_buffer_standard_output(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}
