public import DICOM

/// One row of PS3.15 Table E.3.10-1: a private attribute "thought to be safe", identified by its odd group, its
/// Private Creator and its element offset within the creator's block (PS3.5 §7.8.1).
///
/// The standard's own caution: "Vendors do not guarantee them to be safe, and do not commit to sending them in
/// any particular software version". Retained UI values still name original instances, so a de-identifier
/// replaces them (U) unless Retain UIDs is selected; PS3.15 §E.3.10 note 2 calls OB values "particularly
/// unsafe", so ``isNumericOrCoded`` lets a stricter policy keep only numbers and codes.
public struct SafePrivateAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The odd group number.
    public let group: UInt16
    /// The element offset within the Private Creator's block: `EE` in `(gggg,xxEE)`.
    public let elementOffset: UInt8
    /// The Private Creator value that reserves the block, e.g. `GEMS_ACQU_01`.
    public let creator: String
    /// The VR the table gives, or `nil` where the table leaves it empty.
    public let vr: VR?
    /// The value multiplicity the table gives.
    public let vm: String
    /// The table's description of the attribute (may be empty).
    public let meaning: String

    /// Whether the VR is numeric or a code string, the kinds §E.3.10 note 2 suggests are safest to retain.
    public var isNumericOrCoded: Bool {
        switch vr {
        case .US, .SS, .UL, .SL, .FL, .FD, .IS, .DS, .CS, .UV, .SV: true
        default: false
        }
    }

    /// `(0019,xx23) GEMS_ACQU_01 DS Table Speed [mm/rotation]`.
    public var description: String {
        let offset = String(elementOffset, radix: 16, uppercase: true)
        let groupText = String(group, radix: 16, uppercase: true)
        return "(\(String(repeating: "0", count: 4 - groupText.count) + groupText),xx"
            + "\(offset.count == 1 ? "0" + offset : offset)) \(creator) \(vr?.rawValue ?? "--") \(meaning)"
    }
}
