/// A DICOM Value Representation (PS3.5 §6.2, Table 6.2-1).
///
/// The raw value is the two-character code as it appears in explicit VR encodings.
public enum VR: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV, TM,
        UC, UI, UL, UN, UR, US, UT, UV

    /// The two-character code.
    public var description: String { rawValue }

    /// Creates a VR from the two bytes of an explicit VR encoding; `nil` if they name no VR.
    public init?(byte0: UInt8, byte1: UInt8) {
        guard (0x41...0x5A).contains(byte0), (0x41...0x5A).contains(byte1),
            let vr = VR.byLetters[Int(byte0 &- 0x41) &* 26 &+ Int(byte1 &- 0x41)]
        else { return nil }
        self = vr
    }

    /// Every two-letter code A–Z × A–Z, indexed (first − "A") × 26 + (second − "A"): reading a VR from a
    /// header is then an array look-up, not a string comparison.
    private static let byLetters: [VR?] = {
        var table = [VR?](repeating: nil, count: 26 * 26)
        for vr in allCases {
            let letters = Array(vr.rawValue.utf8)
            table[Int(letters[0] - 0x41) * 26 + Int(letters[1] - 0x41)] = vr
        }
        return table
    }()

    /// VRs whose explicit encoding has 2 reserved bytes and a 32-bit length (PS3.5 §7.1.2, Table 7.1-1).
    public var hasLongExplicitLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV: true
        default: false
        }
    }

    /// Character-string VRs whose values are decoded as text.
    public var isString: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: true
        default: false
        }
    }

    /// String VRs affected by Specific Character Set (PS3.5 §6.1.2.3); the others are in the default repertoire.
    public var usesSpecificCharacterSet: Bool {
        switch self {
        case .LO, .LT, .PN, .SH, .ST, .UC, .UT: true
        default: false
        }
    }

    /// String VRs whose value may hold several values separated by backslash (PS3.5 §6.4); LT, ST, UR and UT never do.
    public var allowsMultipleStringValues: Bool { isString && self != .LT && self != .ST && self != .UR && self != .UT }

    /// The byte used to pad a value to even length: NUL for UI and binary VRs, space for the other strings (PS3.5 §6.2).
    public var paddingByte: UInt8 { (isString && self != .UI) ? 0x20 : 0x00 }

    /// For fixed-size binary VRs, the byte size of one value; `nil` for strings, SQ, and OB/UN.
    public var binaryValueSize: Int? {
        switch self {
        case .AT, .FL, .SL, .UL, .OF, .OL: 4
        case .FD, .OD, .SV, .UV, .OV: 8
        case .SS, .US, .OW: 2
        default: nil
        }
    }
}
