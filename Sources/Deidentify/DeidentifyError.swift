/// The one error type of the `Deidentify` module: what is wrong, with which input, and what to do.
///
/// Descriptions name configuration keys and kinds of failure, never patient data, UIDs, dates or key bytes
/// (STYLE.md R5).
///
/// ```swift
/// do { try ProfileOptions(configNames: ["retainUIDs", "keepEverything"]).validate() }
/// catch { print(error) }   // "deidentification options: unknown option 'keepEverything' (known options: …)"
/// ```
public struct DeidentifyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The selected profile options name an unknown option or combine options that exclude each other.
        case invalidOptions
        /// The secret key behind pseudonyms and date shifts is unusable (too short).
        case invalidKey
        /// A date-shift range is empty, includes 0, or is unreasonably wide.
        case invalidDateShiftRange
        /// The keyed digest (HMAC-SHA-256) could not be computed; the `Crypto` module's error is in the reason.
        case crypto
        /// A document is of a format the document de-identifier does not read (PDF, Word, images, …).
        case unsupportedDocument
        /// A document is malformed (invalid UTF-8, broken CSV quoting, invalid JSON) or exceeds a limit.
        case invalidDocument
        /// A batch's inputs or output folder cannot be used (missing, unreadable, colliding names).
        case invalidBatch

        /// The code as a word.
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The input concerned: a configuration key such as `deidentification.options`, or an operation.
    public var input: String
    /// What is wrong, without patient data or key material.
    public var reason: String
    /// What the caller can do about it, if anything.
    public var remedy: String?

    /// Creates an error.
    public init(_ code: Code, input: String, _ reason: String, remedy: String? = nil) {
        self.code = code
        self.input = input
        self.reason = reason
        self.remedy = remedy
    }

    /// `input: reason (remedy)`.
    public var description: String {
        var text = "\(input): \(reason)"
        if let remedy { text += " (\(remedy))" }
        return text
    }
}
