/// A DICOM data element tag: a group and an element number packed into 32 bits.
///
/// PS3.5 §7.1: "A Data Element Tag is an ordered pair of 16-bit unsigned integers representing the
/// Group Number followed by Element Number." Ordering tags as `UInt32` values gives the ascending
/// order that PS3.5 §7.1 requires within a Data Set.
///
/// ```swift
/// let tag = Tag(group: 0x0010, element: 0x0010)   // (0010,0010) Patient's Name
/// print(tag)                                       // "(0010,0010)"
/// ```
public struct Tag: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The group number in the high 16 bits and the element number in the low 16 bits.
    public let rawValue: UInt32

    /// Creates a tag from its packed 32-bit value `0xGGGGEEEE`.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Creates a tag from its packed 32-bit value `0xGGGGEEEE`.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Creates a tag from a group and an element number.
    public init(group: UInt16, element: UInt16) {
        self.rawValue = UInt32(group) << 16 | UInt32(element)
    }

    /// The group number.
    public var group: UInt16 { UInt16(truncatingIfNeeded: rawValue >> 16) }

    /// The element number.
    public var element: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// Whether the group number is odd, which makes the element private (PS3.5 §7.8).
    public var isPrivate: Bool { group & 1 == 1 }

    /// Whether this is a Private Creator element `(gggg,0010-00FF)` in an odd group (PS3.5 §7.8.1).
    public var isPrivateCreator: Bool { isPrivate && element >= 0x0010 && element <= 0x00FF }

    /// For a private data element `(gggg,xxEE)` with `xx` ≥ 0x10, the creator tag `(gggg,00xx)` that reserves its block.
    public var privateCreatorTag: Tag? {
        guard isPrivate, element >= 0x1000 else { return nil }
        return Tag(group: group, element: element >> 8)
    }

    /// Whether this is a group length element `(gggg,0000)`.
    public var isGroupLength: Bool { element == 0x0000 }

    /// Whether the tag belongs to the File Meta Information group 0002 (PS3.10 §7.1).
    public var isFileMeta: Bool { group == 0x0002 }

    /// Item, Item Delimitation and Sequence Delimitation tags, which carry no VR (PS3.5 §7.5).
    public var isDelimiter: Bool {
        rawValue == Tag.item.rawValue || rawValue == Tag.itemDelimitationItem.rawValue
            || rawValue == Tag.sequenceDelimitationItem.rawValue
    }

    /// The tag as `(GGGG,EEEE)` in upper-case hexadecimal.
    public var description: String { "(\(Self.hex(group)),\(Self.hex(element)))" }

    /// The tag as eight upper-case hexadecimal digits, the form keys take in the DICOM JSON model (PS3.18 §F.2.2).
    public var hexString: String { Self.hex(group) + Self.hex(element) }

    /// Parses `GGGGEEEE`, `(GGGG,EEEE)` or `GGGG,EEEE`; returns `nil` for anything else.
    public init?(parsing text: some StringProtocol) {
        var digits = Substring(text)
        if digits.hasPrefix("("), digits.hasSuffix(")") { digits = digits.dropFirst().dropLast() }
        let compact = String(digits.filter { $0 != "," })
        guard compact.count == 8, let value = UInt32(compact, radix: 16) else { return nil }
        self.rawValue = value
    }

    public static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

extension Tag {
    /// (FFFE,E000) Item.
    public static let item = Tag(0xFFFE_E000)
    /// (FFFE,E00D) Item Delimitation Item.
    public static let itemDelimitationItem = Tag(0xFFFE_E00D)
    /// (FFFE,E0DD) Sequence Delimitation Item.
    public static let sequenceDelimitationItem = Tag(0xFFFE_E0DD)
    /// (0002,0000) File Meta Information Group Length.
    public static let fileMetaInformationGroupLength = Tag(0x0002_0000)
    /// (0002,0001) File Meta Information Version.
    public static let fileMetaInformationVersion = Tag(0x0002_0001)
    /// (0002,0002) Media Storage SOP Class UID.
    public static let mediaStorageSOPClassUID = Tag(0x0002_0002)
    /// (0002,0003) Media Storage SOP Instance UID.
    public static let mediaStorageSOPInstanceUID = Tag(0x0002_0003)
    /// (0002,0010) Transfer Syntax UID.
    public static let transferSyntaxUID = Tag(0x0002_0010)
    /// (0002,0012) Implementation Class UID.
    public static let implementationClassUID = Tag(0x0002_0012)
    /// (0002,0013) Implementation Version Name.
    public static let implementationVersionName = Tag(0x0002_0013)
    /// (0008,0005) Specific Character Set.
    public static let specificCharacterSet = Tag(0x0008_0005)
    /// (0008,0016) SOP Class UID.
    public static let sopClassUID = Tag(0x0008_0016)
    /// (0008,0018) SOP Instance UID.
    public static let sopInstanceUID = Tag(0x0008_0018)
    /// (0008,0060) Modality.
    public static let modality = Tag(0x0008_0060)
    /// (0010,0010) Patient's Name.
    public static let patientName = Tag(0x0010_0010)
    /// (0010,0020) Patient ID.
    public static let patientID = Tag(0x0010_0020)
    /// (0020,000D) Study Instance UID.
    public static let studyInstanceUID = Tag(0x0020_000D)
    /// (0020,000E) Series Instance UID.
    public static let seriesInstanceUID = Tag(0x0020_000E)
    /// (0028,0010) Rows.
    public static let rows = Tag(0x0028_0010)
    /// (0028,0011) Columns.
    public static let columns = Tag(0x0028_0011)
    /// (0028,0100) Bits Allocated.
    public static let bitsAllocated = Tag(0x0028_0100)
    /// (0028,0103) Pixel Representation.
    public static let pixelRepresentation = Tag(0x0028_0103)
    /// (7FE0,0010) Pixel Data.
    public static let pixelData = Tag(0x7FE0_0010)
}
