/// One data element: a tag, its VR and its value (PS3.5 §7.1).
///
/// Values are kept exactly as encoded — binary values in little-endian byte order (big-endian input is
/// swapped per value size on read), strings with their padding — so that writing reproduces them.
///
/// ```swift
/// let rows = DataElement(tag: .rows, vr: .US, uint16s: [512])
/// rows.uint16s            // [512]
/// ```
public struct DataElement: Sendable, Hashable {
    /// The value of a data element.
    public enum Value: Sendable, Hashable {
        /// The value bytes: binary VRs in little-endian order, strings as encoded, padding kept.
        case bytes([UInt8])
        /// The items of a sequence (VR SQ, or UN with undefined length per PS3.5 §6.2.2 Note).
        case sequence([Dataset])
        /// Encapsulated (compressed) pixel data: basic offset table and fragments, kept exactly (PS3.5 §A.4).
        case fragments(EncapsulatedPixelData)
        /// A large value left in its source file, loaded on access and copied by the writer in chunks.
        case deferred(DeferredValue)
    }

    /// The tag.
    public var tag: Tag
    /// The VR the value is interpreted with.
    public var vr: VR
    /// The value.
    public var value: Value
    /// For elements read from explicit VR data, the VR as encoded in the input; `nil` for implicit VR
    /// input, for elements whose VR bytes were invalid (read as implicit), and for elements built in code.
    ///
    /// Compare with ``dictionaryVR`` to see vendor VR defects that lenient reading let through.
    public var encodedVR: VR?

    /// Creates an element.
    public init(tag: Tag, vr: VR, value: Value, encodedVR: VR? = nil) {
        self.tag = tag
        self.vr = vr
        self.value = value
        self.encodedVR = encodedVR
    }

    /// Creates an element holding raw value bytes (little-endian for binary VRs).
    public init(tag: Tag, vr: VR, bytes: [UInt8]) {
        self.init(tag: tag, vr: vr, value: .bytes(bytes))
    }

    /// Creates a sequence element (VR SQ).
    public init(tag: Tag, items: [Dataset]) {
        self.init(tag: tag, vr: .SQ, value: .sequence(items))
    }

    /// The VR the data dictionary gives for the tag, or `nil` for unknown (e.g. private) tags.
    public var dictionaryVR: VR? { DataDictionary.vr(for: tag) }

    /// The dictionary keyword (`PatientName`), or an empty string.
    public var keyword: String { DataDictionary.entry(for: tag)?.keyword ?? "" }

    /// The value bytes if the value is `.bytes`; `nil` for sequences, fragments and deferred values.
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = value { return bytes }
        return nil
    }

    /// The items if the value is a sequence.
    public var items: [Dataset]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// The encapsulated pixel data if the value is encapsulated.
    public var encapsulatedPixelData: EncapsulatedPixelData? {
        if case .fragments(let data) = value { return data }
        return nil
    }

    /// The value length in bytes as it was encoded (for sequences and fragments: the content without delimiters).
    public var valueLength: Int {
        switch value {
        case .bytes(let bytes): bytes.count
        case .deferred(let deferred): deferred.length
        case .sequence(let items): items.count
        case .fragments(let data): data.fragments.reduce(data.basicOffsetTable.count) { $0 &+ $1.length }
        }
    }

    /// The value bytes, reading a deferred value from its source file.
    ///
    /// - Returns: little-endian value bytes; `nil` for sequences and encapsulated pixel data.
    /// - Throws: `DICOMError` (`.io`, `.truncated`) when a deferred value cannot be read back.
    public func loadBytes() throws(DICOMError) -> [UInt8]? {
        switch value {
        case .bytes(let bytes): return bytes
        case .deferred(let deferred): return try deferred.load()
        case .sequence, .fragments: return nil
        }
    }
}

/// A value that was not loaded because it is larger than `DICOMReader.Options.deferThreshold`.
///
/// It names the byte range in the source file; ``load()`` reads it, and the writer copies it in chunks.
public struct DeferredValue: Sendable, Hashable {
    /// The path of the source file.
    public var path: String
    /// The offset of the first value byte in the file.
    public var offset: Int
    /// The number of value bytes.
    public var length: Int
    /// When the file stores the value big-endian, the size of one value (2, 4 or 8) whose bytes must be
    /// reversed to get little-endian order; 1 when the bytes are used as they are.
    public var byteSwapUnit: Int

    /// Creates a reference to `length` bytes at `offset` in the file at `path`.
    public init(path: String, offset: Int, length: Int, byteSwapUnit: Int = 1) {
        self.path = path
        self.offset = offset
        self.length = length
        self.byteSwapUnit = byteSwapUnit
    }

    /// Reads the value from its file, in little-endian byte order.
    ///
    /// - Throws: `DICOMError` `.io` when the file cannot be read, `.truncated` when it has become shorter.
    public func load() throws(DICOMError) -> [UInt8] {
        let reader = try FileRangeReader(path: path)
        var bytes = [UInt8](repeating: 0, count: length)
        var failure: DICOMError?
        bytes.withUnsafeMutableBytes { buffer in
            do throws(DICOMError) { try reader.read(into: buffer, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
        if byteSwapUnit > 1 { ByteOrder.swap(&bytes, unit: byteSwapUnit) }
        return bytes
    }
}

/// Encapsulated pixel data: the basic offset table and the fragments, byte for byte (PS3.5 §A.4).
public struct EncapsulatedPixelData: Sendable, Hashable {
    /// One fragment's bytes, in memory or left in the source file.
    public enum Fragment: Sendable, Hashable {
        /// The fragment bytes.
        case bytes([UInt8])
        /// A fragment larger than the defer threshold, left in the source file.
        case deferred(DeferredValue)

        /// The fragment length in bytes.
        public var length: Int {
            switch self {
            case .bytes(let bytes): bytes.count
            case .deferred(let deferred): deferred.length
            }
        }

        /// The fragment bytes, reading a deferred fragment from its file.
        /// - Throws: `DICOMError` when a deferred fragment cannot be read.
        public func load() throws(DICOMError) -> [UInt8] {
            switch self {
            case .bytes(let bytes): bytes
            case .deferred(let deferred): try deferred.load()
            }
        }
    }

    /// The value of the first item: the Basic Offset Table, empty when absent (PS3.5 §A.4).
    public var basicOffsetTable: [UInt8]
    /// The fragments that follow the offset table, in order.
    public var fragments: [Fragment]

    /// Creates encapsulated pixel data.
    public init(basicOffsetTable: [UInt8] = [], fragments: [Fragment]) {
        self.basicOffsetTable = basicOffsetTable
        self.fragments = fragments
    }

    /// The offset table as 32-bit offsets, or `nil` if its length is not a multiple of 4.
    public var offsets: [UInt32]? { ByteOrder.decodeLittleEndian(basicOffsetTable, as: UInt32.self) }
}
