public import DICOM

/// PS3.15 Table E.1-1, the Application Level Confidentiality Profile Attributes, with its options.
///
/// The table is generated from the standard by `tools/generate_deid_table.py` (``edition``, ``sources``).
/// A tag the table does not list gets `nil`: the table is a list of what to protect, and this project fails
/// closed, so the caller removes such an attribute unless it is on its own allowlist.
///
/// ```swift
/// let profile = ConfidentialityProfile.standard
/// profile.action(for: .patientName, options: .basic)?.action                         // .zeroLength
/// profile.action(for: Tag(0x0008_0020), options: .nodeDefault)?.action              // .clean (Study Date)
/// profile.action(for: Tag(0x0008_0080), options: .basic)?.resolved(for: nil)         // .dummy (X/Z/D)
/// profile.action(for: Tag(0x0008_0070), options: .basic)                             // nil (Manufacturer)
/// ```
///
/// ## Precedence
/// PS3.15 §E.1.1: "A requirement for an Option, when implemented, overrides any requirement for the
/// underlying Profile." So an option's column, where it has an entry, replaces the Basic Profile column.
/// When several selected options have entries on one row, the most protective of their actions applies
/// (X > Z > D > U > C > K). In the 2024b table the only such rows are: calibration dates and times, where
/// Retain Device Identity says K and the Retain Longitudinal options say K (Full Dates) or C (Modified Dates)
/// — with Modified Dates selected the date is modified (C), as §E.3.6 requires of "any dates and times present
/// in the Attributes listed"; Device UID and Manufacturer's Device Class UID (K under Retain UIDs and Retain
/// Device Identity: K); and Allergies and Patient State (C under Retain Patient Characteristics and Clean
/// Descriptors: C). Options that remove more ("Clean …") and options that retain ("Retain …") are treated
/// alike: an option entry is the standard's explicit instruction for that attribute under that option.
/// With both Retain Longitudinal options selected (which ``ProfileOptions/validate()`` rejects), the rule
/// yields C.
public struct ConfidentialityProfile: Sendable {
    private struct Table: Sendable {
        var exact: [UInt32: ProfileEntry] = [:]
        /// Pattern rows other than the private one, most specific mask first.
        var patterns: [ProfileEntry] = []
        var privateAttributes: ProfileEntry?
        var entries: [ProfileEntry] = []
    }

    private static let table: Table = {
        var table = Table()
        for line in generatedTable.split(separator: "\n") {
            guard let entry = parse(line) else { continue }
            table.entries.append(entry)
            if entry.mask == 0xFFFF_FFFF {
                table.exact[entry.tag.rawValue] = entry
            } else if entry.mask == 0x0001_0000 {
                table.privateAttributes = entry
            } else {
                table.patterns.append(entry)
            }
        }
        table.patterns.sort { $0.mask.nonzeroBitCount > $1.mask.nonzeroBitCount }
        return table
    }()

    /// The table as the standard gives it.
    public static let standard = ConfidentialityProfile()

    private init() {}

    /// Every row, in tag order.
    public var entries: [ProfileEntry] { Self.table.entries }

    /// The row that covers `tag`, or `nil` when the table does not list it.
    ///
    /// Private tags (odd groups) are covered by the private-attributes row only, so that a private group such
    /// as 6001 never takes the action of the (60xx,…) overlay rows. Public tags match their own row first, then
    /// the most specific pattern.
    public func entry(for tag: Tag) -> ProfileEntry? {
        if tag.isPrivate { return Self.table.privateAttributes }
        if let entry = Self.table.exact[tag.rawValue] { return entry }
        return Self.table.patterns.first { $0.matches(tag) }
    }

    /// The action for `tag` under `options`, or `nil` when the table does not list the tag (then remove it,
    /// unless the caller allowlists it: fail closed).
    ///
    /// See the type's discussion for the precedence between the Basic Profile and the options.
    /// - Parameters:
    ///   - tag: The attribute's tag, at any nesting depth (the table applies "whether contained in the main
    ///     dataset or embedded in an Item of a Sequence of Items", PS3.15 §E.1.1).
    ///   - options: The selected options.
    /// - Returns: The action and the column that decided it; the action may be composite.
    public func action(for tag: Tag, options: ProfileOptions) -> ResolvedAction? {
        entry(for: tag)?.action(options: options)
    }

    /// The simple action for a composite (or simple) action and the attribute's Type: the same as
    /// ``DeidentificationAction/resolved(for:)``, which documents the rules.
    public static func resolve(_ action: DeidentificationAction, type: AttributeType?) -> DeidentificationAction {
        action.resolved(for: type)
    }

    private static func parse(_ line: Substring) -> ProfileEntry? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        let columns = ProfileOption.tableColumns
        guard fields.count == 6 + columns.count, let value = UInt32(fields[0], radix: 16),
            let mask = UInt32(fields[1], radix: 16), let basic = DeidentificationAction(rawValue: String(fields[3]))
        else { return nil }
        var optionActions: [ProfileOption: DeidentificationAction] = [:]
        for (index, option) in columns.enumerated() {
            if let action = DeidentificationAction(rawValue: String(fields[4 + index])) {
                optionActions[option] = action
            }
        }
        let standardIOD: Bool? =
            switch fields[2] {
            case "Y": true
            case "N": false
            default: nil
            }
        return ProfileEntry(
            tag: Tag(value), mask: mask, name: String(fields[5 + columns.count]), basicProfile: basic,
            optionActions: optionActions, isInStandardCompositeIOD: standardIOD,
            edition: String(fields[4 + columns.count]))
    }

    /// The number of rows parsed; the tests compare it with the number the generator wrote.
    static var parsedRowCount: Int { table.entries.count }
}
