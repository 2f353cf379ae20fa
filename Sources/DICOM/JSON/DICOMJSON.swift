import Foundation

/// The DICOM JSON Model (PS3.18 Annex F): a data set as a JSON object keyed by tag, and back.
///
/// Each element becomes `"GGGGEEEE": {"vr": "..", "Value": [...]}` (PS3.18 §F.2.2), keys in ascending tag
/// order so the output is deterministic:
/// - character strings are split into their values (PS3.5 §6.4) and decoded with the Specific Character Set
///   in force; a Person Name value is an object with `Alphabetic`, `Ideographic` and `Phonetic` groups
///   (PS3.18 §F.2.2);
/// - IS and DS values are JSON numbers (PS3.18 Table F.2.3-1): DS as written when its text is a JSON number,
///   otherwise normalised (`+1.5` → `1.5`, `.5` → `0.5`); a value that is no number at all stays a JSON
///   string, as PS3.18 §F.2.3.1 allows, instead of being lost;
/// - US, SS, UL, SL, UV, SV, FL and FD values are JSON numbers; FL and FD values that JSON cannot hold (NaN,
///   infinities) are the strings `"NaN"`, `"Infinity"` and `"-Infinity"`;
/// - AT values are tags as eight upper-case hexadecimal digits (PS3.18 Table F.2.3-1);
/// - OB, OD, OF, OL, OV, OW and UN values are `InlineBinary` base64 of the little-endian bytes
///   (PS3.18 §F.2.7); encapsulated pixel data is the base64 of its items (offset table and fragments, each
///   with its item header, without the sequence delimiter), as pydicom writes it;
/// - sequences are arrays of data set objects;
/// - empty elements have no `Value` key, and empty values inside a multi-valued element are `null`
///   (PS3.18 §F.2.5);
/// - deferred values are loaded from their files.
///
/// ```swift
/// let file = try DICOMReader.read(contentsOf: url)
/// let json = try DICOMJSON.encode(file.dataset, options: .init(pretty: true))
/// let back = try DICOMJSON.decode(json)
/// ```
public enum DICOMJSON {
    /// How to encode and decode.
    public struct Options: Sendable, Hashable {
        /// Encode with line breaks and two-space indentation instead of compact output.
        public var pretty: Bool
        /// Decoding: the deepest nesting of sequences accepted from JSON input (at most 256).
        public var maxSequenceDepth: Int

        /// Creates options; compact output and a nesting limit of 64 sequences by default.
        public init(pretty: Bool = false, maxSequenceDepth: Int = 64) {
            self.pretty = pretty
            self.maxSequenceDepth = maxSequenceDepth
        }

        var effectiveMaxSequenceDepth: Int { min(max(maxSequenceDepth, 0), 256) }
    }

    /// Encodes a data set as a DICOM JSON object (UTF-8).
    ///
    /// - Parameters:
    ///   - dataset: the data set (or a File Meta Information group).
    ///   - options: compact or pretty output.
    /// - Returns: UTF-8 JSON text.
    /// - Throws: ``DICOMError`` `.cannotEncode` naming the tag when a binary value's length is not a multiple of
    ///   its VR's value size; `.io`/`.truncated` when a deferred value cannot be read back.
    public static func encode(_ dataset: Dataset, options: Options = Options()) throws(DICOMError) -> [UInt8] {
        let characterSet = SpecificCharacterSet(terms: dataset.inheritedCharacterSetTerms)
        guard !options.pretty else {
            return try value(of: dataset, characterSet: characterSet).serialized(pretty: true)
        }
        var writer = CompactWriter(reservingCapacity: 16 << 10)
        try writer.write(dataset, characterSet: characterSet)
        return writer.output
    }

