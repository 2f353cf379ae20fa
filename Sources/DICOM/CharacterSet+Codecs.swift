import Foundation

/// The ISO 8859 / TIS 620 single-byte character sets of PS3.3 Table C.12-2 (other than Latin-1).
///
/// Bytes 0x00-0x7F are ASCII (ISO-IR 6 in G0); the upper half comes from the generated tables.
enum SingleByteTable: Hashable, Sendable, CaseIterable {
    case latin2, latin3, latin4, cyrillic, arabic, greek, hebrew, latin5, thai

    /// The final byte of the escape sequence `ESC 2/13 F` designating this set to G1 (PS3.3 Table C.12-3).
    var g1Final: UInt8 {
        switch self {
        case .latin2: 0x42  // B, ISO-IR 101
        case .latin3: 0x43  // C, ISO-IR 109
        case .latin4: 0x44  // D, ISO-IR 110
        case .cyrillic: 0x4C  // L, ISO-IR 144
        case .arabic: 0x47  // G, ISO-IR 127
        case .greek: 0x46  // F, ISO-IR 126
        case .hebrew: 0x48  // H, ISO-IR 138
        case .latin5: 0x4D  // M, ISO-IR 148
        case .thai: 0x54  // T, ISO-IR 166
        }
    }

    /// The scalar a byte maps to, or `nil` when the set leaves the byte undefined.
    func scalar(for byte: UInt8) -> Unicode.Scalar? {
        if byte < 0x80 { return Unicode.Scalar(byte) }
        let value = upperHalf[Int(byte) - 0x80]
        return value == 0xFFFF ? nil : Unicode.Scalar(UInt32(value))
    }

    /// The byte encoding `scalar`, or `nil` when the set has no such character.
    func byte(for scalar: Unicode.Scalar) -> UInt8? {
        if scalar.value < 0x80 { return UInt8(scalar.value) }
        guard scalar.value < 0xFFFF, let index = upperHalf.firstIndex(of: UInt16(scalar.value)) else { return nil }
        return UInt8(0x80 + index)
    }
}

/// One character encoding scheme named by a Specific Character Set defined term.
///
/// Each case stands for the codec pydicom selects for the term (`pydicom.charset.python_encoding`), because
/// decoded text must equal pydicom's. Two terms that pydicom maps to different codecs stay different cases
/// even when they decode alike (`defaultRepertoire` vs `latin1`): which escape sequences a value may use
/// depends on it (PS3.5 §6.1.2.5.3).
enum Codec: Hashable, Sendable {
    /// ISO-IR 6 (ASCII), the default repertoire. Decoded as ISO 8859-1 so that bytes above 0x7F survive,
    /// as pydicom does (its `default_encoding` is `iso8859`).
    case defaultRepertoire
    /// Strict ASCII: bytes above 0x7F are invalid (pydicom reaches it only through the misspelling `ISO_IR_6`).
    case ascii
    /// ISO-IR 100, ISO 8859-1.
    case latin1
    /// Another ISO 8859 or TIS 620 set.
    case singleByte(SingleByteTable)
    /// ISO-IR 13 / 14, JIS X 0201 (Katakana in G1, Romaji in G0); pydicom decodes it as Shift_JIS.
    case jisX0201
    /// ISO-IR 87, JIS X 0208 in G0 (`ESC $ B`).
    case jisX0208
    /// ISO-IR 159, JIS X 0212 in G0 (`ESC $ ( D`).
    case jisX0212
    /// ISO-IR 149, KS X 1001 in G1 (`ESC $ ) C`), i.e. EUC-KR.
    case ksX1001
    /// ISO-IR 58, GB 2312 in G1 (`ESC $ ) A`), i.e. EUC-CN.
    case isoIR58
    /// GB 2312 as a stand-alone EUC-CN encoding (pydicom's reading of the term `ISO 2022 58`).
    case gb2312
    /// GBK (PS3.3 Table C.12-5).
    case gbk
    /// GB 18030 (PS3.3 Table C.12-5).
    case gb18030
    /// ISO-IR 192, UTF-8 (PS3.3 Table C.12-5).
    case utf8

