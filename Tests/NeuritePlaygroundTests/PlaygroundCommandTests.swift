import Foundation
import Testing
@testable import NeuritePlayground

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The command on an address it cannot listen on: one line naming the options and the reason,
/// instead of SwiftNIO's error. (An unknown host reads "no such host"; not tested here, since
/// resolving a name depends on the machine's DNS.)
@Suite("Playground command")
struct PlaygroundCommandTests {
    @Test func aPortInUseIsNamedWithItsReason() async throws {
        let (socketDescriptor, port) = try Self.listeningSocket()
        defer { close(socketDescriptor) }
        let command = try PlaygroundCommand.parse(["--port", "\(port)"])
        await #expect { try await command.run() } throws: {
            "\($0)" == "--host 127.0.0.1 --port \(port): cannot listen there, address already in use"
        }
    }

    /// A TCP socket listening on a free loopback port, and that port.
    static func listeningSocket() throws -> (Int32, Int) {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        try #require(descriptor >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        try #require(bound)
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