    /// Decodes a DICOM JSON object into a data set.
    ///
    /// Values are stored unpadded (the writer pads them); IS and DS numbers keep the text they had in JSON.
    /// `BulkDataURI` values cannot be resolved here and are refused.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text holding one object.
    ///   - options: the sequence nesting limit.
    /// - Returns: the data set.
    /// - Throws: ``DICOMError`` `.invalidJSON` whose reason names the JSON Pointer (RFC 6901) of the offending
    ///   member, e.g. `/00081115/Value/0/00081155`, and what is wrong (never the value); `.cannotEncode` when
    ///   text cannot be encoded in the data set's Specific Character Set.
    public static func decode(_ bytes: [UInt8], options: Options = Options()) throws(DICOMError) -> Dataset {
        let depth = options.effectiveMaxSequenceDepth
        // Each sequence level is three JSON levels (element object, Value array, item object) below its data set.
        let root = try JSONParser.parse(bytes, maxDepth: 3 * depth + 4)
        return try Decoder(maxSequenceDepth: depth).dataset(from: root, path: "", depth: 0, inherited: [])
    }

    // MARK: Encoding

    static func value(of dataset: Dataset, characterSet inherited: SpecificCharacterSet) throws(DICOMError)
        -> JSONValue
    {
        var characterSet = inherited
        if let element = dataset[.specificCharacterSet], case .bytes(let bytes) = element.value {
            characterSet = SpecificCharacterSet(terms: Dataset.characterSetTerms(from: bytes))
        }
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(dataset.count)
        for element in dataset {
            members.append((element.tag.hexString, try value(of: element, characterSet: characterSet)))
        }
        return .object(members)
    }

