import DICOM
import Foundation

struct Dicom: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "Inspect DICOM files.", subcommands: [Dump.self])

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a DICOM file's elements (DICOM JSON with --json).",
            discussion: """
                Prints the file meta information and the data set, one element per line with nested items
                indented, like dcmdump. With --json, prints the data set in the DICOM JSON model
                (PS3.18 Annex F), binary values inline as base64. Files with vendor defects are read
                leniently and each repair is reported on standard error; --strict refuses them instead.
                The listing shows element values: it is for inspecting files, and may show patient data.
                """,
            arguments: [
                .positional("FILE", help: "The DICOM file (Part 10, or a bare data set)."),
                .json,
                .flag("strict", help: "Refuse files that do not follow the standard instead of repairing them."),
            ])

        var path: String
        var json: Bool
        var strict: Bool

        init(arguments: ParsedArguments) throws {
            path = arguments.positional("FILE") ?? ""
            json = arguments.flag("json")
            strict = arguments.flag("strict")
        }

        mutating func run() async throws {
            let options = strict ? DICOMReader.Options.strict : DICOMReader.Options.lenient
            let file = try DICOMReader.read(path: path, options: options)
            for warning in file.warnings {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            if json {
                FileHandle.standardOutput.write(Data(try DICOMJSON.encode(file.dataset, options: .init(pretty: true))))
                FileHandle.standardOutput.write(Data("\n".utf8))
                return
            }
            var text = "# \(path)\n# Transfer syntax: \(file.transferSyntax.name) (\(file.transferSyntax.uid))\n"
            text += "\n# File meta information\n" + file.fileMeta.dump()
            text += "\n# Data set\n" + file.dataset.dump()
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
