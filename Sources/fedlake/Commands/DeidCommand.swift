import Crypto
import Deidentify
import Foundation

struct Deid: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "De-identify files or folders of DICOM and documents.",
        discussion: """
            Applies the DICOM PS3.15 Basic Application Confidentiality Profile (Table E.1-1, every row) with
            the chosen options, failing closed: whatever the table and the allowlist do not keep is removed.
            UIDs, patient IDs and date shifts are derived from the key, so the same key links the same
            patient across runs and different keys give unlinkable outputs. Each input folder is mirrored
            under --out; each input file is written under its name. Inputs that cannot be de-identified
            safely are quarantined: listed with their reason in deid-report.json and never copied.
            Documents (plain text, CSV, FHIR R4 JSON) are scrubbed of the HIPAA Safe Harbor identifiers,
            with the identity of the patient whose DICOM shares their folder, and their dates shifted with
            that patient's; other formats are quarantined. Instances that may show burned-in text
            (ultrasound, secondary capture, angiography, photographs, or Burned In Annotation YES) are
            quarantined unless a --pixel-rules rule blanks their text regions.
            Without --option, the node default applies: retainLongitudinalTemporalInformationModifiedDates,
            retainPatientCharacteristics, cleanDescriptors, cleanStructuredContent. '--option basic' selects
            the Basic Profile alone.
            """,
        arguments: [
            .positional("INPUT", help: "Files or folders to de-identify.", repeating: true),
            .option("out", valueName: "dir", help: "The output folder (created if missing).", required: true),
            .option(
                "key-file", valueName: "file",
                help: "The secret key (mode 0600, at least 32 bytes). Without it a random key is used for this run only."),
            .option("option", valueName: "name", help: "A PS3.15 option to apply (repeatable).", repeating: true),
            .option(
                "pixel-rules", valueName: "file",
                help: "JSON rules that blank burned-in text by modality, manufacturer, model and size."),
            .option("jobs", valueName: "n", help: "Files processed at once.", default: "the number of cores"),
            .json,
        ])

    var inputs: [String]
    var output: String
    var keyFile: String?
    var options: ProfileOptions
    var pixelRules: [PixelCleaningRule]
    var jobs: Int
    var json: Bool

    init(arguments: ParsedArguments) throws {
        inputs = arguments.positionals("INPUT")
        output = try arguments.required("out")
        keyFile = arguments.option("key-file")
        let names = arguments.options("option")
        do {
            if names.isEmpty {
                options = .nodeDefault
            } else {
                options = try ProfileOptions(configNames: names.filter { $0 != "basic" })
                try options.validate()
            }
        } catch {
            throw CommandLineError.usage("\(error)")
        }
        do {
            pixelRules = try arguments.option("pixel-rules").map {
                try PixelCleaningRule.rules(contentsOf: URL(fileURLWithPath: $0))
            } ?? []
        } catch {
            throw CommandLineError.usage("\(error)")
        }
        jobs = try arguments.integer("jobs", default: ProcessInfo.processInfo.activeProcessorCount, in: 1...256)
        json = arguments.flag("json")
    }

    mutating func run() async throws {
        let key: SecureBytes
        if let keyFile {
            key = try SecretFile.read(path: keyFile, minimumCount: 32)
        } else {
            key = try SecureRandom.secureBytes(count: 32)
            if !json {
                FileHandle.standardError.write(
                    Data("note: no --key-file: a random key is used, so pseudonyms will not match any other run\n".utf8))
            }
        }
        var configuration = DeidentificationConfiguration(key: key, options: options)
        configuration.softwareVersion = FedLake.version
        // Action C on free text goes through the Safe Harbor scrubber, given each instance's own identity.
        configuration.textCleaner = TextScrubber()
        configuration.pixelCleaningRules = pixelRules
        var batch = BatchDeidentifier(
            dicom: try DICOMDeidentifier(configuration: configuration), documents: try DocumentDeidentifier(key: key))
        batch.concurrency = jobs
        let outputURL = URL(fileURLWithPath: output, isDirectory: true)
        let report = try batch.run(inputs: inputs.map { URL(fileURLWithPath: $0) }, output: outputURL)
        let reportData = try report.jsonData()
        try reportData.write(to: outputURL.appendingPathComponent(BatchReport.fileName))
        if json {
            FileHandle.standardOutput.write(reportData)
            FileHandle.standardOutput.write(Data("\n".utf8))
            return
        }
        print("de-identified \(report.dicomWritten) DICOM instances and \(report.documentsWritten) documents of \(report.inputs) inputs")
        print("wrote \(report.bytesWritten) bytes to \(output); report: \(BatchReport.fileName)")
        if !report.quarantined.isEmpty {
            print("quarantined \(report.quarantined.count) inputs (not copied):")
            for entry in report.quarantined.prefix(20) { print("  \(entry.path): \(entry.reason)") }
            if report.quarantined.count > 20 { print("  … and \(report.quarantined.count - 20) more in the report") }
        }
    }
}
