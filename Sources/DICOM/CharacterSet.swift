/// The character repertoires of a dataset, from the values of Specific Character Set (0008,0005).
///
/// PS3.5 §6.1 and PS3.3 §C.12.1.1.2: value 1 names the repertoire active at the start of every string of
/// the VRs SH, LO, ST, LT, PN, UC and UT (empty value 1 means the default repertoire, ISO-IR 6); further
/// values name the repertoires that ISO 2022 escape sequences may switch to (PS3.5 §6.1.2.5, Tables
/// C.12-3/C.12-4). Strings of the other VRs (CS, DA, UI, …) always use the default repertoire.
///
/// Decoding reproduces pydicom (`pydicom.charset`) byte for byte so that our DICOM JSON equals pydicom's
/// `to_json_dict()`:
/// - the default repertoire is decoded as ISO 8859-1, so bytes above 0x7F are kept, not replaced;
/// - a value that is invalid in its character set is decoded again with value 1's set, each invalid byte
///   becoming U+FFFD (Python `errors="replace"`);
/// - unknown terms fall back to the default repertoire, misspellings such as `ISO IR 100` are corrected.
///
/// ```swift
/// let charset = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"])
/// let name = charset.decode(bytes, vr: .PN)       // "Yamada^Tarou=山田^太郎=やまだ^たろう"
/// let back = charset.encode(name, vr: .PN)        // the escape sequences of PS3.5 Annex H
/// ```
public struct SpecificCharacterSet: Sendable, Hashable {
    /// A term of (0008,0005) that was not spelled as the standard defines it and what it was read as.
    public struct Correction: Sendable, Hashable {
        /// The term as found in the data (padding removed).
        public let original: String
        /// The defined term it was taken for, e.g. `ISO_IR 100` for `ISO IR 100`.
        public let corrected: String

        /// Creates a correction record.
        public init(original: String, corrected: String) {
            self.original = original
            self.corrected = corrected
        }
    }

    /// The terms as given, with leading and trailing spaces and NULs removed; value 1 may be empty.
    public let terms: [String]

    /// Terms that name no known character set; each was replaced by the default repertoire, as pydicom does.
    public let unrecognizedTerms: [String]

    /// Misspelled terms that were read as a defined term (pydicom's `_python_encoding_for_corrected_encoding`).
    public let corrections: [Correction]

    /// Terms dropped because PS3.3 Table C.12-5 forbids code extensions with them: everything after a
    /// stand-alone value 1 (`ISO_IR 192`, `GB18030`, `GBK`), or a stand-alone term in a later position.
    public let ignoredTerms: [String]

    /// The codecs in term order after corrections; element 0 is the initial repertoire. Never empty.
    let codecs: [Codec]

    /// The default repertoire, ISO-IR 6, as when (0008,0005) is absent or empty (PS3.5 §6.1.2.1).
    ///
    /// Like pydicom, bytes above 0x7F in default-repertoire text are read as ISO 8859-1 rather than rejected.
    public static let `default` = SpecificCharacterSet(terms: [])

