/*
 * Process-wide settings for long runs, in C because Swift cannot express them safely:
 * - a "stop requested" flag set from a signal handler, which may only do async-signal-safe work:
 *   here one lock-free atomic store, which Swift cannot promise without the Synchronization
 *   module (macOS 15+);
 * - line buffering of stdout, whose FILE pointer Swift 6 refuses to touch (shared mutable state).
 */
#ifndef NEURITE_PROCESS_CONTROL_H
#define NEURITE_PROCESS_CONTROL_H

#ifdef __cplusplus
extern "C" {
#endif

/// Installs handlers for SIGINT and SIGTERM that set the flag to the signal's number. Each
/// handler is one-shot (SA_RESETHAND): a second Ctrl-C ends the process at once.
void nk_stop_request_install_handlers(void);

/// The number of the signal that requested a stop, or 0 when none did.
int nk_stop_request_signal(void);

/// Sets the flag by hand (tests, embedding applications); 0 clears it.
void nk_stop_request_set(int signal_number);

/// Makes stdout line-buffered even when it is a file or a pipe, so that each line is written
/// when printed (a log keeps every epoch line of a run that is killed). Call before any output.
void nk_line_buffer_standard_output(void);

#ifdef __cplusplus
}
#endif

#endif
