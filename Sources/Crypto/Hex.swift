/// Lower-case hexadecimal (RFC 4648 §8, "base16") encoding and decoding of bytes.
///
/// ```swift
/// Hex.encode([0xde, 0xad])        // "dead"
/// try Hex.decode("DEAD")           // [0xde, 0xad]
/// ```
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The lower-case hexadecimal text of `bytes`, two characters per byte.
    public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes spelled by hexadecimal `text` (either case, no separators).
    /// - Throws: `CryptoError` with code `.invalidArgument` giving the offset of the first bad character, or
    ///   saying the length is odd.
    public static func decode(_ text: String) throws(CryptoError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else {
            throw CryptoError(.invalidArgument, operation: "Hex.decode", detail: "odd length \(utf8.count)")
        }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]) else { throw badCharacter(at: index) }
            guard let low = nibble(utf8[index + 1]) else { throw badCharacter(at: index + 1) }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func badCharacter(at offset: Int) -> CryptoError {
        CryptoError(.invalidArgument, operation: "Hex.decode", detail: "non-hexadecimal character at offset \(offset)")
    }
}