    /// Reads the values of Specific Character Set (0008,0005).
    ///
    /// - Parameter terms: the values in order, as decoded from the CS element (padding is trimmed here).
    ///   An empty list or an empty value 1 means the default repertoire.
    ///
    /// Unknown terms are recorded in ``unrecognizedTerms`` and read as the default repertoire; common
    /// misspellings (`ISO IR 100`, `ISO-IR 100`, `ISO_IR_100`, `ISO 2022-IR 87`, …) are recorded in
    /// ``corrections`` and read as the term they resemble. A lenient reader should turn both into warnings
    /// naming the tag (0008,0005).
    public init(terms: [String]) {
        let trimmed = terms.map { Self.trim($0) }
        var unrecognized: [String] = []
        var corrections: [Correction] = []
        var ignored: [String] = []
        var resolved: [(term: String, codec: Codec)] = []
        for term in trimmed.isEmpty ? [""] : trimmed {
            switch Self.resolve(term) {
            case .defined(let codec):
                resolved.append((term, codec))
            case .corrected(let codec, let name):
                corrections.append(Correction(original: term, corrected: name))
                resolved.append((term, codec))
            case .unknown:
                unrecognized.append(term)
                resolved.append((term, .defaultRepertoire))
            }
        }
        if resolved.count > 1 {
            if resolved[0].codec.isStandAlone {
                ignored = resolved.dropFirst().map(\.term)
                resolved = [resolved[0]]
            } else {
                ignored = resolved.dropFirst().filter { $0.codec.isStandAlone }.map(\.term)
                resolved = [resolved[0]] + resolved.dropFirst().filter { !$0.codec.isStandAlone }
            }
        }
        self.terms = trimmed
        self.unrecognizedTerms = unrecognized
        self.corrections = corrections
        self.ignoredTerms = ignored
        self.codecs = resolved.map(\.codec)
    }

    /// Whether more than one repertoire is in play, so values may contain ISO 2022 escape sequences.
    public var usesCodeExtensions: Bool { codecs.count > 1 || codecs[0].isMultiByteISO2022 }

    // MARK: Decoding

    /// Control characters that make the initial repertoire active again inside a value (PS3.5 §6.1.2.5.3):
    /// CR, LF, FF and TAB.
    ///
    /// PS3.5 also requires the initial set before `^` and `=` in PN. pydicom's decoder resets only at these
    /// four (it decodes PN as text first and splits afterwards), and so do we; conformant data switches back
    /// explicitly before every PN delimiter, where both readings agree. ``encode(_:vr:)`` does switch back.
    static let textDelimiters: Set<UInt8> = [0x0D, 0x0A, 0x09, 0x0C]

    /// Decodes the bytes of one string element value into text.
    ///
    /// - Parameters:
    ///   - bytes: the whole value as stored, all its values with their `\` separators; padding is not removed.
    ///   - vr: the element's VR. VRs that do not use Specific Character Set (``VR/usesSpecificCharacterSet``
    ///     is false: AE, AS, CS, DA, DS, DT, IS, TM, UI, UR) are decoded as the default repertoire.
    /// - Returns: the text; a byte that is invalid in its character set becomes U+FFFD (never throws).
    ///
    /// Escape sequences (PS3.5 §6.1.2.5) switch to the repertoires listed after value 1; an escape sequence
    /// for a set the terms do not list is not honoured, and that fragment is read with value 1's set.
    public func decode(_ bytes: [UInt8], vr: VR) -> String {
        let cache = ConverterCache()
        guard vr.usesSpecificCharacterSet else {
            return Codec.defaultRepertoire.decode(bytes[...], replacing: true, cache: cache) ?? ""
        }
        return decodeText(bytes[...], cache: cache)
    }

    /// pydicom's `decode_bytes`: split the value before each ESC, read the first fragment with value 1's set
    /// and each other fragment with the set its escape sequence designates, up to the first delimiter.
    private func decodeText(_ bytes: ArraySlice<UInt8>, cache: ConverterCache) -> String {
        let first = codecs[0]
        guard bytes.contains(0x1B) else {
            return first.decode(bytes, replacing: true, cache: cache) ?? ""
        }
        var result = ""
        var start = bytes.startIndex
        while start < bytes.endIndex {
            var end = start + 1
            while end < bytes.endIndex, bytes[end] != 0x1B { end += 1 }
            result += decodeFragment(bytes[start..<end], cache: cache)
            start = end
        }
        return result
    }

