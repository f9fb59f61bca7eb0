// swift-tools-version: 6.1
import PackageDescription

// The architecture, bottom to top (imports flow one way):
//   CNeuriteKernels  C kernels (GEMM, dispatch by CPU at run time)
//   CZlib            the system zlib, for gzip-compressed IDX files and their CRC-32 checks
//   Neurite          tensors, autograd, layers, losses, optimizers, data
//   NeuritePlot      figures as PNG and SVG (needs only zlib, not Neurite)
//   NeuriteLab       the experiments behind the notes' claims (Neurite + NeuritePlot)
//   neurite          the command-line tool
//   NeuritePlaygroundCore  the playground's sessions: data, model, frames (Neurite only)
//   neurite-playground     the playground's web server (Hummingbird, SwiftNIO)
// The library depends on nothing outside this package, so that a package using Neurite builds
// only Neurite: the argument parser is the CLI's alone, and SwiftNIO is the playground server's
// alone (SwiftPM builds only what the requested product depends on).
let package = Package(
    name: "Neurite",
    // ContinuousClock and Duration (training timers) need macOS 13; hummingbird-websocket needs 14.
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Neurite", targets: ["Neurite"]),
        .library(name: "NeuritePlot", targets: ["NeuritePlot"]),
        .library(name: "NeuriteLab", targets: ["NeuriteLab"]),
        .executable(name: "neurite", targets: ["NeuriteCLI"]),
        .executable(name: "neurite-playground", targets: ["NeuritePlayground"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        // dlopen (Open MPI, loaded at run time) is in libc since glibc 2.34; older systems need libdl.
        .target(
            name: "CNeuriteKernels",
            linkerSettings: [
                .linkedLibrary("dl", .when(platforms: [.linux])),
                .linkedLibrary("m", .when(platforms: [.linux])),
                .linkedLibrary("pthread", .when(platforms: [.linux])),
            ]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(
            name: "Neurite",
            dependencies: [
                "CNeuriteKernels",
                "CZlib",
            ],
            resources: [.copy("Resources/MNIST")]
        ),
        .target(name: "NeuritePlot", dependencies: ["CZlib"]),
        .target(name: "NeuriteLab", dependencies: ["Neurite", "NeuritePlot"]),
        .executableTarget(
            name: "NeuriteCLI",
            dependencies: [
                "Neurite",
                "NeuritePlot",
                "NeuriteLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "NeuritePlaygroundCore", dependencies: ["Neurite"]),
        .executableTarget(
            name: "NeuritePlayground",
            dependencies: [
                "NeuritePlaygroundCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Resources")]
        ),
        // A process for the test suite to SIGKILL while it saves (the atomic-save test); not a product.
        .executableTarget(name: "AtomicWriteChild", dependencies: ["Neurite"], path: "Tests/AtomicWriteChild"),
        // A process confined to one CPU, for the thread-pool policy's test; not a product.
        .executableTarget(name: "OneCPUPoolChild", dependencies: ["CNeuriteKernels"], path: "Tests/OneCPUPoolChild"),
        // Run under mpirun by scripts/test_mpi.sh: data-parallel training against one process; not a product.
        .executableTarget(name: "DistributedEquivalenceCheck", dependencies: ["Neurite"], path: "Tests/DistributedEquivalenceCheck"),
        .testTarget(name: "NeuriteTests", dependencies: ["Neurite", "CZlib"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NeuriteCLITests", dependencies: ["NeuriteCLI", "Neurite"]),
        .testTarget(name: "NeuritePlotTests", dependencies: ["NeuritePlot", "CZlib"]),
        .testTarget(name: "NeuriteLabTests", dependencies: ["NeuriteLab", "Neurite", "NeuritePlot"]),
        .testTarget(
            name: "NeuritePlaygroundTests",
            dependencies: [
                "NeuritePlaygroundCore",
                "NeuritePlayground",
                "Neurite",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ]
        ),
    ]
)