    static func value(of element: DataElement, characterSet: SpecificCharacterSet) throws(DICOMError) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("vr", .string(element.vr.rawValue))]
        switch element.value {
        case .sequence(let items):
            if !items.isEmpty {
                var values: [JSONValue] = []
                for item in items { values.append(try value(of: item, characterSet: characterSet)) }
                members.append(("Value", .array(values)))
            }
        case .fragments(let data):
            members.append(("InlineBinary", .string(Data(try encapsulatedBytes(data)).base64EncodedString())))
        case .bytes, .deferred:
            var loaded = try element.loadBytes() ?? []
            if element.vr == .SQ, !loaded.isEmpty {
                throw DICOMError(.cannotEncode, "a sequence element holds value bytes instead of items", tag: element.tag)
            }
            guard !loaded.isEmpty else { break }
            if isInlineBinary(element.vr) {
                members.append(("InlineBinary", .string(Data(loaded).base64EncodedString())))
            } else if let values = try values(of: element.tag, vr: element.vr, bytes: &loaded, characterSet: characterSet) {
                members.append(("Value", .array(values)))
            }
        }
        return .object(members)
    }

    /// VRs whose value goes in `InlineBinary` (PS3.18 Table F.2.3-1).
    static func isInlineBinary(_ vr: VR) -> Bool {
        switch vr {
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN: true
        default: false
        }
    }

    /// The items of encapsulated data (PS3.5 §A.4) without the sequence delimiter.
    static func encapsulatedBytes(_ data: EncapsulatedPixelData) throws(DICOMError) -> [UInt8] {
        var bytes: [UInt8] = []
        func item(_ value: [UInt8]) {
            bytes += [0xFE, 0xFF, 0x00, 0xE0] + ByteOrder.encodeLittleEndian([UInt32(truncatingIfNeeded: value.count)])
            bytes += value
        }
        item(data.basicOffsetTable)
        for fragment in data.fragments { item(try fragment.load()) }
        return bytes
    }

    /// The `Value` array of a non-empty, non-binary element; `nil` when every value is empty.
    static func values(of tag: Tag, vr: VR, bytes: inout [UInt8], characterSet: SpecificCharacterSet)
        throws(DICOMError) -> [JSONValue]?
    {
        func numbers<T>(_ decoded: [T]?, _ format: (T) -> JSONValue) throws(DICOMError) -> [JSONValue] {
            guard let decoded else {
                throw DICOMError(
                    .cannotEncode, "value length \(bytes.count) is not a multiple of the \(vr) value size", tag: tag)
            }
            return decoded.map(format)
        }
        let element = DataElement(tag: tag, vr: vr, bytes: bytes)
        switch vr {
        case .US: return try numbers(element.uint16s) { .number(String($0)) }
        case .SS: return try numbers(element.int16s) { .number(String($0)) }
        case .UL: return try numbers(element.uint32s) { .number(String($0)) }
        case .SL: return try numbers(element.int32s) { .number(String($0)) }
        case .UV: return try numbers(element.uint64s) { .number(String($0)) }
        case .SV: return try numbers(element.int64s) { .number(String($0)) }
        case .FL: return try numbers(element.float32s) { floatValue(Double($0)) }
        case .FD: return try numbers(element.float64s) { floatValue($0) }
        case .AT: return try numbers(element.tags) { .string($0.hexString) }
        default: break
        }
        guard let texts = element.stringValues(using: { characterSet.decode($0, vr: $1) }) else { return nil }
        if texts.allSatisfy(\.isEmpty), texts.count == 1 { return nil }
        return texts.map { text in
            if text.isEmpty { return .null }
            switch vr {
            case .PN:
                let name = PersonName(parsing: text).jsonComponents
                var members: [(key: String, value: JSONValue)] = []
                for key in ["Alphabetic", "Ideographic", "Phonetic"] {
                    if let group = name[key] { members.append((key, .string(group))) }
                }
                return members.isEmpty ? .null : .object(members)
            case .IS:
                if let number = IntegerString.parse(text) { return .number(String(number)) }
                return .string(text)
            case .DS:
                return decimalValue(text)
            default:
                return .string(text)
            }
        }
    }

    /// A DS value as a JSON number: as written when that is a JSON number, else normalised; a string if no number.
    static func decimalValue(_ text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if JSONValue.isNumberLiteral(trimmed), let number = Double(trimmed), number.isFinite { return .number(trimmed) }
        if let number = DecimalString.parse(trimmed), number.isFinite { return floatValue(number) }
        return .string(text)
    }

    /// A binary floating-point value: the shortest text that reads back to the same `Double`.
    static func floatValue(_ number: Double) -> JSONValue {
        if number.isNaN { return .string("NaN") }
        if number.isInfinite { return .string(number < 0 ? "-Infinity" : "Infinity") }
        return .number(number.description)
    }

    // MARK: Decoding

    private struct Decoder {
        let maxSequenceDepth: Int

        func failure(_ path: String, _ reason: String, tag: Tag? = nil) -> DICOMError {
            DICOMError(.invalidJSON, "DICOM JSON \(path.isEmpty ? "/" : path): \(reason)", tag: tag)
        }

        func dataset(from json: JSONValue, path: String, depth: Int, inherited: [String]) throws(DICOMError) -> Dataset {
            guard case .object(let members) = json else {
                throw failure(path, "expected an object of data elements keyed by tag (PS3.18 §F.2.2)")
            }
            // The Specific Character Set first: it decides how the other text is encoded.
            var terms = inherited
            if let element = members.first(where: { $0.key == "00080005" })?.value,
                case .array(let values)? = element["Value"]
            {
                terms = values.map { if case .string(let term) = $0 { term } else { "" } }
            }
            let characterSet = SpecificCharacterSet(terms: terms)
            var elements: [DataElement] = []
            var seen = Set<Tag>()
            for member in members {
                let elementPath = path + "/" + member.key
                guard member.key.utf8.count == 8, member.key.utf8.allSatisfy({ $0 < 0x80 }),
                    let raw = UInt32(member.key, radix: 16), !member.key.hasPrefix("+"), !member.key.hasPrefix("-")
                else { throw failure(elementPath, "a member name is not a tag of eight hexadecimal digits") }
                let tag = Tag(raw)
                guard seen.insert(tag).inserted else { throw failure(elementPath, "the tag occurs twice", tag: tag) }
                elements.append(
                    try element(tag, from: member.value, path: elementPath, depth: depth, terms: terms, characterSet: characterSet))
            }
            return Dataset(elements, inheritedCharacterSetTerms: inherited)
        }

        func element(
            _ tag: Tag, from json: JSONValue, path: String, depth: Int, terms: [String], characterSet: SpecificCharacterSet
        ) throws(DICOMError) -> DataElement {
            guard case .object(let members) = json else { throw failure(path, "expected an attribute object", tag: tag) }
            guard case .string(let code)? = json["vr"], let vr = VR(rawValue: code) else {
                throw failure(path + "/vr", "missing or unknown VR", tag: tag)
            }
            for member in members where !["vr", "Value", "InlineBinary", "BulkDataURI"].contains(member.key) {
                throw failure(path + "/" + member.key, "unknown member of an attribute object (PS3.18 §F.2.2)", tag: tag)
            }
            let keys = ["Value", "InlineBinary", "BulkDataURI"].filter { json[$0] != nil }
            guard keys.count <= 1 else {
                throw failure(path, "more than one of Value, InlineBinary and BulkDataURI", tag: tag)
            }
            if json["BulkDataURI"] != nil {
                throw failure(path + "/BulkDataURI", "BulkDataURI values cannot be resolved; use InlineBinary", tag: tag)
            }
            if let inline = json["InlineBinary"] {
                guard DICOMJSON.isInlineBinary(vr) else {
                    throw failure(path + "/InlineBinary", "InlineBinary on a \(vr) element", tag: tag)
                }
                guard case .string(let text) = inline, let data = Data(base64Encoded: text) else {
                    throw failure(path + "/InlineBinary", "InlineBinary is not base64 text", tag: tag)
                }
                let bytes = [UInt8](data)
                if tag == .pixelData, let encapsulated = Self.encapsulated(bytes) {
                    return DataElement(tag: tag, vr: vr, value: .fragments(encapsulated))
                }
                return DataElement(tag: tag, vr: vr, bytes: bytes)
            }
            guard let value = json["Value"] else {
                return vr == .SQ ? DataElement(tag: tag, items: []) : DataElement(tag: tag, vr: vr, bytes: [])
            }
            let valuePath = path + "/Value"
            guard case .array(let values) = value else { throw failure(valuePath, "Value is not an array", tag: tag) }
            if vr == .SQ {
                guard depth < maxSequenceDepth else {
                    throw failure(valuePath, "sequences nest deeper than \(maxSequenceDepth) levels", tag: tag)
                }
                var items: [Dataset] = []
                for (index, item) in values.enumerated() {
                    items.append(try dataset(from: item, path: "\(valuePath)/\(index)", depth: depth + 1, inherited: terms))
                }
                return DataElement(tag: tag, items: items)
            }
            if DICOMJSON.isInlineBinary(vr) {
                throw failure(valuePath, "a \(vr) value must be InlineBinary, not Value", tag: tag)
            }
            return DataElement(tag: tag, vr: vr, bytes: try bytes(of: values, vr: vr, tag: tag, path: valuePath, characterSet: characterSet))
        }

        /// Value bytes (little-endian; text unpadded) of a `Value` array.
        func bytes(of values: [JSONValue], vr: VR, tag: Tag, path: String, characterSet: SpecificCharacterSet)
            throws(DICOMError) -> [UInt8]
        {
            func integers<T: FixedWidthInteger>(_ type: T.Type) throws(DICOMError) -> [UInt8] {
                var result: [T] = []
                for (index, value) in values.enumerated() {
                    let text: String
                    switch value {
                    case .number(let literal): text = literal
                    case .string(let literal) where vr == .SV || vr == .UV: text = literal  // PS3.18 §F.2.3.1
                    default: throw failure("\(path)/\(index)", "expected an integer for \(vr)", tag: tag)
                    }
                    guard let number = T(text) ?? Self.integralDouble(text).flatMap({ T(exactly: $0) }) else {
                        throw failure("\(path)/\(index)", "not an integer in the range of \(vr)", tag: tag)
                    }
                    result.append(number)
                }
                return ByteOrder.encodeLittleEndian(result)
            }
            func floats() throws(DICOMError) -> [Double] {
                var result: [Double] = []
                for (index, value) in values.enumerated() {
                    switch value {
                    case .number(let text):
                        guard let number = Double(text) else { throw failure("\(path)/\(index)", "not a number", tag: tag) }
                        result.append(number)
                    case .string("NaN"): result.append(.nan)
                    case .string("Infinity"): result.append(.infinity)
                    case .string("-Infinity"): result.append(-.infinity)
                    default: throw failure("\(path)/\(index)", "expected a number for \(vr)", tag: tag)
                    }
                }
                return result
            }
            switch vr {
            case .US: return try integers(UInt16.self)
            case .SS: return try integers(Int16.self)
            case .UL: return try integers(UInt32.self)
            case .SL: return try integers(Int32.self)
            case .UV: return try integers(UInt64.self)
            case .SV: return try integers(Int64.self)
            case .FL: return ByteOrder.encodeLittleEndian(try floats().map { Float($0).bitPattern })
            case .FD: return ByteOrder.encodeLittleEndian(try floats().map(\.bitPattern))
            case .AT:
                var words: [UInt16] = []
                for (index, value) in values.enumerated() {
                    guard case .string(let text) = value, text.utf8.count == 8, let raw = UInt32(text, radix: 16),
                        !text.hasPrefix("+"), !text.hasPrefix("-")
                    else { throw failure("\(path)/\(index)", "an AT value is not eight hexadecimal digits", tag: tag) }
                    words += [UInt16(truncatingIfNeeded: raw >> 16), UInt16(truncatingIfNeeded: raw)]
                }
                return ByteOrder.encodeLittleEndian(words)
            default:
                break
            }
            var texts: [String] = []
            for (index, value) in values.enumerated() {
                switch (value, vr) {
                case (.null, _): texts.append("")
                case (.string(let text), _) where vr != .PN: texts.append(text)
                case (.number(let text), .IS), (.number(let text), .DS): texts.append(text)
                case (.object(let members), .PN):
                    var groups: [String: String] = [:]
                    for member in members {
                        guard ["Alphabetic", "Ideographic", "Phonetic"].contains(member.key), case .string(let group) = member.value
                        else {
                            throw failure("\(path)/\(index)/\(member.key)", "a PN member must be Alphabetic, Ideographic or Phonetic text", tag: tag)
                        }
                        groups[member.key] = group
                    }
                    texts.append(PersonName(jsonComponents: groups).description)
                default:
                    throw failure("\(path)/\(index)", "a value of the wrong JSON type for \(vr)", tag: tag)
                }
            }
            if !vr.allowsMultipleStringValues, texts.count > 1 {
                throw failure(path, "\(vr) holds a single value", tag: tag)
            }
            guard let encoded = characterSet.encode(texts.joined(separator: "\\"), vr: vr) else {
                throw DICOMError(
                    .cannotEncode, "DICOM JSON \(path): text cannot be encoded in the Specific Character Set", tag: tag)
            }
            return encoded
        }

        /// `1.0` or `1e3` written for an integer VR.
        static func integralDouble(_ text: String) -> Double? {
            guard let number = Double(text), number.rounded() == number else { return nil }
            return number
        }

        /// Encapsulated pixel data in the form ``DICOMJSON/encode(_:options:)`` writes: items only, each of defined
        /// length, exactly filling the value; `nil` otherwise (native pixel data).
        static func encapsulated(_ bytes: [UInt8]) -> EncapsulatedPixelData? {
            var position = 0
            var table: [UInt8]?
            var fragments: [EncapsulatedPixelData.Fragment] = []
            while position < bytes.count {
                guard bytes.count - position >= 8, Array(bytes[position..<(position + 4)]) == [0xFE, 0xFF, 0x00, 0xE0],
                    let length = ByteOrder.decodeLittleEndian(Array(bytes[(position + 4)..<(position + 8)]), as: UInt32.self)?.first,
                    length != 0xFFFF_FFFF, Int(length) <= bytes.count - position - 8
                else { return nil }
                let value = Array(bytes[(position + 8)..<(position + 8 + Int(length))])
                if table == nil { table = value } else { fragments.append(.bytes(value)) }
                position += 8 + Int(length)
            }
            guard let table else { return nil }
            return EncapsulatedPixelData(basicOffsetTable: table, fragments: fragments)
        }
    }
}
