/// The set of profile options a de-identification applies on top of the Basic Profile (PS3.15 §E.3).
///
/// ```swift
/// let options = try ProfileOptions(configNames: ["retainUIDs", "cleanDescriptors"])
/// try options.validate()
/// options.methodCodes.map(\.codeValue)   // ["113100", "113105", "113110"]
/// ProfileOptions.nodeDefault.contains(.retainPatientCharacteristics)   // true
/// ```
public struct ProfileOptions: Sendable, Hashable, Sequence, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The selected options.
    public private(set) var options: Set<ProfileOption>

    /// Creates a set of options.
    public init(_ options: some Sequence<ProfileOption>) { self.options = Set(options) }

    /// Creates a set of options from a list literal.
    public init(arrayLiteral elements: ProfileOption...) { self.init(elements) }

    /// Parses option names as the node configuration writes them (``ProfileOption`` raw values).
    /// - Parameter configNames: Names such as `"retainUIDs"`.
    /// - Throws: ``DeidentifyError`` with code `.invalidOptions` naming the first unknown name.
    public init(configNames: some Sequence<String>) throws(DeidentifyError) {
        var options = Set<ProfileOption>()
        for name in configNames {
            guard let option = ProfileOption(rawValue: name) else {
                throw DeidentifyError(
                    .invalidOptions, input: "deidentification options", "unknown option '\(name)'",
                    remedy: "known options: " + ProfileOption.allCases.map(\.rawValue).joined(separator: ", "))
            }
            options.insert(option)
        }
        self.options = options
    }

    /// The Basic Profile alone, no options.
    public static let basic: ProfileOptions = []

    /// The node's default: the Basic Profile with Retain Longitudinal Temporal Information with Modified Dates,
    /// Retain Patient Characteristics, Clean Descriptors and Clean Structured Content.
    public static let nodeDefault: ProfileOptions = [
        .retainLongitudinalTemporalInformationModifiedDates, .retainPatientCharacteristics, .cleanDescriptors,
        .cleanStructuredContent,
    ]

    /// Whether `option` is selected.
    public func contains(_ option: ProfileOption) -> Bool { options.contains(option) }

    /// Selects `option`.
    public mutating func insert(_ option: ProfileOption) { options.insert(option) }

    /// Deselects `option`.
    public mutating func remove(_ option: ProfileOption) { options.remove(option) }

    /// The options in declaration order.
    public func makeIterator() -> IndexingIterator<[ProfileOption]> { options.sorted().makeIterator() }

    /// Checks that the options can be applied together.
    ///
    /// PS3.15 §E.3.6 defines the two Retain Longitudinal Temporal Information options as alternatives: with
    /// Full Dates, (0028,0303) is "UNMODIFIED"; with Modified Dates, dates "shall be modified" and it is
    /// "MODIFIED". Both at once cannot be honoured.
    /// - Throws: ``DeidentifyError`` with code `.invalidOptions` when both are selected.
    public func validate() throws(DeidentifyError) {
        if contains(.retainLongitudinalTemporalInformationFullDates),
            contains(.retainLongitudinalTemporalInformationModifiedDates)
        {
            throw DeidentifyError(
                .invalidOptions, input: "deidentification options",
                "retainLongitudinalTemporalInformationFullDates and retainLongitudinalTemporalInformationModifiedDates "
                    + "exclude each other (PS3.15 §E.3.6)",
                remedy: "select at most one of them")
        }
    }

    /// The codes for De-identification Method Code Sequence (0012,0064): the Basic Profile (113100) and one code
    /// per selected option, in code-value order (PS3.15 §E.1.1 step 6, PS3.16 CID 7050).
    public var methodCodes: [DeidentificationMethodCode] {
        [.basicProfile] + options.map(\.methodCode).sorted { $0.codeValue < $1.codeValue }
    }

    /// The value of Longitudinal Temporal Information Modified (0028,0303) the options call for: "UNMODIFIED"
    /// with Full Dates, "MODIFIED" with Modified Dates (PS3.15 §E.3.6), otherwise `nil` (dates are removed or
    /// replaced by the Basic Profile, and the attribute need not be added).
    public var longitudinalTemporalInformationModified: String? {
        if contains(.retainLongitudinalTemporalInformationModifiedDates) { return "MODIFIED" }
        if contains(.retainLongitudinalTemporalInformationFullDates) { return "UNMODIFIED" }
        return nil
    }

    /// The configuration names, in declaration order.
    public var description: String { "[" + map(\.rawValue).joined(separator: ", ") + "]" }
}
