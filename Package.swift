// swift-tools-version: 6.1
import PackageDescription

// The architecture, bottom to top (imports flow one way):
//   CNeuriteKernels  C kernels (GEMM, dispatch by CPU at run time)
//   CZlib            the system zlib, for gzip-compressed IDX files
//   Neurite          tensors, autograd, layers, losses, optimizers, data
//   NeuritePlot      figures as PNG and SVG (needs only zlib, not Neurite)
//   NeuriteLab       the experiments behind the notes' claims (Neurite + NeuritePlot)
//   neurite          the command-line tool
let package = Package(
    name: "Neurite",
    // ContinuousClock and Duration (training timers) need macOS 13.
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Neurite", targets: ["Neurite"]),
        .library(name: "NeuritePlot", targets: ["NeuritePlot"]),
        .library(name: "NeuriteLab", targets: ["NeuriteLab"]),
        .executable(name: "neurite", targets: ["NeuriteCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .target(name: "CNeuriteKernels"),
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
                .product(name: "Crypto", package: "swift-crypto"),
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
        .testTarget(name: "NeuriteTests", dependencies: ["Neurite"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NeuriteCLITests", dependencies: ["NeuriteCLI", "Neurite"]),
        .testTarget(name: "NeuritePlotTests", dependencies: ["NeuritePlot", "CZlib"]),
        .testTarget(name: "NeuriteLabTests", dependencies: ["NeuriteLab", "Neurite", "NeuritePlot"]),
    ]
)
