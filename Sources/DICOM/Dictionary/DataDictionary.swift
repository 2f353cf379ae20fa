/// One attribute of the PS3.6 data dictionary.
public struct DictionaryEntry: Sendable, Hashable {
    /// The tag; for a repeating-group attribute such as (60xx,3000), the tag with the `x` digits zero.
    public let tag: Tag
    /// Bits that must match `tag`; 0 nibbles stand for the `x` digits of a repeating group.
    public let mask: UInt32
    /// The value representation, or the first of several (`US or SS` gives `[.US, .SS]`). Empty for items and delimiters.
    public let vrs: [VR]
    /// The value multiplicity as the standard writes it (`1`, `1-n`, `2-2n`, …).
    public let vm: String
    /// The keyword (`PatientName`); empty for the few retired rows the standard leaves unnamed.
    public let keyword: String
    /// The attribute name (`Patient's Name`).
    public let name: String
    /// Whether the standard has retired the attribute.
    public let isRetired: Bool

    /// The VR to use when none is encoded (implicit VR): the first listed, or UN.
    public var vr: VR { vrs.first ?? .UN }

    /// Whether `tag` is this attribute (for repeating groups, any tag the pattern covers).
    public func matches(_ tag: Tag) -> Bool { tag.rawValue & mask == self.tag.rawValue }
}

/// The PS3.6 data dictionary, generated from the standard by `tools/generate_dictionary.py`.
///
/// ```swift
/// DataDictionary.entry(for: Tag(group: 0x0010, element: 0x0010))?.keyword   // "PatientName"
/// DataDictionary.tag(forKeyword: "Rows")                                     // (0028,0010)
/// DataDictionary.entry(for: Tag(0x6002_3000))?.keyword                        // "OverlayData" (60xx,3000)
/// ```
public enum DataDictionary {
    private struct Table: Sendable {
        var exact: [UInt32: DictionaryEntry] = [:]
        var repeating: [DictionaryEntry] = []
        var byKeyword: [String: DictionaryEntry] = [:]
    }

    private static let table: Table = {
        var table = Table()
        for line in generatedTable.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 7, let value = UInt32(fields[0], radix: 16), let mask = UInt32(fields[1], radix: 16)
            else { continue }
            let vrs = fields[2].split(separator: "/").compactMap { VR(rawValue: String($0)) }
            let entry = DictionaryEntry(
                tag: Tag(value), mask: mask, vrs: vrs, vm: String(fields[3]), keyword: String(fields[4]),
                name: String(fields[5]), isRetired: fields[6] == "R")
            if mask == 0xFFFF_FFFF { table.exact[value] = entry } else { table.repeating.append(entry) }
            if !entry.keyword.isEmpty { table.byKeyword[entry.keyword] = entry }
        }
        return table
    }()

    /// The number of attributes in the table.
    public static var count: Int { table.exact.count + table.repeating.count }

    /// The dictionary entry for a public tag, including repeating groups and group length elements.
    ///
    /// Private tags get an entry only for their Private Creator elements (VR LO, PS3.5 §7.8.1);
    /// the meaning of other private elements depends on their creator, which this table does not hold.
    public static func entry(for tag: Tag) -> DictionaryEntry? {
        if let entry = table.exact[tag.rawValue] { return entry }
        if tag.isGroupLength {
            return DictionaryEntry(
                tag: tag, mask: 0xFFFF_FFFF, vrs: [.UL], vm: "1", keyword: "", name: "Group Length", isRetired: false)
        }
        if tag.isPrivateCreator {
            return DictionaryEntry(
                tag: tag, mask: 0xFFFF_FFFF, vrs: [.LO], vm: "1", keyword: "", name: "Private Creator",
                isRetired: false)
        }
        if tag.isPrivate { return nil }
        return table.repeating.first { $0.matches(tag) }
    }

    /// The entry whose keyword is `keyword` (`"PatientName"`), or `nil`.
    public static func entry(forKeyword keyword: String) -> DictionaryEntry? { table.byKeyword[keyword] }

    /// The tag whose keyword is `keyword`, or `nil`.
    public static func tag(forKeyword keyword: String) -> Tag? { table.byKeyword[keyword]?.tag }
}
