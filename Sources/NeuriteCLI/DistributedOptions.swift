import ArgumentParser

/// Options of a training command run under `mpirun` (see ``DistributedRun``); ignored otherwise.
struct DistributedOptions: ParsableArguments {
    @Option(help: "Under mpirun: end the whole job when a rank waits longer than this many seconds for the others in one collective operation (a rank that hangs); 0 waits forever. A rank that dies ends the job at once.")
    var collectiveTimeout: Double = 300

    @Option(help: "Under mpirun: average gradients in buckets of this many KiB, each started as soon as its gradients are complete in the backward pass.")
    var bucketKb: Int = 4096

    func validate() throws {
        guard collectiveTimeout >= 0, collectiveTimeout.isFinite else { throw ValidationError("--collective-timeout must be a finite number of seconds ≥ 0") }
        guard (1...(1 << 20)).contains(bucketKb) else { throw ValidationError("--bucket-kb must be in 1…1048576 (1 GiB)") }
    }
}
