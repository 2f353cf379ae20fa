public import DICOM

/// Cleans free text for action C ("clean") on descriptors and structured content (PS3.15 §E.3.4, §E.3.5).
///
/// The seam where a text scrubber plugs into ``DICOMDeidentifier``: the engine decodes an element's value with
/// the data set's Specific Character Set, asks the cleaner, and encodes the answer in the same character set.
/// Returning `nil` removes the attribute. Until a scrubber that is known to find names, dates and identifiers
/// exists, ``RemovingTextCleaner`` (the default) removes every such value: the most protective choice, which
/// PS3.15 §E.1.1 allows since C may always be replaced by X on attributes of Type 3, and the profile keeps only
/// values "known not to contain identifying information".
///
/// ```swift
/// struct UppercaseCleaner: TextCleaner {
///     func clean(_ text: String, vr: VR, tag: Tag) -> String? { nil }   // remove everything
/// }
/// ```
public protocol TextCleaner: Sendable {
    /// The cleaned text, or `nil` to remove the attribute.
    /// - Parameters:
    ///   - text: The decoded value, several values joined by `\` where the VR allows it.
    ///   - vr: The element's VR (LO, SH, ST, LT, UT, UC, PN, AE, UR).
    ///   - tag: The attribute, for cleaners that treat some attributes differently.
    /// - Returns: Text that is safe to keep, in the same VR, or `nil`.
    func clean(_ text: String, vr: VR, tag: Tag) -> String?

    /// The cleaner to use for one instance: a scrubber adds what the instance says about its patient (names,
    /// IDs, address, birth date) to what it looks for, and moves dates in text by the patient's shift.
    /// The default returns the cleaner itself.
    /// - Parameters:
    ///   - dataset: The instance as read, before de-identification.
    ///   - dateShift: The patient's date shift, when dates are modified.
    func cleaner(for dataset: Dataset, dateShift: DateShift?) -> any TextCleaner
}

extension TextCleaner {
    public func cleaner(for dataset: Dataset, dateShift: DateShift?) -> any TextCleaner { self }
}

/// The default ``TextCleaner``: removes every value it is given (action C becomes X).
///
/// ```swift
/// RemovingTextCleaner().clean("Patient seen by Dr. Smith", vr: .LT, tag: Tag(0x0020_4000))   // nil
/// ```
public struct RemovingTextCleaner: TextCleaner {
    /// Creates the cleaner.
    public init() {}

    /// Always `nil`: the attribute is removed.
    public func clean(_ text: String, vr: VR, tag: Tag) -> String? { nil }
}
