import Foundation
import Testing
@testable import Neurite

@Suite("CSV tables and standardization")
struct CSVTableTests {
    let url = URL(fileURLWithPath: "/data/table.csv")

    @Test func quotedFieldsCommasNewlinesAndCRLF() throws {
        let text = "\u{FEFF}id,\"name, full\",x\r\n1,\"a \"\"b\"\"\",2.5\r\n\r\n2,\"two\nlines\",-1e3\n"
        let table = try CSVTable(text: text, url: url)
        #expect(table.columns == ["id", "name, full", "x"])
        #expect(table.rows == [["1", "a \"b\"", "2.5"], ["2", "two\nlines", "-1e3"]])
        #expect(table.lineNumbers == [2, 4])
        #expect(try table.numbers(columns: ["x", "id"]).scalars == [2.5, 1, -1000, 2])
    }

    @Test func badFilesGiveErrorsNamingFileAndLine() throws {
        let cases: [(String, CSVError)] = [
            ("", .empty(url, reason: "the file is empty; expected a header row")),
            ("a,b\n", .empty(url, reason: "the file has a header row but no data rows")),
            ("a,b\n1,2\n3\n", .raggedRow(url, line: 3, cells: 1, expected: 2)),
            ("a,b\n1,2,3\n", .raggedRow(url, line: 2, cells: 3, expected: 2)),
            ("a,b\n1,\"2\n3,4\n", .unterminatedQuote(url, line: 2)),
            ("a,b\n1,2\"x\n", .misplacedQuote(url, line: 2)),
            ("a,b\n1,\"2\"x\n", .misplacedQuote(url, line: 2)),
            ("a,a\n1,2\n", .duplicateColumn(url, name: "a")),
        ]
        for (text, expected) in cases {
            #expect(throws: expected, "\(text.debugDescription)") { try CSVTable(text: text, url: url) }
        }
        let numeric: [(String, CSVError)] = [
            ("a,b\n1,2\n3,x\n", .notANumber(url, line: 3, column: "b", text: "x")),
            ("a,b\n1,\n", .notANumber(url, line: 2, column: "b", text: "")),
            ("a,b\n1,nan\n", .nonFinite(url, line: 2, column: "b", text: "nan")),
            ("a,b\n-inf,1\n", .nonFinite(url, line: 2, column: "a", text: "-inf")),
            ("a,b\n1,1e39\n", .nonFinite(url, line: 2, column: "b", text: "1e39")),
            ("a,b\n1,2\u{0}7\n", .notANumber(url, line: 2, column: "b", text: "2\u{0}7")),  // Float("2\0 7") is 2
            ("a,b\n1,\u{A0}3\u{A0}\n4,x\n", .notANumber(url, line: 3, column: "b", text: "x")),  // no-break spaces trimmed
        ]
        for (text, expected) in numeric {
            let table = try CSVTable(text: text, url: url)
            #expect(throws: expected, "\(text.debugDescription)") { try table.numbers(columns: ["a", "b"]) }
        }
        let table = try CSVTable(text: "a,b\n1,2\n", url: url)
        #expect(throws: CSVError.missingColumn(url, name: "c", available: ["a", "b"])) { try table.numbers(columns: ["c"]) }
        #expect("\(CSVError.raggedRow(url, line: 3, cells: 1, expected: 2))" == "/data/table.csv:3: the row has 1 cells, the header has 2")
    }

