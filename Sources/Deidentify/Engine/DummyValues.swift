public import DICOM

/// The values action D ("replace with a non-zero length value that may be a dummy value and consistent with the
/// VR", PS3.15 §E.1.1) writes, one per VR, so a Type 1 attribute never goes empty.
///
/// | VR | dummy | why |
/// | --- | --- | --- |
/// | PN, LO, SH, LT, ST, UT, UC, UR, AE, CS | `ANONYMIZED` | 10 characters: fits SH, AE and CS (16) and is in the CS repertoire |
/// | DA | `19000101` | a fixed date, not a shifted one: D is chosen when dates are not retained, so no interval may survive |
/// | TM | `000000` | midnight |
/// | DT | `19000101000000` | the two above together |
/// | AS | `000D` | the smallest age; keeps no information |
/// | DS, IS | `0` | |
/// | US SS UL SL UV SV FL FD AT | one value of zero | |
/// | OB OW OD OF OL OV UN | zero bytes of one value | |
/// | UI | the keyed pseudonym of the original (U) | a UID must stay consistent with the references to it |
/// | SQ | the sequence, its items processed | an item's attributes are themselves de-identified |
///
/// ```swift
/// DummyValues.bytes(for: .DA)   // Array("19000101".utf8)
/// ```
public enum DummyValues {
    /// The text dummy.
    public static let text = "ANONYMIZED"

    /// The dummy value bytes for `vr`, or `nil` for UI and SQ, which the engine handles itself.
    public static func bytes(for vr: VR) -> [UInt8]? {
        switch vr {
        case .PN, .LO, .SH, .LT, .ST, .UT, .UC, .UR, .AE, .CS: Array(text.utf8)
        case .DA: Array("19000101".utf8)
        case .TM: Array("000000".utf8)
        case .DT: Array("19000101000000".utf8)
        case .AS: Array("000D".utf8)
        case .DS, .IS: Array("0".utf8)
        case .US, .SS, .OW: [0, 0]
        case .UL, .SL, .FL, .AT, .OF, .OL: [0, 0, 0, 0]
        case .FD, .UV, .SV, .OD, .OV: [0, 0, 0, 0, 0, 0, 0, 0]
        case .OB, .UN: [0]
        case .UI, .SQ: nil
        }
    }
}
