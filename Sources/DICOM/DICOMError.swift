/// The one error type of the DICOM module: what went wrong, where (file, tag, byte offset), and what to do.
///
/// Descriptions never contain element values, which may be patient data; they name locations and kinds only.
///
/// ```swift
/// do { _ = try DICOMReader.read(contentsOf: url) }
/// catch { print(error) }   // "scan.dcm: (7FE0,0010) at byte 1234: value length 40000 exceeds the 812 bytes left …"
/// ```
public struct DICOMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// A file could not be opened, mapped, read or written.
        case io
        /// The input has no `DICM` prefix after a 128-byte preamble (PS3.10 §7.1).
        case notDICOM
        /// The File Meta Information group is missing or lacks a required element (PS3.10 §7.1).
        case invalidFileMeta
        /// The transfer syntax UID is not one this reader knows (PS3.5 §10, PS3.6 Annex A).
        case unsupportedTransferSyntax
        /// The input ends inside an element header, value, item or sequence.
        case truncated
        /// The two VR bytes of an explicit VR element name no VR (PS3.5 §7.1.2).
        case invalidVR
        /// A value length is odd (PS3.5 §7.1.1 requires even lengths).
        case oddLength
        /// An undefined length where the standard allows none (PS3.5 §7.1.2).
        case invalidLength
        /// An item, item delimiter or sequence delimiter out of place (PS3.5 §7.5).
        case invalidItem
        /// Sequences nest deeper than `DICOMReader.Options.maxSequenceDepth`.
        case nestingTooDeep
        /// Deflated data inflates to more than `DICOMReader.Options.maxInflatedSize`, or is corrupt.
        case deflate
        /// Data elements are not in ascending tag order, or a tag occurs twice (PS3.5 §7.1).
        case tagOrder
        /// A group length element disagrees with the elements of its group (PS3.5 §7.2).
        case groupLength
        /// Bytes follow the end of the data set.
        case trailingData
        /// A value cannot be encoded by the writer (too long for its VR, wrong kind for the transfer syntax).
        case cannotEncode
        /// An invariant the code relies on did not hold; a bug.
        case internalError

        /// The code as a word.
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The file being read or written, if the input was a file.
    public var file: String?
    /// The data element concerned, if any.
    public var tag: Tag?
    /// The byte offset in the input where the problem was found (for deflated data: in the inflated data set).
    public var offset: Int?
    /// What is wrong, without element values.
    public var reason: String
    /// What the caller can do about it, if anything.
    public var remedy: String?

    /// Creates an error.
    public init(
        _ code: Code, _ reason: String, file: String? = nil, tag: Tag? = nil, offset: Int? = nil, remedy: String? = nil
    ) {
        self.code = code
        self.reason = reason
        self.file = file
        self.tag = tag
        self.offset = offset
        self.remedy = remedy
    }

    /// `file: (gggg,eeee) at byte N: reason (remedy)`.
    public var description: String {
        var text = ""
        if let file { text += "\(file): " }
        if let tag { text += "\(tag) " }
        if let offset { text += "at byte \(offset)" }
        if tag != nil || offset != nil { text = text.trimmingSuffixSpace() + ": " }
        text += reason
        if let remedy { text += " (\(remedy))" }
        return text
    }
}

/// A defect that `.lenient` reading repaired or tolerated, with where it was and what was done.
public struct DICOMWarning: Sendable, Hashable, CustomStringConvertible {
    /// The kind of defect (the error strict mode would have thrown).
    public var code: DICOMError.Code
    /// The data element concerned, if any.
    public var tag: Tag?
    /// The byte offset in the input (for deflated data: in the inflated data set).
    public var offset: Int?
    /// What was found and what was done, without element values.
    public var message: String

    /// Creates a warning.
    public init(_ code: DICOMError.Code, _ message: String, tag: Tag? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.tag = tag
        self.offset = offset
    }

    /// `(gggg,eeee) at byte N: message`.
    public var description: String {
        DICOMError(code, message, tag: tag, offset: offset).description
    }
}

extension String {
    fileprivate func trimmingSuffixSpace() -> String {
        hasSuffix(" ") ? String(dropLast()) : self
    }
}
