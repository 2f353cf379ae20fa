/// Typed access to binary values and string hooks (PS3.5 §6.2).
///
/// The binary accessors reinterpret the loaded little-endian value bytes; they do not check the VR, and
/// return `nil` when the value is not loaded bytes or its length is not a multiple of the type's size.
///
/// ```swift
/// dataset[.rows]?.uint16s?.first          // 512
/// dataset[Tag(0x0020_0032)]?.string      // "-125\-125\0" (IS/DS parsing lives in Values/)
/// ```
extension DataElement {
    /// US and OW values.
    public var uint16s: [UInt16]? { decoded(UInt16.self) }
    /// SS values.
    public var int16s: [Int16]? { decoded(Int16.self) }
    /// UL and OL values.
    public var uint32s: [UInt32]? { decoded(UInt32.self) }
    /// SL values.
    public var int32s: [Int32]? { decoded(Int32.self) }
    /// UV and OV values.
    public var uint64s: [UInt64]? { decoded(UInt64.self) }
    /// SV values.
    public var int64s: [Int64]? { decoded(Int64.self) }
    /// FL and OF values.
    public var float32s: [Float]? { decoded(UInt32.self)?.map { Float(bitPattern: $0) } }
    /// FD and OD values.
    public var float64s: [Double]? { decoded(UInt64.self)?.map { Double(bitPattern: $0) } }
    /// AT values: each a group/element pair of 16-bit numbers (PS3.5 §6.2, "Attribute Tag").
    public var tags: [Tag]? {
        guard let words = decoded(UInt16.self), words.count % 2 == 0 else { return nil }
        return stride(from: 0, to: words.count, by: 2).map { Tag(group: words[$0], element: words[$0 + 1]) }
    }

    private func decoded<T: FixedWidthInteger>(_ type: T.Type) -> [T]? {
        guard case .bytes(let bytes) = value else { return nil }
        return ByteOrder.decodeLittleEndian(bytes, as: T.self)
    }

    /// Creates a US, OW or other 16-bit unsigned element.
    public init(tag: Tag, vr: VR, uint16s: [UInt16]) { self.init(tag: tag, vr: vr, bytes: ByteOrder.encodeLittleEndian(uint16s)) }
    /// Creates an SS element.
    public init(tag: Tag, vr: VR, int16s: [Int16]) { self.init(tag: tag, vr: vr, bytes: ByteOrder.encodeLittleEndian(int16s)) }
    /// Creates a UL, OL or other 32-bit unsigned element.
    public init(tag: Tag, vr: VR, uint32s: [UInt32]) { self.init(tag: tag, vr: vr, bytes: ByteOrder.encodeLittleEndian(uint32s)) }
    /// Creates an SL element.
    public init(tag: Tag, vr: VR, int32s: [Int32]) { self.init(tag: tag, vr: vr, bytes: ByteOrder.encodeLittleEndian(int32s)) }
    /// Creates a UV or OV element.
    public init(tag: Tag, vr: VR, uint64s: [UInt64]) { self.init(tag: tag, vr: vr, bytes: ByteOrder.encodeLittleEndian(uint64s)) }
    /// Creates an SV element.
    public init(tag: Tag, vr: VR, int64s: [Int64]) { self.init(tag: tag, vr: vr, bytes: ByteOrder.encodeLittleEndian(int64s)) }
    /// Creates an FL or OF element.
    public init(tag: Tag, vr: VR, float32s: [Float]) {
        self.init(tag: tag, vr: vr, bytes: ByteOrder.encodeLittleEndian(float32s.map(\.bitPattern)))
    }
    /// Creates an FD or OD element.
    public init(tag: Tag, vr: VR, float64s: [Double]) {
        self.init(tag: tag, vr: vr, bytes: ByteOrder.encodeLittleEndian(float64s.map(\.bitPattern)))
    }
    /// Creates an AT element.
    public init(tag: Tag, tags: [Tag]) {
        self.init(tag: tag, vr: .AT, uint16s: tags.flatMap { [$0.group, $0.element] })
    }

    /// Creates a string element from text in the default repertoire (ASCII; other characters are stored
    /// as UTF-8 — use the Specific Character Set encoder for anything else). No padding is added; the writer pads.
    public init(tag: Tag, vr: VR, string: String) {
        self.init(tag: tag, vr: vr, bytes: Array(string.utf8))
    }

    /// The value decoded by `decode` (usually a Specific Character Set decoder), with trailing padding
    /// removed (spaces, and NULs; PS3.5 §6.2); `nil` if the value is not loaded bytes.
    ///
    /// - Parameter decode: turns value bytes of the given VR into text.
    public func stringValue(using decode: ([UInt8], VR) -> String) -> String? {
        guard case .bytes(let bytes) = value else { return nil }
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x00 { end -= 1 }
        var start = 0
        // Leading spaces are insignificant except in LT, ST, UT and UC text (PS3.5 Table 6.2-1).
        if vr != .LT, vr != .ST, vr != .UT, vr != .UC, vr.isString {
            while start < end, bytes[start] == 0x20 { start += 1 }
        }
        return decode(Array(bytes[start..<end]), vr)
    }

    /// The values of a multi-valued string, split at backslashes after decoding (PS3.5 §6.4); LT, ST, UT
    /// and UR values are never split.
    public func stringValues(using decode: ([UInt8], VR) -> String) -> [String]? {
        guard let text = stringValue(using: decode) else { return nil }
        guard vr.allowsMultipleStringValues else { return [text] }
        return text.dicomValues.map { String($0).trimmingCharacters(in: vr) }
    }

    /// The value as text, decoded in the default repertoire (ISO 8859-1 for bytes above 0x7F, as pydicom does).
    ///
    /// Prefer ``Dataset/string(for:)``, which applies the data set's Specific Character Set.
    public var string: String? { stringValue { SpecificCharacterSet.default.decode($0, vr: $1) } }
}

extension String {
    fileprivate func trimmingCharacters(in vr: VR) -> String {
        var scalars = Substring(self)
        while scalars.last == " " || scalars.last == "\0" { scalars = scalars.dropLast() }
        if vr != .UC { while scalars.first == " " { scalars = scalars.dropFirst() } }
        return String(scalars)
    }
}

extension String {
    /// The values of a multi-valued DICOM text, split at every backslash (PS3.5 §6.4), empty values kept: split on
    /// the UTF-8 bytes, not on characters, so a backslash always separates (even before a combining mark) and no
    /// grapheme breaking is paid for.
    public var dicomValues: [Substring] {
        var values: [Substring] = []
        var start = startIndex
        var index = utf8.startIndex
        let end = utf8.endIndex
        while index < end {
            if utf8[index] == 0x5C {
                values.append(self[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        values.append(self[start..<end])
        return values
    }
}
