import DICOM
public import Foundation
import Glibc
import Synchronization

/// De-identifies files and folders of DICOM and documents into a mirrored output tree, on all cores.
///
/// Every input file ends in exactly one of two places: a de-identified file at the same relative path
/// under the output folder, or the report's quarantine list with a reason. Nothing identifying is copied:
/// a quarantined input is never written to the output. The same inputs and key give byte-identical
/// outputs and report, whatever the number of threads.
///
/// ```swift
/// let batch = BatchDeidentifier(dicom: try DICOMDeidentifier(configuration: configuration))
/// let report = try batch.run(inputs: [URL(fileURLWithPath: "incoming")], output: URL(fileURLWithPath: "out"))
/// try report.jsonData().write(to: URL(fileURLWithPath: "out/deid-report.json"))
/// ```
public struct BatchDeidentifier: Sendable {
    /// The DICOM de-identifier applied to every DICOM input.
    public let dicom: DICOMDeidentifier
    /// Threads working at once.
    public var concurrency: Int
    /// Values larger than this stay in the input file and are copied to the output in chunks (pixel data is
    /// streamed, never held whole in memory).
    public var deferThreshold: Int
    /// The de-identifier for text, CSV and FHIR documents; without one, documents are quarantined.
    public var documents: DocumentDeidentifier?

    /// Creates a batch runner.
    public init(
        dicom: DICOMDeidentifier, documents: DocumentDeidentifier? = nil,
        concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.dicom = dicom
        self.documents = documents
        self.concurrency = max(1, concurrency)
        self.deferThreshold = 64 * 1024
    }

    /// One input file and where its output goes.
    struct Job: Sendable {
        /// The input file's path.
        let inputPath: String
        let relativePath: String

        /// The input file.
        var input: URL { URL(fileURLWithPath: inputPath, isDirectory: false) }
    }

    /// De-identifies every file under `inputs` into `output`.
    ///
    /// Each input folder's contents are mirrored directly under `output`; each input file is written under
    /// its own name. The report file is not written here (see ``BatchReport/jsonData()``).
    ///
    /// - Parameter progress: called after each file with (done, total), from any thread.
    /// - Throws: `DeidentifyError` `.invalidBatch` when an input is missing, two inputs map to the same output
    ///   path, or the output folder cannot be created. Problems with single files never throw: they are
    ///   quarantined and the rest goes on.
    public func run(
        inputs: [URL], output: URL, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(DeidentifyError) -> BatchReport {
        let jobs = try plan(inputs: inputs, output: output)
        // Documents are scrubbed with what the DICOM and FHIR inputs say about their patient, so the patients
        // are indexed first (headers only) — when there are documents to scrub.
        let hasDocuments = jobs.contains { if case .document = InputKind.classify(name: $0.inputPath) { true } else { false } }
        let patients =
            documents == nil || !hasDocuments
            ? PatientIndex() : PatientIndex.build(jobs: jobs, concurrency: concurrency)
        // Output paths are joined as strings: building and parsing URLs for each file cost more than the rest of
        // the file system work.
        let outputPath = output.standardizedFileURL.path
        let folders = OutputFolders(root: outputPath)
        let total = Mutex(BatchTally())
        let done = Atomic<Int>(0)
        let workers = min(concurrency, max(1, jobs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var tally = BatchTally()
            var index = worker
            while index < jobs.count {
                tally.add(process(jobs[index], output: outputPath, patients: patients, folders: folders))
                let finished = done.add(1, ordering: .relaxed).newValue
                progress?(finished, jobs.count)
                index += workers
            }
            total.withLock { $0.merge(tally) }
        }
        return BatchReport(tally: total.withLock { $0 }, deidentificationMethod: dicom.deidentificationMethod)
    }

    /// Lists the input files in a fixed order and checks that their output paths do not collide.
    func plan(inputs: [URL], output: URL) throws(DeidentifyError) -> [Job] {
        var jobs: [Job] = []
        var seen: Set<String> = []
        let manager = FileManager.default
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: input.path, isDirectory: &isDirectory) else {
                throw DeidentifyError(.invalidBatch, input: input.path, "no such file or folder")
            }
            var found: [Job] = []
            if isDirectory.boolValue {
                let paths: [String]
                do {
                    paths = try FileTree.regularFiles(under: input.path, followingFileLinks: true)
                } catch {
                    throw DeidentifyError(.invalidBatch, input: error.path, "the folder cannot be read")
                }
                let folder = input.standardizedFileURL.path
                for path in paths { found.append(Job(inputPath: Self.join(folder, path), relativePath: path)) }
            } else {
                found.append(Job(inputPath: input.path, relativePath: input.lastPathComponent))
            }
            for job in found.sorted(by: { $0.relativePath < $1.relativePath }) {
                guard seen.insert(job.relativePath).inserted else {
                    throw DeidentifyError(
                        .invalidBatch, input: job.input.path, "another input has the same output path",
                        remedy: "give inputs whose file names and folder contents do not overlap")
                }
                if job.relativePath == BatchReport.fileName {
                    throw DeidentifyError(.invalidBatch, input: job.input.path, "the name is reserved for the report")
                }
                jobs.append(job)
            }
        }
        do {
            try manager.createDirectory(at: output, withIntermediateDirectories: true)
        } catch {
            throw DeidentifyError(.invalidBatch, input: output.path, "the output folder cannot be created")
        }
        return jobs
    }

