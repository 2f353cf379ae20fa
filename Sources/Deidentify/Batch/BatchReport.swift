public import Foundation

/// What a batch did, without patient data: counts, the actions taken per attribute path, and every
/// quarantined input with its reason. Written as `deid-report.json` beside the outputs.
///
/// File paths appear as they are relative to the inputs; keep input file names free of patient data.
public struct BatchReport: Sendable {
    /// The report's file name in the output folder.
    public static let fileName = "deid-report.json"

    /// One quarantined input.
    public struct QuarantinedInput: Sendable, Hashable {
        /// The input's path relative to its input folder.
        public let path: String
        /// A short machine-readable code.
        public let code: String
        /// Why, without patient data.
        public let reason: String
    }

    /// Inputs seen.
    public let inputs: Int
    /// DICOM instances de-identified and written.
    public let dicomWritten: Int
    /// Documents de-identified and written.
    public let documentsWritten: Int
    /// Bytes written.
    public let bytesWritten: Int
    /// Inputs read only after lenient repairs (their warnings are counted, not listed).
    public let repairedInputs: Int
    /// Every quarantined input, in path order.
    public let quarantined: [QuarantinedInput]
    /// For each attribute path, how many times each action was applied.
    public let actions: [String: [String: Int]]
    /// How many instances got their date shift from which basis.
    public let dateShiftBasis: [String: Int]
    /// The De-identification Method (0012,0063) values written.
    public let deidentificationMethod: [String]

    init(tally: BatchTally, deidentificationMethod: [String]) {
        inputs = tally.inputs
        dicomWritten = tally.dicomWritten
        documentsWritten = tally.documentsWritten
        bytesWritten = tally.bytesWritten
        repairedInputs = tally.repairedInputs
        quarantined = tally.quarantined.sorted { $0.path < $1.path }
        actions = tally.actions
        dateShiftBasis = tally.dateShiftBasis
        self.deidentificationMethod = deidentificationMethod
    }

    /// The report as JSON with sorted keys, the same bytes for the same batch.
    ///
    /// The bytes are those of `JSONSerialization` with `.prettyPrinted` and `.sortedKeys`, written directly:
    /// that serializer spends most of its time on dynamic casts and sorting, which for a batch of many
    /// attribute paths took longer than de-identifying the files.
    public func jsonData() throws -> Data {
        var json = ReportJSON()
        json.object(indent: 0, keys: ["actions", "dateShiftBasis", "deidentificationMethod", "inputs", "quarantined",
            "repairedInputs", "written"]) { json, key, indent in
            switch key {
            case "actions":
                json.object(indent: indent, keys: Array(actions.keys)) { json, path, indent in
                    let counts = actions[path] ?? [:]
                    json.object(indent: indent, keys: Array(counts.keys)) { json, action, _ in
                        json.number(counts[action] ?? 0)
                    }
                }
            case "dateShiftBasis":
                json.object(indent: indent, keys: Array(dateShiftBasis.keys)) { json, basis, _ in
                    json.number(dateShiftBasis[basis] ?? 0)
                }
            case "deidentificationMethod":
                json.array(indent: indent, count: deidentificationMethod.count) { json, index, _ in
                    json.string(deidentificationMethod[index])
                }
            case "inputs": json.number(inputs)
            case "quarantined":
                json.array(indent: indent, count: quarantined.count) { json, index, indent in
                    let entry = quarantined[index]
                    json.object(indent: indent, keys: ["code", "path", "reason"]) { json, field, _ in
                        json.string(field == "code" ? entry.code : field == "path" ? entry.path : entry.reason)
                    }
                }
            case "repairedInputs": json.number(repairedInputs)
            default:
                let written = ["bytes": bytesWritten, "dicom": dicomWritten, "documents": documentsWritten]
                json.object(indent: indent, keys: Array(written.keys)) { json, field, _ in json.number(written[field] ?? 0) }
            }
        }
        return Data(json.bytes)
    }
}

