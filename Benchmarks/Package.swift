// swift-tools-version: 6.1
import PackageDescription

// Micro-benchmarks of Neurite with ordo-one/package-benchmark, kept out of the main package so
// that neither the benchmark framework nor its malloc interposer become dependencies of Neurite.
// Run from this folder: swift package benchmark   (see README.md)
let package = Package(
    name: "NeuriteBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // Named, so that the product reference below does not depend on the folder name of the clone.
        .package(name: "Neurite", path: ".."),
        // ordo-one/package-benchmark, under the repository's current name (the plugin warns that
        // the old "package-benchmark" identity is going away). Only the malloc interposer
        // (mallocCountTotal): the Linux/Swift-6.3-only ARC runtime interposer (the default
        // "RuntimeInterposer" trait) is not needed for these metrics and would add a dependency.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "NeuriteBenchmarks",
            dependencies: [
                .product(name: "Neurite", package: "Neurite"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/NeuriteBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
