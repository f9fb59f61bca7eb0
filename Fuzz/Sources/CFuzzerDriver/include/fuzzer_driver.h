#ifndef NEURITE_FUZZER_DRIVER_H
#define NEURITE_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver on `callback`. SwiftPM links an executable target's entry point as
/// `<Target>_main`, which libFuzzer's own `main` cannot provide, so each target's entry point
/// calls this instead (libFuzzer's documented LLVMFuzzerRunDriver).
int neurite_run_fuzzer(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size));

#endif
