struct Dicom: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "Inspect DICOM files.", subcommands: [Dump.self])

    struct Dump: UnbuiltCommand {
        static let plannedIn = "foundation: DICOM toolkit"
        static let configuration = CommandConfiguration(
            abstract: "Print a DICOM file's elements (DICOM JSON with --json).", isAvailable: false)
    }
}
