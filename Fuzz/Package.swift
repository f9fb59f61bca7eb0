// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for the parsers that read outside input: IDX (raw and gzip), safetensors,
// architecture text, PNG pictures and ONNX models. A package of its own, like Benchmarks/, so
// that the root's `swift build` and `swift test` never compile them; the fuzzer flags are given
// by scripts/fuzz.sh on the command line (never unsafeFlags here). Run from the repository root:
//     scripts/fuzz.sh FuzzIDX 600
let package = Package(
    name: "NeuriteFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "Neurite", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzIDX", dependencies: ["CFuzzerDriver", .product(name: "Neurite", package: "Neurite")]),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["CFuzzerDriver", .product(name: "Neurite", package: "Neurite")]),
        .executableTarget(name: "FuzzArchitecture", dependencies: ["CFuzzerDriver", .product(name: "Neurite", package: "Neurite")]),
        .executableTarget(name: "FuzzPNG", dependencies: ["CFuzzerDriver", .product(name: "Neurite", package: "Neurite")]),
        .executableTarget(name: "FuzzONNX", dependencies: ["CFuzzerDriver", .product(name: "Neurite", package: "Neurite")]),
    ]
)