    /// Encodings that PS3.3 Table C.12-5 forbids to combine with code extensions.
    var isStandAlone: Bool { self == .utf8 || self == .gbk || self == .gb18030 }

    /// Sets that exist only through ISO 2022 escape sequences (multi-byte, designated to G0 or G1).
    var isMultiByteISO2022: Bool { self == .jisX0208 || self == .jisX0212 || self == .ksX1001 || self == .isoIR58 }

    /// The escape sequence designating this set, per PS3.3 Tables C.12-3 and C.12-4; `nil` for stand-alone sets.
    var escapeSequence: [UInt8]? {
        switch self {
        case .defaultRepertoire, .ascii: [0x1B, 0x28, 0x42]  // ESC ( B
        case .latin1: [0x1B, 0x2D, 0x41]  // ESC - A
        case .singleByte(let table): [0x1B, 0x2D, table.g1Final]
        case .jisX0201: [0x1B, 0x29, 0x49]  // ESC ) I
        case .jisX0208: [0x1B, 0x24, 0x42]  // ESC $ B
        case .jisX0212: [0x1B, 0x24, 0x28, 0x44]  // ESC $ ( D
        case .ksX1001: [0x1B, 0x24, 0x29, 0x43]  // ESC $ ) C
        case .isoIR58: [0x1B, 0x24, 0x29, 0x41]  // ESC $ ) A
        case .gb2312, .gbk, .gb18030, .utf8: nil
        }
    }

    /// Maps an escape sequence found in a value to the set it designates (PS3.3 Tables C.12-3 and C.12-4).
    ///
    /// `ESC ( J` (JIS X 0201 Romaji in G0) maps to ``jisX0201``, as in pydicom.
    static func designated(by sequence: ArraySlice<UInt8>) -> Codec? {
        switch Array(sequence) {
        case [0x1B, 0x28, 0x42]: .defaultRepertoire
        case [0x1B, 0x2D, 0x41]: .latin1
        case [0x1B, 0x29, 0x49], [0x1B, 0x28, 0x4A]: .jisX0201
        case [0x1B, 0x24, 0x42]: .jisX0208
        case [0x1B, 0x24, 0x28, 0x44]: .jisX0212
        case [0x1B, 0x24, 0x29, 0x43]: .ksX1001
        case [0x1B, 0x24, 0x29, 0x41]: .isoIR58
        case let bytes where bytes.count == 3 && bytes[0] == 0x1B && bytes[1] == 0x2D:
            SingleByteTable.allCases.first { $0.g1Final == bytes[2] }.map { .singleByte($0) }
        default: nil
        }
    }
}

// MARK: - Decoding

/// Lazily taken iconv converters, confined to one decode or encode call; they go back to ``IconvPool`` when
/// the call ends.
final class ConverterCache {
    private var converters: [String: IconvConverter] = [:]

    /// The converter between two glibc charset names, taken from the pool (or opened) on first use.
    func converter(from source: String, to target: String) -> IconvConverter? {
        let key = source + ">" + target
        if let existing = converters[key] { return existing }
        guard let made = IconvPool.shared.take(key: key, from: source, to: target) else { return nil }
        converters[key] = made
        return made
    }

    deinit {
        for (key, converter) in converters { IconvPool.shared.give(converter, key: key) }
    }
}

@available(*, unavailable, message: "holds iconv descriptors; confine it to one call")
extension ConverterCache: Sendable {}

/// Converters not in use, kept open for the next call: opening one loads glibc's conversion module for the
/// charset (a shared object read from disk), which costs far more than a conversion, and glibc unloads the
/// module again when its last descriptor closes.
///
/// A converter is used by one call at a time: ``take(key:from:to:)`` hands it out and removes it from the pool,
/// ``give(_:key:)`` puts it back. Each ``IconvConverter/convert(_:into:)`` resets the shift state first, so
/// nothing carries from one call to the next.
final class IconvPool: @unchecked Sendable {
    // @unchecked: the dictionary is only touched under `lock`, and a converter belongs either to the pool or
    // to the one call that took it, never to both.
    static let shared = IconvPool()
    /// The most idle converters kept per charset pair.
    static let maximumIdle = 8
    private let lock = NSLock()
    private var idle: [String: [IconvConverter]] = [:]