    /// De-identifies one file. Never throws: every failure is a quarantine entry.
    func process(_ job: Job, output: String, patients: PatientIndex, folders: OutputFolders) -> FileResult {
        let kind = InputKind.classify(path: job.inputPath)
        switch kind {
        case .dicom:
            return processDICOM(job, output: output, folders: folders)
        case .document(let format):
            guard let documents else {
                return FileResult(
                    relativePath: job.relativePath, kind: .document, outcome: .quarantined(
                        code: "unsupportedDocument",
                        reason: "\(format) documents are not de-identified in this run; the file was not copied"))
            }
            return processDocument(job, output: output, documents: documents, patients: patients, folders: folders)
        case .unknown:
            return FileResult(
                relativePath: job.relativePath, kind: .unknown, outcome: .quarantined(
                    code: "unsupportedFormat",
                    reason: "neither DICOM nor a supported document format (text, CSV, FHIR JSON)"))
        }
    }

    private func processDICOM(_ job: Job, output: String, folders: OutputFolders) -> FileResult {
        var options = DICOMReader.Options.lenient
        options.deferThreshold = deferThreshold
        let file: DICOMFile
        do {
            file = try DICOMReader.read(path: job.inputPath, options: options)
        } catch {
            return FileResult(
                relativePath: job.relativePath, kind: .dicom,
                outcome: .quarantined(code: "unreadable", reason: error.reason))
        }
        switch dicom.deidentify(file) {
        case .quarantined(let reason):
            return FileResult(
                relativePath: job.relativePath, kind: .dicom,
                outcome: .quarantined(code: reason.code.rawValue, reason: reason.message))
        case .deidentified(let result, let record):
            var bytes = 0
            do {
                try Self.writeAtomically(to: Self.join(output, job.relativePath), folders: folders) {
                    partial throws(DICOMError) in
                    bytes = try DICOMWriter.write(result, toPath: partial)
                }
            } catch {
                return FileResult(
                    relativePath: job.relativePath, kind: .dicom,
                    outcome: .quarantined(code: "unwritable", reason: "the output could not be written: \(error)"))
            }
            return FileResult(
                relativePath: job.relativePath, kind: .dicom,
                outcome: .deidentified(record: record, warnings: file.warnings.count, outputBytes: bytes))
        }
    }

