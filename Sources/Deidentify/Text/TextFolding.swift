import Foundation

/// Case and diacritic folding for matching names and identifiers: `"Müller"`, `"MULLER"` and `"muller"` fold
/// alike. Letters without a canonical decomposition that readers still treat as their base letter (`ß`, `ø`, `æ`,
/// `œ`, `ł`, `đ`, `ı`, `þ`) are mapped explicitly.
enum TextFolding {
    /// The folded form: canonical decomposition, combining marks dropped, lower case, special letters mapped.
    static func folded(_ text: some StringProtocol) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { append(scalar, to: &output) }
        return String(output)
    }

    /// Appends the folded form of one scalar (zero, one or more scalars).
    static func append(_ scalar: Unicode.Scalar, to output: inout String.UnicodeScalarView) {
        if scalar.isASCII {
            // ASCII lower-casing is A-Z to a-z alone; no string is built for it.
            let value = scalar.value
            output.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
            return
        }
        if let folded = foldedLetters[scalar.value] {
            output.append(contentsOf: folded.unicodeScalars)
            return
        }
        output.append(contentsOf: slowlyFolded(scalar).unicodeScalars)
    }

    /// The folded form of one non-ASCII scalar, through Foundation's canonical decomposition.
    static func slowlyFolded(_ scalar: Unicode.Scalar) -> String {
        if let special = special[scalar.value] { return special }
        var folded = ""
        let decomposed = String(scalar).decomposedStringWithCanonicalMapping
        for part in decomposed.unicodeScalars where !isMark(part) { folded += String(part).lowercased() }
        return folded
    }

    /// ``slowlyFolded(_:)`` of every letter of the alphabets names are most often written in outside ASCII —
    /// Latin-1 Supplement, Latin Extended-A and -B, Greek, Cyrillic, Latin Extended Additional, Greek Extended
    /// (about 1,300 scalars) — made once, at first use, so that folding such a name does not go through
    /// Foundation letter by letter.
    private static let foldedLetters: [UInt32: String] = {
        var table: [UInt32: String] = [:]
        for range in [0x00C0...0x024F, 0x0370...0x03FF, 0x0400...0x04FF, 0x1E00...0x1FFF] as [ClosedRange<UInt32>] {
            for value in range {
                guard let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic else { continue }
                table[value] = slowlyFolded(scalar)
            }
        }
        return table
    }()

    /// Whether a scalar is a combining mark (general categories Mn, Mc, Me).
    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Whether a scalar is a letter or a combining mark (part of a word).
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
        }
        return scalar.properties.isAlphabetic || isMark(scalar)
    }

    /// Whether a scalar is a letter, a mark or a decimal digit.
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isLetter(scalar) || (scalar.value >= 0x30 && scalar.value <= 0x39) }
        return isLetter(scalar) || scalar.properties.numericType == .decimal
    }

    /// Apostrophes that join the parts of one name (`O'Brien`, `D’Angelo`).
    static func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "'" || scalar == "\u{2019}" || scalar == "\u{02BC}"
    }

    /// The words of a name value: runs of letters, apostrophes inside a word dropped, folded.
    static func nameWords(_ text: some StringProtocol) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiNameWords(text.utf8) }
        return scalarNameWords(text)
    }

    /// ``nameWords(_:)`` of ASCII text, on its bytes: the same words without building a string per letter.
    private static func asciiNameWords(_ bytes: some Collection<UInt8>) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var iterator = bytes.makeIterator()
        var next = iterator.next()
        while let byte = next {
            next = iterator.next()
            if isASCIILetter(byte) {
                current.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            } else if byte == 0x27, !current.isEmpty, let following = next, isASCIILetter(following) {
                continue
            } else if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// ``nameWords(_:)`` scalar by scalar, for text of any script.
    static func scalarNameWords(_ text: some StringProtocol) -> [String] {
        letterRuns(text).map { folded($0) }
    }

    /// The runs of letters of a text as written (not folded), apostrophes inside a run dropped: the words of
    /// ``nameWords(_:)`` before folding.
    static func letterRuns(_ text: some StringProtocol) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if isLetter(scalar) {
                current.append(scalar)
            } else if isApostrophe(scalar), !current.isEmpty, index + 1 < scalars.count, isLetter(scalars[index + 1]) {
                continue
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// Whether a scalar belongs to a script written without spaces between words (Han, kana, Hangul, Thai, Lao,
    /// Myanmar, Khmer): there a name runs into the words around it (`山田太郎様`, `홍길동은`), so word boundaries
    /// cannot delimit it.
    static func isUnspacedScript(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1100...0x11FF, 0x1780...0x17FF, 0x2E80...0x2FDF, 0x3040...0x31FF,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA960...0xA97F, 0xAC00...0xD7FF, 0xF900...0xFAFF, 0xFF66...0xFFDC,
            0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    /// The alphanumeric characters of a value, folded: `"(617) 555-0123"` → `"6175550123"`.
    static func alphanumerics(_ text: some StringProtocol) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for byte in text.utf8 where isASCIILetter(byte) || (byte >= 0x30 && byte <= 0x39) {
                bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return scalarAlphanumerics(text)
    }

    /// ``alphanumerics(_:)`` scalar by scalar, for text of any script.
    static func scalarAlphanumerics(_ text: some StringProtocol) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where isAlphanumeric(scalar) { append(scalar, to: &output) }
        return String(output)
    }

    private static let special: [UInt32: String] = [
        0x00DF: "ss", 0x1E9E: "ss", 0x00F8: "o", 0x00D8: "o", 0x00E6: "ae", 0x00C6: "ae", 0x0153: "oe",
        0x0152: "oe", 0x0142: "l", 0x0141: "l", 0x0111: "d", 0x0110: "d", 0x0131: "i", 0x00FE: "th", 0x00DE: "th",
    ]
}
