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

    init(results: [FileResult], deidentificationMethod: [String]) {
        inputs = results.count
        var dicom = 0
        var documents = 0
        var bytes = 0
        var repaired = 0
        var quarantined: [QuarantinedInput] = []
        var actions: [String: [String: Int]] = [:]
        var basis: [String: Int] = [:]
        for result in results {
            switch result.outcome {
            case .quarantined(let code, let reason):
                quarantined.append(QuarantinedInput(path: result.relativePath, code: code, reason: reason))
            case .deidentified(let record, let warnings, let outputBytes):
                bytes += outputBytes
                if warnings > 0 { repaired += 1 }
                if let record {
                    dicom += 1
                    basis[record.dateShiftBasis.rawValue, default: 0] += 1
                    for entry in record.entries {
                        actions[entry.path, default: [:]][entry.action.rawValue, default: 0] += entry.count
                    }
                } else {
                    documents += 1
                }
            }
        }
        self.dicomWritten = dicom
        self.documentsWritten = documents
        self.bytesWritten = bytes
        self.repairedInputs = repaired
        self.quarantined = quarantined.sorted { $0.path < $1.path }
        self.actions = actions
        self.dateShiftBasis = basis
        self.deidentificationMethod = deidentificationMethod
    }

    /// The report as JSON with sorted keys, the same bytes for the same batch.
    public func jsonData() throws -> Data {
        let object: [String: Any] = [
            "inputs": inputs,
            "written": ["dicom": dicomWritten, "documents": documentsWritten, "bytes": bytesWritten],
            "repairedInputs": repairedInputs,
            "quarantined": quarantined.map { ["path": $0.path, "code": $0.code, "reason": $0.reason] },
            "actions": actions,
            "dateShiftBasis": dateShiftBasis,
            "deidentificationMethod": deidentificationMethod,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
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
