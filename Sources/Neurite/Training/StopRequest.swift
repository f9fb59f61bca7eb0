import CNeuriteKernels

/// A request, from outside the computation, to stop training at the next step boundary: Ctrl-C
/// (SIGINT) or SIGTERM once ``installSignalHandlers()`` has run, or ``request()``.
///
/// Training checks it between steps, never inside one, so the model it stops with is the
/// consistent result of whole updates and can be saved. The flag is process-wide because
/// signals are.
public enum StopRequest {
    /// Makes SIGINT and SIGTERM request a stop instead of ending the process. A second signal
    /// ends the process as usual, for a run that does not reach a step boundary.
    public static func installSignalHandlers() { nk_stop_request_install_handlers() }

    /// Whether a stop has been requested.
    public static var isRequested: Bool { nk_stop_request_signal() != 0 }

    /// The name of the signal that requested the stop ("SIGINT", "SIGTERM"), or "a stop
    /// request" when it was made by ``request()``; `nil` when none was.
    public static var reason: String? {
        switch nk_stop_request_signal() {
        case 0: return nil
        case 2: return "SIGINT"
        case 15: return "SIGTERM"
        default: return "a stop request"
        }
    }

    /// Requests a stop, as a signal would.
    public static func request() { nk_stop_request_set(-1) }

    /// Makes stdout line-buffered even when redirected to a file, so that the lines a run has
    /// printed survive its interruption. Call before any output; it belongs with the signal
    /// handlers, which make interruptions part of a normal run.
    public static func lineBufferStandardOutput() { nk_line_buffer_standard_output() }

    /// Withdraws a request, e.g. before a new run in the same process.
    public static func clear() { nk_stop_request_set(0) }
}
