public import DICOM

/// What ``DICOMDeidentifier/deidentify(_:)`` made of one instance.
///
/// ```swift
/// switch deidentifier.deidentify(file) {
/// case .deidentified(let output, let record): try DICOMWriter.write(output, to: url); print(record.counts)
/// case .quarantined(let reason): print(reason)   // code and a message without patient data
/// }
/// ```
public enum DeidentificationOutcome: Sendable {
    /// The de-identified file and what was done to it.
    case deidentified(DICOMFile, DeidentificationRecord)
    /// The instance cannot be de-identified safely; it must be kept apart, with the reason.
    case quarantined(QuarantineReason)
}

/// Why an instance was quarantined instead of de-identified: a code and a message free of patient data
/// (STYLE.md R5). The message names the kind of instance (modality, standard SOP Class, size) and what to do.
public struct QuarantineReason: Sendable, Hashable, CustomStringConvertible {
    /// The kind of reason.
    public enum Code: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The pixel data may carry burned-in annotation (a high-risk class, or Burned In Annotation (0028,0301)
        /// YES or absent) and no ``PixelCleaningRule`` matches the instance.
        case burnedInAnnotation
        /// A cleaning rule matches, but the pixel data is compressed and no decoder exists to clean it.
        case compressedPixelDataNeedsCleaning
        /// A cleaning rule matches, but the pixel format cannot be cleaned (Bits Allocated other than 8 or 16,
        /// Samples per Pixel other than 1 or 3, missing Rows/Columns).
        case unsupportedPixelFormat
        /// The pixel data to clean could not be read, or is shorter than its frames.
        case unreadablePixelData
        /// The instance has no usable SOP Instance UID (0008,0018) after de-identification.
        case missingSOPInstanceUID
        /// A keyed digest failed (the `Crypto` module reported an error).
        case keyedDigestFailed
        /// The transfer syntax is not one this version knows, so the data set may not have been parsed as
        /// its writer meant: nothing read under a guessed encoding is passed on.
        case unknownTransferSyntax

        /// The code as a word.
        public var description: String { rawValue }
    }

    /// The kind of reason.
    public let code: Code
    /// What is wrong and what to do, without any element value that could be patient data.
    public let message: String

    /// Creates a reason.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
