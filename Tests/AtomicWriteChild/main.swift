import Foundation
import Neurite

// A child process for the SIGKILL test of atomic saves (Tests/NeuriteTests/AtomicFileTests):
// saves a model of COUNT floats to PATH over and over, version 1, 2, 3, … (every element of
// version v equals v), until it is killed.
//     AtomicWriteChild PATH COUNT
let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]), count > 0 else {
    FileHandle.standardError.write(Data("usage: AtomicWriteChild PATH COUNT\n".utf8))
    exit(2)
}
let url = URL(fileURLWithPath: arguments[1])
var version: Float = 1
while true {
    try Safetensors.write([("w", Tensor.full([count], version))], metadata: ["version": "\(version)"], to: url)
    version += 1
}
