/// A DICOM Part 10 file: preamble, File Meta Information and the data set (PS3.10 §7).
///
/// ```swift
/// let file = try DICOMReader.read(contentsOf: url)
/// file.dataset.string(for: .patientID)
/// file.transferSyntax.isEncapsulated
/// ```
public struct DICOMFile: Sendable, Hashable {
    /// The 128-byte preamble, or `nil` when the input had none (lenient reading).
    public var preamble: [UInt8]?
    /// The File Meta Information, group 0002 (PS3.10 §7.1); empty when the input had none.
    public var fileMeta: Dataset
    /// The data set.
    public var dataset: Dataset
    /// The transfer syntax the data set was encoded in (or is to be written in).
    public var transferSyntax: TransferSyntax
    /// Defects that lenient reading repaired or tolerated; empty in strict mode.
    public var warnings: [DICOMWarning]
    /// Whether reading stopped before Pixel Data because of `DICOMReader.Options.stopBeforePixels`.
    public var stoppedBeforePixels: Bool

    /// Creates a file from its parts.
    public init(
        preamble: [UInt8]? = nil, fileMeta: Dataset = Dataset(), dataset: Dataset,
        transferSyntax: TransferSyntax = .explicitVRLittleEndian, warnings: [DICOMWarning] = [],
        stoppedBeforePixels: Bool = false
    ) {
        self.preamble = preamble
        self.fileMeta = fileMeta
        self.dataset = dataset
        self.transferSyntax = transferSyntax
        self.warnings = warnings
        self.stoppedBeforePixels = stoppedBeforePixels
    }
}
