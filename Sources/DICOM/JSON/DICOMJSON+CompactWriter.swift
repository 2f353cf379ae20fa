extension DICOMJSON {
    /// Writes compact DICOM JSON (no whitespace) straight into one growing byte buffer, without building a
    /// ``JSONValue`` tree first; its output is byte for byte what serialising ``DICOMJSON/value(of:characterSet:)``
    /// gives (the tests compare the two).
    ///
    /// Text values of plain printable ASCII (the bulk of a header: UIDs, dates, codes) are copied from the
    /// value bytes without decoding them to `String`s: for the character sets where ASCII bytes decode to
    /// themselves, splitting at `\` and trimming padding (PS3.5 §6.2, §6.4) on bytes gives the same values as
    /// doing it on decoded text, and such bytes need no JSON escaping (RFC 8259 §7) once `"` and `\` are
    /// excluded. Everything else takes the general path of ``DICOMJSON/value(of:characterSet:)``.
    struct CompactWriter {
        private(set) var output: [UInt8] = []

        init(reservingCapacity capacity: Int) {
            output.reserveCapacity(capacity)
        }

        /// `{"GGGGEEEE":{…},…}`.
        mutating func write(_ dataset: Dataset, characterSet inherited: SpecificCharacterSet) throws(DICOMError) {
            var characterSet = inherited
            if let element = dataset[.specificCharacterSet], case .bytes(let bytes) = element.value {
                characterSet = SpecificCharacterSet(terms: Dataset.characterSetTerms(from: bytes))
            }
            output.append(UInt8(ascii: "{"))
            var first = true
            for element in dataset {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                writeKey(element.tag)
                try write(element, characterSet: characterSet)
            }
            output.append(UInt8(ascii: "}"))
        }

        /// `{"vr":"XX"}`, with `Value` or `InlineBinary` when there is one.
        private mutating func write(_ element: DataElement, characterSet: SpecificCharacterSet) throws(DICOMError) {
            output.append(contentsOf: Self.vrPrefix)
            output.append(contentsOf: element.vr.rawValue.utf8)
            output.append(UInt8(ascii: "\""))
            switch element.value {
            case .sequence(let items):
                if !items.isEmpty {
                    output.append(contentsOf: Self.valuePrefix)
                    for (index, item) in items.enumerated() {
                        if index > 0 { output.append(UInt8(ascii: ",")) }
                        try write(item, characterSet: characterSet)
                    }
                    output.append(UInt8(ascii: "]"))
                }
            case .fragments(let data):
                writeInlineBinary(try DICOMJSON.encapsulatedBytes(data))
            case .bytes, .deferred:
                var loaded = try element.loadBytes() ?? []
                if element.vr == .SQ, !loaded.isEmpty {
                    throw DICOMError(
                        .cannotEncode, "a sequence element holds value bytes instead of items", tag: element.tag)
                }
                guard !loaded.isEmpty else { break }
                if DICOMJSON.isInlineBinary(element.vr) {
                    writeInlineBinary(loaded)
                } else if !writeASCIIText(loaded, vr: element.vr, characterSet: characterSet) {
                    if let values = try DICOMJSON.values(
                        of: element.tag, vr: element.vr, bytes: &loaded, characterSet: characterSet)
                    {
                        output.append(contentsOf: Self.valuePrefix)
                        for (index, value) in values.enumerated() {
                            if index > 0 { output.append(UInt8(ascii: ",")) }
                            value.write(into: &output, pretty: false, indent: 0)
                        }
                        output.append(UInt8(ascii: "]"))
                    }
                }
            }
            output.append(UInt8(ascii: "}"))
        }

        /// Whether `bytes` are an integer as `String(Int)` writes it: `0`, or an optional `-` and up to 18
        /// digits not starting with `0`.
        static func isCanonicalInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var digits = bytes[...]
            if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
            guard let first = digits.first, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return false
            }
            return first != UInt8(ascii: "0") || (digits.count == 1 && bytes.count == 1)
        }

        /// Whether `bytes` are a JSON number literal that reads as a finite `Double` — the case in which
        /// ``DICOMJSON/decimalValue(_:)`` writes the text unchanged. Only an exponent can overflow.
        static func isFiniteNumberLiteral(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard JSONValue.isNumberLiteral(bytes: bytes) else { return false }
            guard bytes.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) else { return true }
            return Double(String(decoding: bytes, as: UTF8.self))?.isFinite == true
        }

        /// The `Value` of a text element whose bytes are all printable ASCII, written without decoding; false
        /// (nothing written) when the element needs the general path.
        private mutating func writeASCIIText(_ bytes: [UInt8], vr: VR, characterSet: SpecificCharacterSet) -> Bool {
            guard vr.isString, vr != .PN else { return false }
            if vr.usesSpecificCharacterSet {
                switch characterSet.codecs.first {
                case .defaultRepertoire?, .ascii?, .latin1?, .utf8?: break
                default: return false
                }
            }
            let splits = vr.allowsMultipleStringValues
            return bytes.withUnsafeBufferPointer { buffer in
                // The value as `DataElement.stringValue` trims it: trailing spaces and NULs, and leading spaces
                // except in LT, ST, UT and UC.
                var end = buffer.count
                while end > 0, buffer[end - 1] == 0x20 || buffer[end - 1] == 0x00 { end -= 1 }
                var start = 0
                if vr != .LT, vr != .ST, vr != .UT, vr != .UC {
                    while start < end, buffer[start] == 0x20 { start += 1 }
                }
                for index in start..<end {
                    let byte = buffer[index]
                    guard byte >= 0x20, byte < 0x7F, byte != 0x22, byte != 0x5C || splits else { return false }
                }
                // Values split at backslashes, each trimmed as `DataElement.stringValues` trims it; a single
                // empty value is no `Value` at all.
                var ranges: [Range<Int>] = []
                var valueStart = start
                for index in start...end where index == end || buffer[index] == 0x5C {
                    var low = valueStart
                    var high = index
                    if splits {
                        while high > low, buffer[high - 1] == 0x20 { high -= 1 }
                        if vr != .UC { while low < high, buffer[low] == 0x20 { low += 1 } }
                    }
                    ranges.append(low..<high)
                    valueStart = index + 1
                }
                if ranges.count == 1, ranges[0].isEmpty { return true }
                output.append(contentsOf: Self.valuePrefix)
                for (index, range) in ranges.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    if range.isEmpty {
                        output.append(contentsOf: Self.null)
                        continue
                    }
                    let value = UnsafeBufferPointer(rebasing: buffer[range])
                    switch vr {
                    case .IS where Self.isCanonicalInteger(value), .DS where Self.isFiniteNumberLiteral(value):
                        // Already the text the parse below would write: copied as it is.
                        output.append(contentsOf: value)
                    case .IS:
                        let text = String(decoding: value, as: UTF8.self)
                        if let number = IntegerString.parse(text) {
                            output.append(contentsOf: String(number).utf8)
                        } else {
                            JSONValue.string(text).write(into: &output, pretty: false, indent: 0)
                        }
                    case .DS:
                        DICOMJSON.decimalValue(String(decoding: value, as: UTF8.self))
                            .write(into: &output, pretty: false, indent: 0)
                    default:
                        output.append(UInt8(ascii: "\""))
                        output.append(contentsOf: value)
                        output.append(UInt8(ascii: "\""))
                    }
                }
                output.append(UInt8(ascii: "]"))
                return true
            }
        }

        /// `"GGGGEEEE":` in upper-case hexadecimal (PS3.18 §F.2.1.1).
        private mutating func writeKey(_ tag: Tag) {
            output.append(UInt8(ascii: "\""))
            let raw = tag.rawValue
            for shift in stride(from: 28, through: 0, by: -4) {
                output.append(Self.upperHex[Int((raw >> UInt32(shift)) & 0xF)])
            }
            output.append(UInt8(ascii: "\""))
            output.append(UInt8(ascii: ":"))
        }

        /// `,"InlineBinary":"…"`: standard base64 with padding (RFC 4648 §4), as Foundation writes it.
        private mutating func writeInlineBinary(_ bytes: [UInt8]) {
            output.append(contentsOf: Self.inlineBinaryPrefix)
            output.reserveCapacity(output.count + (bytes.count + 2) / 3 * 4 + 2)
            let alphabet = Self.base64Alphabet
            var index = 0
            while index + 3 <= bytes.count {
                let word = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                output.append(alphabet[Int(word >> 18)])
                output.append(alphabet[Int((word >> 12) & 0x3F)])
                output.append(alphabet[Int((word >> 6) & 0x3F)])
                output.append(alphabet[Int(word & 0x3F)])
                index += 3
            }
            switch bytes.count - index {
            case 1:
                let word = UInt32(bytes[index]) << 16
                output.append(alphabet[Int(word >> 18)])
                output.append(alphabet[Int((word >> 12) & 0x3F)])
                output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")])
            case 2:
                let word = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
                output.append(alphabet[Int(word >> 18)])
                output.append(alphabet[Int((word >> 12) & 0x3F)])
                output.append(alphabet[Int((word >> 6) & 0x3F)])
                output.append(UInt8(ascii: "="))
            default:
                break
            }
            output.append(UInt8(ascii: "\""))
        }

        private static let vrPrefix = Array("{\"vr\":\"".utf8)
        private static let valuePrefix = Array(",\"Value\":[".utf8)
        private static let inlineBinaryPrefix = Array(",\"InlineBinary\":\"".utf8)
        private static let null = Array("null".utf8)
        private static let upperHex = Array("0123456789ABCDEF".utf8)
        private static let base64Alphabet = Array(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    }
}
