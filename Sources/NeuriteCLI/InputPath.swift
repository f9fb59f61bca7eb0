import Foundation

/// `-` as standard input, for the arguments that name a table or a text: `zcat t.csv.gz |
/// neurite train csv - --target y`. The library reads pipes (``CSVTable``, ``TextCorpus``), and
/// `/dev/stdin` is standard input as a file on Linux and macOS; errors name `/dev/stdin`.
enum InputPath {
    static func url(_ argument: String) -> URL {
        URL(fileURLWithPath: argument == "-" ? "/dev/stdin" : argument)
    }
}