    func take(key: String, from source: String, to target: String) -> IconvConverter? {
        let pooled: IconvConverter? = lock.withLock { idle[key]?.popLast() }
        return pooled ?? IconvConverter(from: source, to: target)
    }

    func give(_ converter: IconvConverter, key: String) {
        lock.withLock {
            if idle[key, default: []].count < Self.maximumIdle { idle[key, default: []].append(converter) }
        }
    }
}

private let replacementUTF8: [UInt8] = [0xEF, 0xBF, 0xBD]

extension Codec {
    /// Decodes bytes the way Python decodes them with this codec.
    ///
    /// - Parameters:
    ///   - bytes: the bytes, escape sequences included only for ``jisX0208``/``jisX0212`` (whose decoder,
    ///     like Python's `iso2022_jp`, interprets them).
    ///   - replacing: `false` returns `nil` on the first invalid byte (Python's `errors="strict"`); `true`
    ///     puts U+FFFD for each invalid byte or sequence (Python's `errors="replace"`).
    func decode(_ bytes: ArraySlice<UInt8>, replacing: Bool, cache: ConverterCache) -> String? {
        switch self {
        case .defaultRepertoire, .latin1:
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case .ascii:
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                if byte < 0x80 {
                    scalars.append(Unicode.Scalar(byte))
                } else if replacing {
                    scalars.append("\u{FFFD}")
                } else {
                    return nil
                }
            }
            return String(scalars)
        case .singleByte(let table):
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                if let scalar = table.scalar(for: byte) {
                    scalars.append(scalar)
                } else if replacing {
                    scalars.append("\u{FFFD}")
                } else {
                    return nil
                }
            }
            return String(scalars)
        case .utf8:
            if replacing { return String(decoding: bytes, as: UTF8.self) }
            return String(validating: bytes, as: UTF8.self)
        case .jisX0201:
            return Self.decodeShiftJIS(bytes, replacing: replacing, cache: cache)
        case .jisX0208, .jisX0212:
            return Self.decodeISO2022JP(bytes, allowJISX0212: self == .jisX0212, replacing: replacing, cache: cache)
        case .ksX1001:
            return Self.decodeIconv(bytes, charset: "EUC-KR", replacing: replacing, cache: cache)
        case .isoIR58, .gb2312:
            return Self.decodeIconv(bytes, charset: "EUC-CN", replacing: replacing, cache: cache)
        case .gbk:
            return Self.decodeIconv(bytes, charset: "GBK", replacing: replacing, cache: cache)
        case .gb18030:
            return Self.decodeIconv(bytes, charset: "GB18030", replacing: replacing, cache: cache)
        }
    }

    /// Decodes with glibc iconv, replacing each invalid byte (or a truncated tail) with U+FFFD when asked.
    private static func decodeIconv(
        _ bytes: ArraySlice<UInt8>, charset: String, replacing: Bool, cache: ConverterCache
    ) -> String? {
        guard let converter = cache.converter(from: charset, to: "UTF-8") else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var rest = bytes
        while true {
            switch converter.convert(rest, into: &output) {
            case .complete:
                return String(decoding: output, as: UTF8.self)
            case .invalid(let offset):
                guard replacing else { return nil }
                output.append(contentsOf: replacementUTF8)
                rest = rest.dropFirst(offset + 1)
            case .incomplete:
                guard replacing else { return nil }
                output.append(contentsOf: replacementUTF8)
                return String(decoding: output, as: UTF8.self)
            }
        }
    }

    /// Shift_JIS as Python's `shift_jis` codec reads it: 0x00-0x7F ASCII (0x5C is REVERSE SOLIDUS, not YEN
    /// SIGN), 0xA1-0xDF half-width Katakana (JIS X 0201), lead bytes 0x81-0x9F/0xE0-0xEF start a JIS X 0208
    /// pair.
    private static func decodeShiftJIS(_ bytes: ArraySlice<UInt8>, replacing: Bool, cache: ConverterCache) -> String? {
        var scalars = String.UnicodeScalarView()
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            if (0xA1...0xDF).contains(byte), let scalar = Unicode.Scalar(0xFF61 + UInt32(byte) - 0xA1) {
                scalars.append(scalar)
                index += 1
                continue
            }
            let isLead = (0x81...0x9F).contains(byte) || (0xE0...0xEF).contains(byte)
            if isLead, index + 1 < bytes.endIndex,
                let text = decodeIconv(bytes[index...(index + 1)], charset: "SHIFT_JIS", replacing: false, cache: cache),
                text.unicodeScalars.count == 1
            {
                scalars.append(contentsOf: text.unicodeScalars)
                index += 2
                continue
            }
            guard replacing else { return nil }
            scalars.append("\u{FFFD}")
            index += 1
        }
        return String(scalars)
    }

    /// A 7-bit ISO 2022 Japanese decoder in the manner of Python's `iso2022_jp` (and `iso2022_jp_2` for
    /// JIS X 0212): it starts in ASCII, follows `ESC ( B`, `ESC ( J`, `ESC $ @`, `ESC $ B` (and `ESC $ ( D`),
    /// passes C0 controls through, and reads JIS X 0208/0212 characters as byte pairs in 0x21-0x7E.
    private static func decodeISO2022JP(
        _ bytes: ArraySlice<UInt8>, allowJISX0212: Bool, replacing: Bool, cache: ConverterCache
    ) -> String? {
        enum Mode { case ascii, jisX0208, jisX0212 }
        var mode = Mode.ascii
        var scalars = String.UnicodeScalarView()
        var index = bytes.startIndex
        func at(_ offset: Int) -> UInt8? {
            index + offset < bytes.endIndex ? bytes[index + offset] : nil
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x1B {
                switch (at(1), at(2), at(3)) {
                case (0x28?, 0x42?, _), (0x28?, 0x4A?, _):
                    mode = .ascii
                    index += 3
                    continue
                case (0x24?, 0x40?, _), (0x24?, 0x42?, _):
                    mode = .jisX0208
                    index += 3
                    continue
                case (0x24?, 0x28?, 0x44?) where allowJISX0212:
                    mode = .jisX0212
                    index += 4
                    continue
                default:
                    break
                }
            } else if byte < 0x20 {
                scalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            } else if mode == .ascii, byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            } else if mode != .ascii, (0x21...0x7E).contains(byte), let second = at(1), (0x21...0x7E).contains(second) {
                let euc: [UInt8] = mode == .jisX0208 ? [byte | 0x80, second | 0x80] : [0x8F, byte | 0x80, second | 0x80]
                if let text = decodeIconv(euc[...], charset: "EUC-JP", replacing: false, cache: cache),
                    text.unicodeScalars.count == 1
                {
                    scalars.append(contentsOf: text.unicodeScalars)
                    index += 2
                    continue
                }
            }
            guard replacing else { return nil }
            scalars.append("\u{FFFD}")
            index += 1
        }
        return String(scalars)
    }
}