    /// Decodes one fragment that starts with ESC (or is the leading fragment without one).
    private func decodeFragment(_ fragment: ArraySlice<UInt8>, cache: ConverterCache) -> String {
        let first = codecs[0]
        let fallback = { first.decode(fragment, replacing: true, cache: cache) ?? "" }
        guard fragment.first == 0x1B else { return fallback() }
        // All four-byte escape sequences of PS3.3 Table C.12-4 start with ESC $ ( or ESC $ ).
        let isLong =
            fragment.count >= 3 && fragment[fragment.startIndex + 1] == 0x24
            && (fragment[fragment.startIndex + 2] == 0x28 || fragment[fragment.startIndex + 2] == 0x29)
        let length = min(isLong ? 4 : 3, fragment.count)
        guard let codec = Codec.designated(by: fragment.prefix(length)),
            codec == .defaultRepertoire || codecs.contains(codec)
        else { return fallback() }
        switch codec {
        case .jisX0208, .jisX0212:
            // The ISO 2022 Japanese decoder reads the escape sequence itself, up to the next ESC.
            return codec.decode(fragment, replacing: false, cache: cache) ?? fallback()
        case .isoIR58:
            // pydicom hands the escape sequence to Python's gb2312 codec, which leaves "ESC $ ) A" in the text;
            // we drop it, as PS3.5 Annex K intends.
            return codec.decode(fragment.dropFirst(length), replacing: false, cache: cache) ?? fallback()
        default:
            let body = fragment.dropFirst(length)
            if let delimiter = body.firstIndex(where: { Self.textDelimiters.contains($0) }) {
                guard let head = codec.decode(body[..<delimiter], replacing: false, cache: cache),
                    let tail = first.decode(body[delimiter...], replacing: false, cache: cache)
                else { return fallback() }
                return head + tail
            }
            return codec.decode(body, replacing: false, cache: cache) ?? fallback()
        }
    }

    // MARK: Encoding

    /// Encodes text into the bytes of one string element value, the inverse of ``decode(_:vr:)``.
    ///
    /// - Parameters:
    ///   - string: the value, several values joined by `\` where the VR allows; no padding is added.
    ///   - vr: the element's VR; VRs that do not use Specific Character Set are encoded as the default
    ///     repertoire (ISO 8859-1 bytes, mirroring the decoder).
    /// - Returns: the bytes, or `nil` if a character cannot be represented with the terms.
    ///
    /// With code extensions the value is written as the decoder reads it (see ``decode(_:vr:)``): a run of
    /// characters in one set, then an escape sequence (PS3.5 §6.1.2.5, PS3.3 Tables C.12-3/C.12-4) and a run in
    /// the first listed set that has the next character. Before CR, LF, FF, TAB, `\` and, for PN, `^` and `=`,
    /// and at the end of the value, the initial sets are made active again (PS3.5 §6.1.2.5.3): `ESC ( B`
    /// (`ESC ( J` when value 1 is ISO 2022 IR 13) after a JIS X 0208/0212 run, as in PS3.5 Annex H, and value
    /// 1's own escape sequence when value 1 has characters above 0x7F; none when value 1 is the default
    /// repertoire, as in PS3.5 Annex I. The PS3.5 Annex H, I and K examples come out byte for byte.
    public func encode(_ string: String, vr: VR) -> [UInt8]? {
        let cache = ConverterCache()
        guard vr.usesSpecificCharacterSet else {
            return Codec.defaultRepertoire.encodeAlone(string, cache: cache)
        }
        guard usesCodeExtensions else { return codecs[0].encodeAlone(string, cache: cache) }
        var delimiters: Set<Unicode.Scalar> = ["\r", "\n", "\t", "\u{0C}"]
        if vr.allowsMultipleStringValues { delimiters.insert("\\") }
        if vr == .PN { delimiters.formUnion(["^", "="]) }
        return encodeISO2022(string, delimiters: delimiters, cache: cache)
    }

    /// The codec a fragment starts in when no escape sequence precedes it (the initial sets).
    private var initialFragmentCodec: Codec { codecs[0].isG0Set ? .defaultRepertoire : codecs[0] }