    /// A pipe (`<(zcat t.csv.gz)`, standard input) is read to its end, and refused as soon as
    /// what it has sent fails the memory check, so one that does not end cannot exhaust memory.
    @Test func pipesAreReadAndBounded() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-pipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pipe = folder.appendingPathComponent("table.csv")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        func send(_ text: String) {
            Thread.detachNewThread {
                // A reader that refuses the stream closes it early: the write then fails with
                // EPIPE, and SIGPIPE, blocked in this thread, is dropped with it.
                var pipeSignal = sigset_t()
                sigemptyset(&pipeSignal)
                sigaddset(&pipeSignal, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
                let descriptor = open(pipe.path, O_WRONLY)
                _ = text.withCString { write(descriptor, $0, strlen($0)) }
                close(descriptor)
            }
        }
        let rows = (0..<20_000).map { "\($0),\($0 % 2)" }.joined(separator: "\n")
        send("x,y\n" + rows + "\n")
        let table = try CSVTable(contentsOf: pipe)
        #expect(table.count == 20_000 && table.columns == ["x", "y"])
        #expect(try table.numbers(columns: ["x"]).scalars.last == 19_999)

        send("x,y\n" + rows + "\n")
        #expect { try InputFile.contents(of: pipe) { $0 > 100_000 ? "more than 100 kB" : nil } } throws: { error in
            (error as? InputFile.Failure)?.reason == "more than 100 kB (read so far from a pipe)"
        }
    }

    @Test func unreadableFilesAreErrorsNotCrashes() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/neurite.csv")
        #expect(throws: CSVError.unreadable(missing, reason: "no such file")) { try CSVTable(contentsOf: missing) }
        let binary = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-\(UUID().uuidString).csv")
        try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: binary)
        defer { try? FileManager.default.removeItem(at: binary) }
        #expect(throws: CSVError.unreadable(binary, reason: "not UTF-8 text")) { try CSVTable(contentsOf: binary) }
        // A device is refused before it is read (/dev/zero would never end).
        let device = URL(fileURLWithPath: "/dev/zero")
        #expect(throws: CSVError.unreadable(device, reason: "a device, not a file")) { try CSVTable(contentsOf: device) }

        // A sparse file larger than half the memory (with its cells copied out, more than all of
        // it): refused from its size, before reading.
        let huge = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-\(UUID().uuidString).csv")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: Data("a\n".utf8)))
        defer { try? FileManager.default.removeItem(at: huge) }
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: ProcessInfo.processInfo.physicalMemory / 2 + 1)
        try handle.close()
        #expect(throws: CSVError.self) { try CSVTable(contentsOf: huge) }
    }

    @Test func standardizationUsesPopulationStatisticsAndKeepsConstantColumns() throws {
        // Column 0: 1, 2, 3, 6 → mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5.
        let inputs = try Tensor(shape: [4, 2], scalars: [1, 5, 2, 5, 3, 5, 6, 5])
        let standardization = try Standardization(fitting: inputs)
        #expect(standardization.mean.scalars == [3, 5])
        #expect(abs(standardization.standardDeviation.scalars[0] - Float(3.5).squareRoot()) < 1e-6)
        #expect(standardization.standardDeviation.scalars[1] == 1)
        let applied = try standardization.apply(to: inputs).scalars
        #expect(abs(applied[6] - 3 / Float(3.5).squareRoot()) < 1e-6)
        #expect(applied[7] == 0)
        let stored = Dictionary(uniqueKeysWithValues: standardization.namedTensors.map { ($0.name, $0.tensor) })
        #expect(try Standardization(namedTensors: stored) == standardization)
        #expect(try Standardization(namedTensors: [:]) == nil)
        #expect(throws: TensorError.self) { try Standardization(mean: Tensor([0]), standardDeviation: Tensor([0])) }
        #expect(throws: TensorError.self) { try standardization.apply(to: Tensor.zeros([1, 3])) }
    }
}

/// Random CSV texts over the bytes that matter (commas, quotes, line breaks, spaces, digits, a
/// NUL, a multi-byte character): each parses into rows of the header's width or throws a
/// ``CSVError``, and its numbers are finite or a ``CSVError``. A table of plain cells (no quotes,
/// no blank lines) must read back exactly as written.
@Suite("CSV tables: random texts")
struct CSVRandomTextTests {
    let url = URL(fileURLWithPath: "/data/random.csv")

    @Test func randomTextsParseOrThrow() throws {
        var generator = RandomGenerator(seed: 21)
        let alphabet = [",", ",", "\"", "\n", "\n", "\r\n", " ", "1", "1", "2.5", "3", "-", "e", "x", "\u{0}", "é", "nan", "1e40", "\t"]
        var (parsed, refused) = (0, 0)
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            do {
                let table = try CSVTable(text: text, url: url)
                #expect(table.rows.allSatisfy { $0.count == table.columns.count })
                #expect(table.lineNumbers.count == table.count && table.lineNumbers == table.lineNumbers.sorted())
                parsed += 1
                do {
                    let numbers = try table.numbers(columns: table.columns)
                    #expect(numbers.shape == [table.count, table.columns.count] && numbers.scalars.allSatisfy(\.isFinite))
                } catch { #expect(error is CSVError, "\(text.debugDescription): \(error)") }
            } catch {
                #expect(error is CSVError, "\(text.debugDescription): \(error)")
                refused += 1
            }
        }
        #expect(parsed > 200 && refused > 300, "\(parsed) parsed, \(refused) refused")
    }

    @Test func plainCellsReadBackAsWritten() throws {
        var generator = RandomGenerator(seed: 22)
        for _ in 0..<200 {
            let width = Int.random(in: 1...5, using: &generator), height = Int.random(in: 1...6, using: &generator)
            let header = (0..<width).map { "c\($0)" }
            let rows = (0..<height).map { _ in (0..<width).map { _ in String(Float(Int.random(in: -999...999, using: &generator)) / 8) } }
            let lineBreak = Bool.random(using: &generator) ? "\n" : "\r\n"
            let text = ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: lineBreak)
            let table = try CSVTable(text: text, url: url)
            #expect(table.columns == header && table.rows == rows && table.lineNumbers == Array(2...(height + 1)))
            #expect(try table.numbers(columns: header).scalars == rows.flatMap { $0.map { Float($0)! } })
        }
    }
}