/// Writes JSON in the layout of `JSONSerialization` with `.prettyPrinted` and `.sortedKeys`: two-space
/// indents, `"key" : value`, keys in its order (numeric, case-insensitive comparison), `/` escaped.
struct ReportJSON {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    private mutating func newline(indent: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(0x20, count: indent))
    }

    /// An object whose members are `keys`, sorted as `JSONSerialization` sorts them; `value` writes each value.
    mutating func object(indent: Int, keys: [String], _ value: (inout ReportJSON, String, Int) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        let sorted = Self.sortedAsJSONSerialization(keys)
        if sorted.isEmpty { bytes.append(0x0A) }
        for (index, key) in sorted.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            newline(indent: indent + 2)
            string(key)
            bytes.append(contentsOf: Array(" : ".utf8))
            value(&self, key, indent + 2)
        }
        newline(indent: indent)
        bytes.append(UInt8(ascii: "}"))
    }

    /// `keys` in `JSONSerialization`'s order (Foundation's numeric, case-insensitive, forced-ordering comparison).
    ///
    /// That comparison costs a few microseconds a call on Linux, and a report has thousands of keys; so the keys
    /// are sorted first by a byte comparison that orders them the same way in the usual cases (digit runs by
    /// value, letters without case), and only the neighbours of that order are compared by Foundation. The
    /// comparison is a total order, so if every neighbour is in order the whole order is Foundation's; if one is
    /// not, the keys are sorted again by Foundation's comparison alone.
    static func sortedAsJSONSerialization(_ keys: [String]) -> [String] {
        let locale = Locale(identifier: "")  // one for the whole sort, not one per comparison
        func ascending(_ lhs: String, _ rhs: String) -> Bool {
            lhs.compare(rhs, options: [.numeric, .caseInsensitive, .forcedOrdering], range: lhs.startIndex..<lhs.endIndex,
                locale: locale) == .orderedAscending
        }
        // Each key's bytes are taken once, not once per comparison.
        let guess = keys.map { (key: $0, bytes: Array($0.utf8)) }
            .sorted { approximatelyAscending($0.bytes, $1.bytes) }.map(\.key)
        if zip(guess, guess.dropFirst()).allSatisfy({ ascending($0, $1) }) { return guess }
        return keys.sorted(by: ascending)
    }

    /// A byte order close to Foundation's numeric, case-insensitive comparison of two UTF-8 keys: runs of ASCII
    /// digits compare by value, ASCII letters without case, anything else by byte; ties by the bytes themselves.
    static func approximatelyAscending(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
        var i = 0
        var j = 0
        while i < left.count, j < right.count {
            if isDigit(left[i]), isDigit(right[j]) {
                var leftEnd = i
                while leftEnd < left.count, isDigit(left[leftEnd]) { leftEnd += 1 }
                var rightEnd = j
                while rightEnd < right.count, isDigit(right[rightEnd]) { rightEnd += 1 }
                var leftStart = i
                while leftStart < leftEnd - 1, left[leftStart] == 0x30 { leftStart += 1 }
                var rightStart = j
                while rightStart < rightEnd - 1, right[rightStart] == 0x30 { rightStart += 1 }
                let leftLength = leftEnd - leftStart
                let rightLength = rightEnd - rightStart
                if leftLength != rightLength { return leftLength < rightLength }
                for offset in 0..<leftLength where left[leftStart + offset] != right[rightStart + offset] {
                    return left[leftStart + offset] < right[rightStart + offset]
                }
                i = leftEnd
                j = rightEnd
                continue
            }
            let a = folded(left[i])
            let b = folded(right[j])
            if a != b { return a < b }
            i += 1
            j += 1
        }
        if i < left.count || j < right.count { return j < right.count }
        return left.lexicographicallyPrecedes(right)
    }

    /// An array of `count` values; `value` writes each.
    mutating func array(indent: Int, count: Int, _ value: (inout ReportJSON, Int, Int) -> Void) {
        bytes.append(UInt8(ascii: "["))
        if count == 0 { bytes.append(0x0A) }
        for index in 0..<count {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            newline(indent: indent + 2)
            value(&self, index, indent + 2)
        }
        newline(indent: indent)
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func number(_ value: Int) { bytes.append(contentsOf: Array(String(value).utf8)) }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case UInt8(ascii: "/"): bytes.append(contentsOf: [0x5C, 0x2F])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// The counts of a batch so far: each worker adds its files' outcomes as they finish and the tallies are merged
/// at the end, so memory holds the counts and the quarantine list, not a record per file. Sums do not depend on
/// the order, so the report is the same whatever the number of threads.
struct BatchTally: Sendable {
    var inputs = 0
    var dicomWritten = 0
    var documentsWritten = 0
    var bytesWritten = 0
    var repairedInputs = 0
    var quarantined: [BatchReport.QuarantinedInput] = []
    /// Per attribute path, how many elements received each action (indexed in ``DeidentificationRecord/Action``'s
    /// declaration order): one hash of the path per element, no per-file sort of the record.
    var actionCounts: [String: [Int]] = [:]
    var dateShiftBasis: [String: Int] = [:]

    /// For each attribute path, how many times each action was applied, by the action's name.
    var actions: [String: [String: Int]] {
        actionCounts.mapValues { counts in
            var named: [String: Int] = [:]
            for (rank, count) in counts.enumerated() where count > 0 { named[Self.actionNames[rank]] = count }
            return named
        }
    }

    private static let actionNames = DeidentificationRecord.Action.allCases.map(\.rawValue)
    private static let noCounts = [Int](repeating: 0, count: actionNames.count)

    /// Counts one input's outcome.
    mutating func add(_ result: FileResult) {
        inputs += 1
        switch result.outcome {
        case .quarantined(let code, let reason):
            quarantined.append(BatchReport.QuarantinedInput(path: result.relativePath, code: code, reason: reason))
        case .deidentified(let record, let warnings, let outputBytes):
            bytesWritten += outputBytes
            if warnings > 0 { repairedInputs += 1 }
            if let record {
                dicomWritten += 1
                dateShiftBasis[record.dateShiftBasis.rawValue, default: 0] += 1
                record.forEachNote { path, rank in actionCounts[path, default: Self.noCounts][rank] += 1 }
            } else {
                documentsWritten += 1
            }
        }
    }

    /// Adds another worker's counts.
    mutating func merge(_ other: BatchTally) {
        inputs += other.inputs
        dicomWritten += other.dicomWritten
        documentsWritten += other.documentsWritten
        bytesWritten += other.bytesWritten
        repairedInputs += other.repairedInputs
        quarantined += other.quarantined
        for (path, counts) in other.actionCounts {
            actionCounts[path, default: Self.noCounts].withUnsafeMutableBufferPointer { sums in
                for (rank, count) in counts.enumerated() { sums[rank] += count }
            }
        }
        dateShiftBasis.merge(other.dateShiftBasis, uniquingKeysWith: +)
    }
}

/// The outcome of one input file.
struct FileResult: Sendable {
    enum Kind: Sendable { case dicom, document, unknown }
    enum Outcome: Sendable {
        /// Written; `record` is nil for documents.
        case deidentified(record: DeidentificationRecord?, warnings: Int, outputBytes: Int)
        case quarantined(code: String, reason: String)
    }
    let relativePath: String
    let kind: Kind
    let outcome: Outcome
}
