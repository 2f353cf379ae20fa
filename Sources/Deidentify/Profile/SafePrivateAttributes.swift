public import DICOM

/// PS3.15 Table E.3.10-1, the Safe Private Attributes that the Retain Safe Private Option may keep (PS3.15 §E.3.10).
///
/// Generated from `tools/data/safe_private_e3_10.tsv` by `tools/generate_deid_table.py`. A private data element
/// `(gggg,xxEE)` is safe when its group, the value of its Private Creator element `(gggg,00xx)` and its offset
/// `EE` match a row; the block number `xx` is whatever the instance reserved.
///
/// ```swift
/// SafePrivateAttributes.attribute(for: Tag(0x0019_1023), creator: "GEMS_ACQU_01")?.meaning   // "Table Speed [mm/rotation]"
/// SafePrivateAttributes.attribute(for: Tag(0x0019_1023), creator: "GEMS_IDEN_01")            // nil
/// ```
public enum SafePrivateAttributes {
    private struct Key: Hashable {
        let group: UInt16
        let creator: String
        let offset: UInt8
    }

    private struct Table: Sendable {
        var byKey: [Key: SafePrivateAttribute] = [:]
        var all: [SafePrivateAttribute] = []
    }

    private static let table: Table = {
        var table = Table()
        for line in generatedTable.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 6, let group = UInt16(fields[0], radix: 16),
                let offset = UInt8(fields[1], radix: 16)
            else { continue }
            let attribute = SafePrivateAttribute(
                group: group, elementOffset: offset, creator: String(fields[2]), vr: VR(rawValue: String(fields[3])),
                vm: String(fields[4]), meaning: String(fields[5]))
            table.all.append(attribute)
            table.byKey[Key(group: group, creator: attribute.creator, offset: offset)] = attribute
        }
        return table
    }()

    /// Every row, in the standard's order.
    public static var all: [SafePrivateAttribute] { table.all }

    /// The safe attribute for a private data element, or `nil` when it is not in the table.
    ///
    /// - Parameters:
    ///   - tag: A private data element `(gggg,xxEE)` with `xx` in 10-FF; other tags (public, Private Creator
    ///     elements, group lengths) give `nil`.
    ///   - creator: The value of the element's Private Creator `(gggg,00xx)`. Leading and trailing spaces and
    ///     trailing NULs (LO padding, PS3.5 §6.2) are ignored; otherwise the match is exact, case included.
    public static func attribute(for tag: Tag, creator: String) -> SafePrivateAttribute? {
        guard tag.privateCreatorTag != nil else { return nil }
        return attribute(group: tag.group, creator: creator, elementOffset: UInt8(truncatingIfNeeded: tag.element))
    }

    /// The safe attribute for a group, Private Creator value and element offset, or `nil`.
    public static func attribute(group: UInt16, creator: String, elementOffset: UInt8) -> SafePrivateAttribute? {
        table.byKey[Key(group: group, creator: normalized(creator), offset: elementOffset)]
    }

    /// Whether any row of the table is reserved by `creator` in `group`: only then may the Private Creator
    /// element itself be retained (§E.3.10: "together with the Private Creator IDs that are required").
    public static func isSafeCreator(_ creator: String, group: UInt16) -> Bool {
        let value = normalized(creator)
        return table.all.contains { $0.group == group && $0.creator == value }
    }

    /// The number of parsed rows; the tests compare it with the number the generator wrote.
    static var parsedRowCount: Int { table.all.count }

    private static func normalized(_ creator: String) -> String {
        var value = Substring(creator)
        while let last = value.last, last == " " || last == "\0" { value.removeLast() }
        while let first = value.first, first == " " { value.removeFirst() }
        return String(value)
    }
}
