struct Demo: UnbuiltCommand {
    static let plannedIn = "foundation: DICOM toolkit"
    static let configuration = CommandConfiguration(
        abstract: "Run a whole federation on this machine (grows with every capability).", isAvailable: false)
}