    /// The escape sequence that makes G0 the initial 7-bit set again: `ESC ( J` (JIS X 0201 Romaji) when value
    /// 1 is ISO 2022 IR 13, as in PS3.5 Annex H.3.2, otherwise `ESC ( B` (ASCII).
    private var initialG0Escape: [UInt8] { codecs[0] == .jisX0201 ? [0x1B, 0x28, 0x4A] : [0x1B, 0x28, 0x42] }

    private func encodeISO2022(_ string: String, delimiters: Set<Unicode.Scalar>, cache: ConverterCache) -> [UInt8]? {
        var output: [UInt8] = []
        var active = initialFragmentCodec
        func returnToInitialSets() {
            if active.isG0Set {
                output += initialG0Escape
                active = codecs[0] == .jisX0201 ? .jisX0201 : .defaultRepertoire
            }
            if active != initialFragmentCodec, codecs[0].hasUpperRepertoire, let escape = codecs[0].escapeSequence {
                output += escape
            }
            active = initialFragmentCodec
        }
        for scalar in string.unicodeScalars {
            if delimiters.contains(scalar) {
                returnToInitialSets()
                output.append(UInt8(scalar.value))
                continue
            }
            if let bytes = active.fragmentBytes(for: scalar, cache: cache) {
                output += bytes
                continue
            }
            if scalar.value < 0x80 {
                // Only a JIS X 0208/0212 run lacks ASCII; return G0 to the initial 7-bit set.
                output += initialG0Escape
                active = codecs[0] == .jisX0201 ? .jisX0201 : .defaultRepertoire
                output.append(UInt8(scalar.value))
                continue
            }
            var found = false
            for codec in codecs where codec != .defaultRepertoire && codec != .ascii {
                guard let escape = codec.escapeSequence, let bytes = codec.fragmentBytes(for: scalar, cache: cache)
                else { continue }
                output += escape + bytes
                active = codec
                found = true
                break
            }
            if !found { return nil }
        }
        returnToInitialSets()
        return output
    }

    // MARK: Terms

    private enum Resolution {
        case defined(Codec)
        case corrected(Codec, String)
        case unknown
    }

    /// Defined terms of PS3.3 Tables C.12-2 to C.12-5, plus the two aliases pydicom accepts from CP 1234.
    private static let definedTerms: [String: Codec] = [
        "": .defaultRepertoire, "ISO_IR 6": .defaultRepertoire, "ISO 2022 IR 6": .defaultRepertoire,
        "ISO_IR 13": .jisX0201, "ISO 2022 IR 13": .jisX0201,
        "ISO_IR 100": .latin1, "ISO 2022 IR 100": .latin1,
        "ISO_IR 101": .singleByte(.latin2), "ISO 2022 IR 101": .singleByte(.latin2),
        "ISO_IR 109": .singleByte(.latin3), "ISO 2022 IR 109": .singleByte(.latin3),
        "ISO_IR 110": .singleByte(.latin4), "ISO 2022 IR 110": .singleByte(.latin4),
        "ISO_IR 126": .singleByte(.greek), "ISO 2022 IR 126": .singleByte(.greek),
        "ISO_IR 127": .singleByte(.arabic), "ISO 2022 IR 127": .singleByte(.arabic),
        "ISO_IR 138": .singleByte(.hebrew), "ISO 2022 IR 138": .singleByte(.hebrew),
        "ISO_IR 144": .singleByte(.cyrillic), "ISO 2022 IR 144": .singleByte(.cyrillic),
        "ISO_IR 148": .singleByte(.latin5), "ISO 2022 IR 148": .singleByte(.latin5),
        "ISO_IR 166": .singleByte(.thai), "ISO 2022 IR 166": .singleByte(.thai),
        "ISO 2022 IR 87": .jisX0208, "ISO 2022 IR 159": .jisX0212,
        "ISO 2022 IR 149": .ksX1001, "ISO 2022 IR 58": .isoIR58,
        "ISO_IR 192": .utf8, "GB18030": .gb18030, "GBK": .gbk,
        "ISO 2022 GBK": .gbk, "ISO 2022 58": .gb2312,
    ]

