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
        ]
        for (text, expected) in numeric {
            let table = try CSVTable(text: text, url: url)
            #expect(throws: expected, "\(text.debugDescription)") { try table.numbers(columns: ["a", "b"]) }
        }
        let table = try CSVTable(text: "a,b\n1,2\n", url: url)
        #expect(throws: CSVError.missingColumn(url, name: "c", available: ["a", "b"])) { try table.numbers(columns: ["c"]) }
        #expect("\(CSVError.raggedRow(url, line: 3, cells: 1, expected: 2))" == "/data/table.csv:3: the row has 1 cells, the header has 2")
    }

    @Test func unreadableFilesAreErrorsNotCrashes() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/neurite.csv")
        #expect(throws: CSVError.unreadable(missing, reason: "no such file")) { try CSVTable(contentsOf: missing) }
        let binary = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-\(UUID().uuidString).csv")
        try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: binary)
        defer { try? FileManager.default.removeItem(at: binary) }
        #expect(throws: CSVError.unreadable(binary, reason: "not UTF-8 text")) { try CSVTable(contentsOf: binary) }

        // A sparse file larger than a quarter of the memory: refused from its size, before reading.
        let huge = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-\(UUID().uuidString).csv")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: Data("a\n".utf8)))
        defer { try? FileManager.default.removeItem(at: huge) }
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: ProcessInfo.processInfo.physicalMemory / 4 + 1)
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
