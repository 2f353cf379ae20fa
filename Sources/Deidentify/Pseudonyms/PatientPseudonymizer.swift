public import Crypto

/// Replaces Patient IDs by keyed pseudonyms: `FL` and 14 base-32 characters of HMAC-SHA-256 of the issuer and
/// the Patient ID under the node's secret key.
///
/// Stable across files, batches and runs with the same key; unrelated under another key. The 16 characters
/// (`A-Z`, `2-7`) fit LO and even SH. The 70 bits from the HMAC make a collision among n patients unlikely:
/// at most n²/2⁷¹, about 4·10⁻⁸ for ten million patients.
///
/// ```swift
/// let patients = try PatientPseudonymizer(key: nodeKey)
/// try patients.pseudonym(forPatientID: "123456", issuer: "HOSP")   // "FL7Q2…", 16 characters
/// ```
public struct PatientPseudonymizer: Sendable {
    /// The prefix every pseudonym starts with.
    public static let prefix = "FL"
    /// The length of every pseudonym.
    public static let length = 16

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")  // RFC 4648 §6
    private let digest: KeyedDigest

    /// Creates a pseudonymizer keyed with the node's secret.
    /// - Throws: ``DeidentifyError`` with code `.invalidKey` when the key has fewer than 16 bytes.
    public init(key: SecureBytes) throws(DeidentifyError) {
        digest = try KeyedDigest(key: key, purpose: "patient pseudonymizer")
    }

    /// The pseudonym for a Patient ID (0010,0020) in the namespace of its Issuer of Patient ID (0010,0021).
    ///
    /// Padding spaces are ignored, and a missing issuer is the same as an empty one.
    /// - Throws: ``DeidentifyError`` with code `.crypto` if HMAC-SHA-256 fails.
    public func pseudonym(forPatientID patientID: String, issuer: String? = nil) throws(DeidentifyError) -> String {
        let bytes = try digest.digest(
            label: "patient-id", [KeyedDigest.trimmed(issuer ?? ""), KeyedDigest.trimmed(patientID)])
        var text = Self.prefix
        // 72 bits of the tag; character i takes bits 67-5i ... 63-5i (the first 70 bits), most significant first.
        var buffer: UInt128 = 0
        for byte in bytes.prefix(9) { buffer = buffer << 8 | UInt128(byte) }
        for index in 0..<(Self.length - Self.prefix.count) {
            text.append(Self.alphabet[Int(truncatingIfNeeded: buffer >> UInt128(67 - 5 * index)) & 31])
        }
        return text
    }
}