    private func processDocument(
        _ job: Job, output: String, documents: DocumentDeidentifier, patients: PatientIndex, folders: OutputFolders
    ) -> FileResult {
        func quarantine(_ code: String, _ reason: String) -> FileResult {
            FileResult(relativePath: job.relativePath, kind: .document, outcome: .quarantined(code: code, reason: reason))
        }
        guard let data = try? Data(contentsOf: job.input) else { return quarantine("unreadable", "the file cannot be read") }
        let bytes = [UInt8](data)
        // A document linked to one patient is scrubbed with that patient's identity and shifted by their date
        // shift; an unlinked one with every known identity, and its dates reduced to years.
        let link = patients.patient(forDocumentIn: job.relativePath)
        var dateShift: DateShift?
        if let link, dicom.configuration.options.contains(.retainLongitudinalTemporalInformationModifiedDates) {
            // The DICOM de-identifier's own shifter: the same key and range, so documents move with the images.
            dateShift = try? dicom.dates.shift(forPatientID: link.patientID, issuer: link.issuer)
        }
        let identity = link?.identity ?? patients.everyone
        switch documents.deidentify(bytes: bytes, fileName: job.relativePath, identity: identity, dateShift: dateShift) {
        case .quarantined(let error):
            return quarantine(error.code.rawValue, error.reason)
        case .deidentified(let cleaned, _, _):
            do {
                try Self.writeAtomically(to: Self.join(output, job.relativePath), folders: folders) { partial in
                    try Data(cleaned).write(to: URL(fileURLWithPath: partial, isDirectory: false))
                }
            } catch {
                return quarantine("unwritable", "the output could not be written")
            }
            return FileResult(
                relativePath: job.relativePath, kind: .document,
                outcome: .deidentified(record: nil, warnings: 0, outputBytes: cleaned.count))
        }
    }

    /// Writes through a temporary name in the same folder and renames, so an output is whole or absent.
    static func writeAtomically<E: Error>(
        to destination: String, folders: OutputFolders, _ write: (String) throws(E) -> Void
    ) throws {
        let slash = destination.utf8.lastIndex(of: UInt8(ascii: "/")) ?? destination.utf8.startIndex
        let folder = String(destination[..<slash])
        try folders.create(folder)
        let partial = folder + "/." + destination[destination.utf8.index(after: slash)...] + ".partial"
        do {
            try write(partial)
            // rename(2) replaces the destination atomically (POSIX), unlike FileManager's move.
            guard Glibc.rename(partial, destination) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination])
            }
        } catch {
            _ = Glibc.unlink(partial)
            throw error
        }
    }

    /// `folder/relative`: a folder's path and a path relative to it, joined.
    static func join(_ folder: String, _ relative: String) -> String {
        folder.hasSuffix("/") ? folder + relative : folder + "/" + relative
    }
}

/// The output folders a batch has made, so each is created once rather than once per file.
final class OutputFolders: Sendable {
    private let made: Mutex<Set<String>>

    /// `root` (a standardized path) exists already (``BatchDeidentifier/plan(inputs:output:)`` made it).
    init(root: String) {
        made = Mutex([root])
    }

    /// Creates the folder at `path` (the root joined with a relative path) and its parents unless this batch
    /// made it before.
    func create(_ path: String) throws {
        if made.withLock({ $0.contains(path) }) { return }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        made.withLock { _ = $0.insert(path) }
    }
}

/// What an input file is, decided from its name and first bytes.
enum InputKind: Equatable {
    case dicom
    case document(String)
    case unknown

    /// The kind the file name alone says, or `nil` when the first bytes must decide.
    static func classify(name path: String) -> InputKind? {
        switch FileTree.pathExtension(of: path) {
        case "txt", "text": return .document("text")
        case "csv": return .document("CSV")
        case "json": return .document("JSON")
        case "dcm", "dicom": return .dicom
        default: return nil
        }
    }

    static func classify(path: String) -> InputKind {
        if let kind = classify(name: path) { return kind }
        // Part 10 files carry "DICM" after a 128-byte preamble (PS3.10 §7.1); bare data sets start with a
        // group 0002 or 0008 tag in little-endian order.
        guard let handle = FileHandle(forReadingAtPath: path) else { return .unknown }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 132)) ?? Data())
        if head.count >= 132, head[128..<132].elementsEqual(Array("DICM".utf8)) { return .dicom }
        if head.count >= 4, head[1] == 0x00, head[0] == 0x02 || head[0] == 0x08, head[2...3] != [0x00, 0x00] {
            return .dicom
        }
        return .unknown
    }
}
