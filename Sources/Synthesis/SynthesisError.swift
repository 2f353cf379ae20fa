public import DICOM

/// What can go wrong while writing a synthetic corpus. Descriptions name the file and tag, never a value.
public enum SynthesisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A value cannot be represented in the file's Specific Character Set (a bug in the corpus plan).
    case cannotEncode(tag: Tag, characterSet: String, file: String)
    /// A file or folder of the corpus cannot be written.
    case cannotWrite(path: String, reason: String)

    /// Names the file and tag, and what is wrong.
    public var description: String {
        switch self {
        case .cannotEncode(let tag, let characterSet, let file):
            "\(file): the value of \(tag) cannot be encoded in the character set \(characterSet)"
        case .cannotWrite(let path, let reason):
            "\(path): cannot write the file: \(reason)"
        }
    }
}