    /// Python codec names (after Python's own normalisation) that pydicom accepts as they are: the
    /// `iso_ir_*` aliases and a few common encoding names seen in the wild.
    private static let codecAliases: [String: (Codec, String)] = [
        "iso_ir_6": (.ascii, "ISO_IR 6"), "iso_ir_100": (.latin1, "ISO_IR 100"),
        "iso_ir_101": (.singleByte(.latin2), "ISO_IR 101"), "iso_ir_109": (.singleByte(.latin3), "ISO_IR 109"),
        "iso_ir_110": (.singleByte(.latin4), "ISO_IR 110"), "iso_ir_126": (.singleByte(.greek), "ISO_IR 126"),
        "iso_ir_127": (.singleByte(.arabic), "ISO_IR 127"), "iso_ir_138": (.singleByte(.hebrew), "ISO_IR 138"),
        "iso_ir_144": (.singleByte(.cyrillic), "ISO_IR 144"), "iso_ir_148": (.singleByte(.latin5), "ISO_IR 148"),
        "iso_ir_166": (.singleByte(.thai), "ISO_IR 166"), "iso_ir_58": (.gb2312, "ISO 2022 58"),
        "latin_1": (.latin1, "ISO_IR 100"), "latin1": (.latin1, "ISO_IR 100"),
        "iso8859_1": (.latin1, "ISO_IR 100"), "iso_8859_1": (.latin1, "ISO_IR 100"),
        "utf_8": (.utf8, "ISO_IR 192"), "utf8": (.utf8, "ISO_IR 192"),
        "gb18030": (.gb18030, "GB18030"), "gbk": (.gbk, "GBK"),
        "shift_jis": (.jisX0201, "ISO_IR 13"), "euc_kr": (.ksX1001, "ISO 2022 IR 149"),
        "tis_620": (.singleByte(.thai), "ISO_IR 166"),
    ]

    private static func resolve(_ term: String) -> Resolution {
        if let codec = definedTerms[term] { return .defined(codec) }
        let characters = Array(term)
        // pydicom: "ISO" + one character other than "_" + "IR…" → "ISO_IR" + the rest after 6 characters.
        if characters.count >= 6, term.hasPrefix("ISO"), characters[3] != "_", String(characters[4..<6]) == "IR" {
            let patched = "ISO_IR" + String(characters.dropFirst(6))
            if let codec = definedTerms[patched] { return .corrected(codec, patched) }
            return .unknown
        }
        // pydicom: "ISO?2022?IR?" with any separators other than the right ones → "ISO 2022 IR " + the rest.
        if characters.count >= 12, term.hasPrefix("ISO"), String(characters[4..<8]) == "2022",
            String(characters[9..<11]) == "IR", !term.hasPrefix("ISO 2022 IR ")
        {
            let patched = "ISO 2022 IR " + String(characters.dropFirst(12))
            if let codec = definedTerms[patched] { return .corrected(codec, patched) }
            return .unknown
        }
        if let (codec, name) = codecAliases[pythonNormalized(term)] { return .corrected(codec, name) }
        return .unknown
    }

    /// Python's codec-name normalisation: lower case, each run of characters other than letters, digits
    /// and "." becomes one "_", none at either end.
    private static func pythonNormalized(_ name: String) -> String {
        var result = ""
        var pendingSeparator = false
        for character in name.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber || character == ".") {
                if pendingSeparator && !result.isEmpty { result.append("_") }
                result.append(character)
                pendingSeparator = false
            } else {
                pendingSeparator = true
            }
        }
        return result
    }

    private static func trim(_ term: String) -> String {
        var value = Substring(term)
        while let first = value.first, first == " " || first == "\0" { value.removeFirst() }
        while let last = value.last, last == " " || last == "\0" { value.removeLast() }
        return String(value)
    }
}