// MARK: - Encoding

extension Codec {
    /// Encodes a whole string with this codec alone (no escape sequences); `nil` if a character is missing.
    func encodeAlone(_ string: String, cache: ConverterCache) -> [UInt8]? {
        switch self {
        case .defaultRepertoire, .latin1:
            var bytes: [UInt8] = []
            for scalar in string.unicodeScalars {
                guard scalar.value <= 0xFF else { return nil }
                bytes.append(UInt8(scalar.value))
            }
            return bytes
        case .ascii:
            var bytes: [UInt8] = []
            for scalar in string.unicodeScalars {
                guard scalar.value < 0x80 else { return nil }
                bytes.append(UInt8(scalar.value))
            }
            return bytes
        case .singleByte(let table):
            var bytes: [UInt8] = []
            for scalar in string.unicodeScalars {
                guard let byte = table.byte(for: scalar) else { return nil }
                bytes.append(byte)
            }
            return bytes
        case .jisX0201:
            var bytes: [UInt8] = []
            for scalar in string.unicodeScalars {
                if scalar.value < 0x80 {
                    bytes.append(UInt8(scalar.value))
                } else if let byte = g1Bytes(for: scalar, cache: cache)?.first {
                    bytes.append(byte)
                } else {
                    return nil
                }
            }
            return bytes
        case .utf8:
            return Array(string.utf8)
        case .gbk:
            return Self.encodeIconv(string, charset: "GBK", cache: cache)
        case .gb18030:
            return Self.encodeIconv(string, charset: "GB18030", cache: cache)
        case .gb2312:
            return Self.encodeIconv(string, charset: "EUC-CN", cache: cache)
        case .jisX0208, .jisX0212, .ksX1001, .isoIR58:
            return nil  // only reachable through escape sequences; see SpecificCharacterSet.encode
        }
    }

