import Crypto

/// HMAC-SHA-256 under the node's secret key, with domain separation: every use names a label, and the message
/// encodes the label and each field with its length, so no two (label, fields) pairs produce the same message.
///
/// Message: `"FedLake-deid-v1" 0x00 label 0x00`, then per field a 4-byte big-endian UTF-8 length and the bytes.
/// Changing this encoding changes every pseudonym, UID and date shift: it is versioned by the `v1` prefix.
struct KeyedDigest: Sendable {
    /// Keys shorter than this are refused: 128 bits is the least that keeps pseudonyms unguessable.
    static let minimumKeyBytes = 16

    private let key: SecureBytes

    init(key: SecureBytes, purpose: String) throws(DeidentifyError) {
        guard key.count >= Self.minimumKeyBytes else {
            throw DeidentifyError(
                .invalidKey, input: purpose,
                "the secret key has \(key.count) bytes; at least \(Self.minimumKeyBytes) are required",
                remedy: "use a key file of 32 random bytes")
        }
        self.key = key
    }

    func digest(label: String, _ fields: [String]) throws(DeidentifyError) -> [UInt8] {
        var message = Array("FedLake-deid-v1".utf8) + [0] + Array(label.utf8) + [0]
        for field in fields {
            let bytes = Array(field.utf8)
            let count = UInt32(truncatingIfNeeded: bytes.count)
            message += [UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                        UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
            message += bytes
        }
        do {
            return try HMACSHA256.authenticationCode(for: message, key: key)
        } catch {
            throw DeidentifyError(.crypto, input: "keyed digest '\(label)'", error.description)
        }
    }

    /// Removes the padding a DICOM string value may carry: leading and trailing spaces, trailing NULs (PS3.5 §6.2).
    static func trimmed(_ text: String) -> String {
        var value = Substring(text)
        while let last = value.last, last == " " || last == "\0" { value.removeLast() }
        while let first = value.first, first == " " { value.removeFirst() }
        return String(value)
    }
}
