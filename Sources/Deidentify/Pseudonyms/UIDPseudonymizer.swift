public import Crypto

/// Replaces UIDs by keyed pseudonyms: `2.25.` and the decimal value of a UUID derived from HMAC-SHA-256 of the
/// original UID under the node's secret key (PS3.15 action U; PS3.5 §B.2 for `2.25.` UIDs).
///
/// The same UID maps to the same pseudonym in every file, batch and run with the same key, so references
/// between instances stay consistent ("internally consistent within a set of Instances", PS3.15 §E.1.1); with
/// another key the outputs are unrelated. Without the key the mapping cannot be computed or inverted.
///
/// ```swift
/// let uids = try UIDPseudonymizer(key: nodeKey)
/// let replacement = try uids.pseudonym(for: "1.2.840.113619.2.55.3.604688119")   // "2.25.2130…" (≤ 44 characters)
/// ```
///
/// Construction: the first 16 bytes of `HMAC-SHA-256(key, "uid", uid)` become a UUID of version 8 (custom,
/// RFC 9562 §5.8) by setting the version and variant bits, leaving 122 bits from the HMAC. Its 128-bit value
/// in decimal has at most 39 digits and no leading zeros, so the UID has at most 44 characters (the UI limit
/// is 64) and is valid. Two distinct UIDs collide with probability 2⁻¹²²; among n UIDs the chance of any
/// collision is at most n²/2¹²³ (about 10⁻¹⁹ for a billion UIDs).
public struct UIDPseudonymizer: Sendable {
    private let digest: KeyedDigest

    /// Creates a pseudonymizer keyed with the node's secret.
    /// - Throws: ``DeidentifyError`` with code `.invalidKey` when the key has fewer than 16 bytes.
    public init(key: SecureBytes) throws(DeidentifyError) {
        digest = try KeyedDigest(key: key, purpose: "UID pseudonymizer")
    }

    /// The pseudonym of `uid`. Padding (trailing NUL, spaces) is ignored, so `"1.2.3\0"` maps as `"1.2.3"`.
    /// - Throws: ``DeidentifyError`` with code `.crypto` if HMAC-SHA-256 fails.
    public func pseudonym(for uid: String) throws(DeidentifyError) -> String {
        var bytes = Array(try digest.digest(label: "uid", [KeyedDigest.trimmed(uid)]).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80  // version 8
        bytes[8] = bytes[8] & 0x3F | 0x80  // variant 0b10
        var value: UInt128 = 0
        for byte in bytes { value = value << 8 | UInt128(byte) }
        return "2.25." + String(value)
    }
}