    /// Whether the set is designated to G0 (7-bit, replacing ASCII) rather than to G1.
    var isG0Set: Bool { self == .jisX0208 || self == .jisX0212 }

    /// The bytes of `scalar` when this set is invoked in G1 (GR, high bit set); `nil` if not in the set.
    func g1Bytes(for scalar: Unicode.Scalar, cache: ConverterCache) -> [UInt8]? {
        switch self {
        case .latin1:
            return (0xA0...0xFF).contains(scalar.value) ? [UInt8(scalar.value)] : nil
        case .singleByte(let table):
            guard scalar.value >= 0x80, let byte = table.byte(for: scalar), byte >= 0xA0 else { return nil }
            return [byte]
        case .jisX0201:
            guard (0xFF61...0xFF9F).contains(scalar.value) else { return nil }
            return [UInt8(scalar.value - 0xFF61 + 0xA1)]
        case .ksX1001, .isoIR58:
            let charset = self == .ksX1001 ? "EUC-KR" : "EUC-CN"
            guard let bytes = Self.encodeIconv(String(scalar), charset: charset, cache: cache), bytes.count == 2,
                bytes.allSatisfy({ $0 >= 0xA1 })
            else { return nil }
            return bytes
        default:
            return nil
        }
    }

    /// The bytes of `scalar` when this set is designated to G0 (7-bit pairs); `nil` if not in the set.
    func g0Bytes(for scalar: Unicode.Scalar, cache: ConverterCache) -> [UInt8]? {
        guard isG0Set, scalar.value >= 0x80,
            let euc = Self.encodeIconv(String(scalar), charset: "EUC-JP", cache: cache)
        else { return nil }
        switch self {
        case .jisX0208 where euc.count == 2 && euc.allSatisfy({ $0 >= 0xA1 }):
            return euc.map { $0 & 0x7F }
        case .jisX0212 where euc.count == 3 && euc[0] == 0x8F:
            return euc.dropFirst().map { $0 & 0x7F }
        default:
            return nil
        }
    }

    /// Whether the set has characters above 0x7F that a fragment in it writes without an escape sequence.
    var hasUpperRepertoire: Bool {
        switch self {
        case .latin1, .singleByte, .jisX0201, .ksX1001, .isoIR58: true
        default: false
        }
    }

    /// The bytes of `scalar` inside a fragment that this set decodes (one escape sequence up to the next):
    /// ASCII plus the upper half for the 8-bit sets, only 7-bit pairs for JIS X 0208/0212.
    func fragmentBytes(for scalar: Unicode.Scalar, cache: ConverterCache) -> [UInt8]? {
        switch self {
        case .jisX0208, .jisX0212:
            return g0Bytes(for: scalar, cache: cache)
        case .defaultRepertoire, .ascii:
            return scalar.value < 0x80 ? [UInt8(scalar.value)] : nil
        default:
            return scalar.value < 0x80 ? [UInt8(scalar.value)] : g1Bytes(for: scalar, cache: cache)
        }
    }

    /// Encodes UTF-8 text to `charset` with glibc iconv; `nil` if a character has no mapping.
    private static func encodeIconv(_ string: String, charset: String, cache: ConverterCache) -> [UInt8]? {
        guard let converter = cache.converter(from: "UTF-8", to: charset) else { return nil }
        var output: [UInt8] = []
        guard converter.convert(Array(string.utf8)[...], into: &output) == .complete else { return nil }
        return output
    }
}
