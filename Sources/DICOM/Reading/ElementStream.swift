/// The element parser: walks data elements in a byte buffer (PS3.5 §7), building data sets.
///
/// It works on an `UnsafeRawBufferPointer` over the mapped file (or inflated data), checks every length
/// against the bytes that are left before touching them, never allocates a size it read from the input
/// before checking it, and copies out only the values it keeps.
struct ElementStream {
    /// What kind of data set is being read: decides how delimiters and the end are handled.
    enum Context {
        case topLevel, fileMeta, definedLengthItem, undefinedLengthItem
    }

    /// One element header (PS3.5 §7.1.2, §7.1.3).
    struct Header {
        var tag: Tag
        var vr: VR
        var encodedVR: VR?
        var length: UInt32
        var size: Int
    }

    static let undefinedLength: UInt32 = 0xFFFF_FFFF

    let buffer: UnsafeRawBufferPointer
    var position: Int
    var bigEndian: Bool
    var explicitVR: Bool
    let options: DICOMReader.Options
    /// The file name used in errors.
    let fileName: String?
    /// The path deferred values refer to; `nil` when the buffer is not the file itself (bytes, inflated data).
    let deferSource: String?
    /// Added to error reasons when offsets are not file offsets.
    let offsetNote: String
    var warnings: [DICOMWarning] = []
    var stoppedBeforePixels = false
    private var pixelRepresentation: UInt16 = 0

    init(
        buffer: UnsafeRawBufferPointer, position: Int, bigEndian: Bool, explicitVR: Bool,
        options: DICOMReader.Options, fileName: String?, deferSource: String?, offsetNote: String = ""
    ) {
        self.buffer = buffer
        self.position = position
        self.bigEndian = bigEndian
        self.explicitVR = explicitVR
        self.options = options
        self.fileName = fileName
        self.deferSource = deferSource
        self.offsetNote = offsetNote
    }

    var isLenient: Bool { options.mode == .lenient }

    // MARK: Primitive reads (callers check bounds first)

    func uint16(at offset: Int) -> UInt16 {
        let raw = buffer.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)
    }

    func uint32(at offset: Int) -> UInt32 {
        let raw = buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }

    func tag(at offset: Int) -> Tag { Tag(group: uint16(at: offset), element: uint16(at: offset + 2)) }

    // MARK: Errors and warnings

    func error(_ code: DICOMError.Code, _ reason: String, tag: Tag?, at offset: Int, remedy: String? = nil)
        -> DICOMError
    {
        DICOMError(code, reason + offsetNote, file: fileName, tag: tag, offset: offset, remedy: remedy)
    }

    /// In strict mode throws; in lenient mode records a warning and returns so the caller can repair.
    mutating func tolerate(_ code: DICOMError.Code, _ reason: String, tag: Tag?, at offset: Int) throws(DICOMError) {
        guard isLenient else {
            throw error(code, reason, tag: tag, at: offset, remedy: "use .lenient to read the file anyway")
        }
        warnings.append(DICOMWarning(code, reason + offsetNote, tag: tag, offset: offset))
    }

    // MARK: Headers

    /// The VR to use when none is encoded (implicit VR, PS3.5 §A.1), from the data dictionary.
    func implicitVR(for tag: Tag) -> VR {
        // Private Creator elements are LO (PS3.5 §7.8.1), whatever their group.
        if tag.isPrivateCreator { return .LO }
        // "OB or OW" is OW, "US or SS" follows Pixel Representation (see `DictionaryVR`).
        return DataDictionary.vrFacts(for: tag)?.implicitVR(pixelRepresentation: pixelRepresentation) ?? .UN
    }

    /// Reads the header at `position` without moving; `limit` is where the enclosing value ends.
    mutating func readHeader(limit: Int) throws(DICOMError) -> Header {
        let start = position
        guard limit - start >= 8 else {
            throw error(.truncated, "the input ends inside an element header", tag: nil, at: start)
        }
        let tag = self.tag(at: start)
        if tag.group == 0xFFFE {
            return Header(tag: tag, vr: .UN, encodedVR: nil, length: uint32(at: start + 4), size: 8)
        }
        if explicitVR {
            let byte0 = buffer[start + 4]
            let byte1 = buffer[start + 5]
            if let vr = VR(byte0: byte0, byte1: byte1) {
                if vr.hasLongExplicitLength {
                    guard limit - start >= 12 else {
                        throw error(.truncated, "the input ends inside an element header", tag: tag, at: start)
                    }
                    return Header(tag: tag, vr: vr, encodedVR: vr, length: uint32(at: start + 8), size: 12)
                }
                return Header(tag: tag, vr: vr, encodedVR: vr, length: UInt32(uint16(at: start + 6)), size: 8)
            }
            if (0x41...0x5A).contains(byte0), (0x41...0x5A).contains(byte1) {
                // Letters but no VR we know: keep the explicit layout with a 16-bit length, as UN.
                try tolerate(
                    .invalidVR, "unknown VR code in an explicit VR element; read as UN with a 16-bit length",
                    tag: tag, at: start)
                return Header(tag: tag, vr: .UN, encodedVR: nil, length: UInt32(uint16(at: start + 6)), size: 8)
            }
            try tolerate(
                .invalidVR, "the VR bytes are not a VR; element read as implicit VR", tag: tag, at: start)
        }
        return Header(tag: tag, vr: implicitVR(for: tag), encodedVR: nil, length: uint32(at: start + 4), size: 8)
    }

    // MARK: Data sets

    /// Reads elements until `end` (or a delimiter, for items of undefined length).
    mutating func readDataset(end: Int, depth: Int, inherited: [String], context: Context) throws(DICOMError)
        -> Dataset
    {
        // Elements in reading order; sorted (stably, later duplicates winning) only if they arrived out of order,
        // so out-of-order input costs one sort rather than one insertion per element.
        var elements: [DataElement] = []
        elements.reserveCapacity(context == .topLevel ? 128 : 16)
        var sorted = true
        // The tag order is checked against the last element of the in-order prefix.
        var lastInOrderTag: Tag?
        var terms = inherited
        let savedPixelRepresentation = pixelRepresentation
        pixelRepresentation = 0
        defer { pixelRepresentation = savedPixelRepresentation }
        // The trailing-padding check below scans for the first non-zero byte at most once per zero run
        // (a scan from `zeroScanStart` found `firstNonZero`), keeping the check linear in the data set size.
        var zeroScanStart = Int.max
        var firstNonZero = 0

        func finish() -> Dataset {
            if sorted { return Dataset(sortedElements: elements, inheritedCharacterSetTerms: inherited) }
            return Dataset(sortedElements: Self.sortedKeepingLast(elements), inheritedCharacterSetTerms: inherited)
        }

        while position < end {
            let start = position
            if end - start < 8 {
                // What follows the file meta group belongs to the data set (a deflated body may be 2 bytes).
                if context == .fileMeta { break }
                guard context == .topLevel || (isLenient && end == buffer.count) else {
                    throw error(.truncated, "the input ends inside an element header", tag: nil, at: start)
                }
                try tolerate(.trailingData, "\(end - start) bytes after the last element ignored", tag: nil, at: start)
                position = end
                break
            }
            let tag = self.tag(at: start)
            if context == .fileMeta, tag.group != 0x0002 { break }

            switch tag {
            case .itemDelimitationItem:
                let length = uint32(at: start + 4)
                if context == .undefinedLengthItem {
                    if length != 0 {
                        try tolerate(.invalidItem, "item delimiter with length \(length) (must be 0)", tag: tag, at: start)
                    }
                    position = start + 8
                    return finish()
                }
                try tolerate(.invalidItem, "item delimiter outside an item of undefined length; skipped", tag: tag, at: start)
                position = start + 8
                continue
            case .sequenceDelimitationItem:
                if context == .undefinedLengthItem {
                    try tolerate(.invalidItem, "item of undefined length has no item delimiter", tag: tag, at: start)
                    return finish()
                }
                try tolerate(.invalidItem, "sequence delimiter outside a sequence; skipped", tag: tag, at: start)
                position = start + 8
                continue
            case .item:
                if context == .undefinedLengthItem {
                    try tolerate(.invalidItem, "item of undefined length has no item delimiter", tag: tag, at: start)
                    return finish()
                }
                throw error(.invalidItem, "item tag where a data element was expected", tag: tag, at: start)
            default:
                if tag.group == 0xFFFE {
                    try skipReservedElement(tag: tag, start: start, end: end)
                    continue
                }
            }

            if context == .topLevel, options.stopBeforePixels,
                tag.rawValue == 0x7FE0_0010 || tag.rawValue == 0x7FE0_0008 || tag.rawValue == 0x7FE0_0009
            {
                stoppedBeforePixels = true
                position = start
                break
            }

            if let last = lastInOrderTag, tag <= last {
                if context == .topLevel, tag.rawValue == 0 {
                    if start < zeroScanStart || start > firstNonZero {
                        zeroScanStart = start
                        firstNonZero = Self.firstNonZero(buffer, from: start, to: end)
                    }
                    if firstNonZero == end {
                        try tolerate(
                            .trailingData, "\(end - start) NUL bytes of padding after the last element ignored",
                            tag: nil, at: start)
                        position = end
                        break
                    }
                }
                if tag == last {
                    try tolerate(.tagOrder, "tag occurs twice; the later element is kept", tag: tag, at: start)
                } else {
                    try tolerate(.tagOrder, "tag out of ascending order (follows \(last))", tag: tag, at: start)
                }
                sorted = false
            }

            let header = try readHeader(limit: end)
            let valueStart = start + header.size
            position = valueStart
            let element: DataElement

            if header.length == Self.undefinedLength {
                element = try readUndefinedLength(header, start: start, end: end, depth: depth, terms: terms)
            } else {
                var length = Int(header.length)
                if length > end - valueStart, isLenient, end == buffer.count {
                    // As pydicom does: a value that runs past the end of the input keeps the bytes that are there.
                    try tolerate(
                        .truncated, "value length \(length) exceeds the \(end - valueStart) bytes left in the input; the value is cut there",
                        tag: tag, at: start)
                    length = end - valueStart
                }
                guard length <= end - valueStart else {
                    throw error(
                        .truncated,
                        "value length \(length) exceeds the \(end - valueStart) bytes left in the "
                            + (context == .topLevel || context == .fileMeta ? "input" : "enclosing item"),
                        tag: tag, at: start)
                }
                if length & 1 == 1 {
                    try tolerate(.oddLength, "odd value length \(length)", tag: tag, at: start)
                }
                if header.vr == .SQ {
                    let items = try readSequence(
                        tag: tag, end: valueStart + length, limit: valueStart + length, depth: depth + 1, terms: terms)
                    position = valueStart + length
                    element = DataElement(tag: tag, vr: .SQ, value: .sequence(items), encodedVR: header.encodedVR)
                } else if header.vr == .UN, DataDictionary.vr(for: tag) == .SQ,
                    let items = attemptUNSequence(tag: tag, start: valueStart, length: length, depth: depth + 1, terms: terms)
                {
                    element = DataElement(tag: tag, vr: .SQ, value: .sequence(items), encodedVR: header.encodedVR)
                } else {
                    position = valueStart + length
                    if context == .topLevel, let wanted = options.specificTags, !wanted.contains(tag),
                        tag != .specificCharacterSet
                    {
                        continue
                    }
                    element = DataElement(
                        tag: tag, vr: header.vr, value: makeValue(tag: tag, vr: header.vr, start: valueStart, length: length),
                        encodedVR: header.encodedVR)
                }
            }

            if context == .topLevel, let wanted = options.specificTags, !wanted.contains(tag),
                tag != .specificCharacterSet
            {
                continue
            }
            if tag == .specificCharacterSet, case .bytes(let bytes) = element.value {
                terms = Dataset.characterSetTerms(from: bytes)
            } else if tag == .pixelRepresentation, let value = element.uint16s?.first {
                pixelRepresentation = value
            }
            if sorted { lastInOrderTag = tag }
            elements.append(consume element)
        }
        if context == .undefinedLengthItem {
            throw error(
                .truncated, "item of undefined length has no item delimiter before the end of the input", tag: nil,
                at: position)
        }
        return finish()
    }

    /// Group FFFE holds only the Item and delimitation tags (PS3.5 §7.5), encoded with no VR; any other
    /// (FFFE,xxxx) "element" has no defined encoding, so strict reading refuses it and lenient reading
    /// skips it (tag and 4-byte length, as the delimiters are encoded) with a warning.
    private mutating func skipReservedElement(tag: Tag, start: Int, end: Int) throws(DICOMError) {
        let length = uint32(at: start + 4)
        guard isLenient, length != Self.undefinedLength, Int(length) <= end - start - 8 else {
            throw error(
                .invalidItem, "a data element in group FFFE, which holds only items and delimiters (PS3.5 §7.5)",
                tag: tag, at: start,
                remedy: isLenient ? nil : "use .lenient to skip it")
        }
        try tolerate(
            .invalidItem, "a data element in group FFFE, which holds only items and delimiters (PS3.5 §7.5); skipped",
            tag: tag, at: start)
        position = start + 8 + Int(length)
    }

    /// An element of undefined length: a sequence, UN holding a sequence, or encapsulated data (PS3.5 §7.5, §A.4).
    private mutating func readUndefinedLength(_ header: Header, start: Int, end: Int, depth: Int, terms: [String])
        throws(DICOMError) -> DataElement
    {
        let tag = header.tag
        var isSequence = header.vr == .SQ
        var asImplicitLittleEndian = false
        if header.vr == .UN {
            if header.encodedVR == .UN {
                // PS3.5 §6.2.2 Note: UN of undefined length holds a sequence encoded as implicit VR little endian.
                isSequence = true
                asImplicitLittleEndian = true
            } else if end - position >= 4, self.tag(at: position) == .item {
                // Implicit VR, unknown (private) tag: a sequence if its content starts with an item.
                isSequence = true
            }
        }
        if isSequence {
            let savedExplicit = explicitVR
            let savedBigEndian = bigEndian
            if asImplicitLittleEndian {
                explicitVR = false
                bigEndian = false
            }
            defer {
                explicitVR = savedExplicit
                bigEndian = savedBigEndian
            }
            let items = try readSequence(tag: tag, end: nil, limit: end, depth: depth + 1, terms: terms)
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items), encodedVR: header.encodedVR)
        }
        if header.vr != .OB, header.vr != .OW, header.vr != .UN {
            try tolerate(.invalidLength, "undefined length on a \(header.vr) element; read as fragments", tag: tag, at: start)
        }
        let data = try readFragments(tag: tag, limit: end)
        // Implicit VR gives "OB or OW" Pixel Data OW, but encapsulated pixel data is OB (PS3.5 §A.4).
        let vr = header.encodedVR == nil && header.vr == .OW ? VR.OB : header.vr
        return DataElement(tag: tag, vr: vr, value: .fragments(data), encodedVR: header.encodedVR)
    }

    /// A UN value whose tag the dictionary knows as SQ holds the sequence in implicit VR little endian
    /// (PS3.5 §6.2.2); parse it so, or return `nil` (leaving the value as UN bytes) if it does not parse cleanly.
    private mutating func attemptUNSequence(tag: Tag, start: Int, length: Int, depth: Int, terms: [String]) -> [Dataset]? {
        let saved = (position, explicitVR, bigEndian, warnings.count)
        explicitVR = false
        bigEndian = false
        defer {
            explicitVR = saved.1
            bigEndian = saved.2
        }
        do throws(DICOMError) {
            let items = try readSequence(tag: tag, end: start + length, limit: start + length, depth: depth, terms: terms)
            if warnings.count == saved.3, position == start + length { return items }
        } catch {}
        position = start + length
        warnings.removeSubrange(saved.3...)
        return nil
    }

    /// Items of a sequence; `end` is `nil` for undefined length (PS3.5 §7.5.2).
    mutating func readSequence(tag: Tag, end: Int?, limit: Int, depth: Int, terms: [String]) throws(DICOMError)
        -> [Dataset]
    {
        guard depth <= options.effectiveMaxSequenceDepth else {
            throw error(
                .nestingTooDeep, "sequences nest deeper than \(options.effectiveMaxSequenceDepth) levels", tag: tag,
                at: position, remedy: "raise DICOMReader.Options.maxSequenceDepth if the file is trusted")
        }
        var items: [Dataset] = []
        while true {
            if let end, position >= end { break }
            let start = position
            guard limit - start >= 8 else {
                throw error(
                    .truncated,
                    end == nil
                        ? "sequence of undefined length has no sequence delimiter before the end of the input"
                        : "the sequence ends inside an item header",
                    tag: tag, at: start)
            }
            let itemTag = self.tag(at: start)
            let length = uint32(at: start + 4)
            switch itemTag {
            case .item:
                position = start + 8
                if length == Self.undefinedLength {
                    items.append(try readDataset(end: limit, depth: depth, inherited: terms, context: .undefinedLengthItem))
                } else {
                    var itemLength = Int(length)
                    if itemLength > limit - position, isLenient, limit == buffer.count {
                        try tolerate(
                            .truncated, "item length \(length) exceeds the \(limit - position) bytes left in the input; the item is cut there",
                            tag: tag, at: start)
                        itemLength = limit - position
                    }
                    guard itemLength <= limit - position else {
                        throw error(
                            .truncated, "item length \(length) exceeds the \(limit - position) bytes left", tag: tag,
                            at: start)
                    }
                    let itemEnd = position + itemLength
                    items.append(try readDataset(end: itemEnd, depth: depth, inherited: terms, context: .definedLengthItem))
                    position = itemEnd
                }
            case .sequenceDelimitationItem:
                if length != 0 {
                    try tolerate(.invalidItem, "sequence delimiter with length \(length) (must be 0)", tag: tag, at: start)
                }
                position = start + 8
                if end == nil { return items }
                try tolerate(.invalidItem, "sequence delimiter inside a sequence of defined length", tag: tag, at: start)
            case .itemDelimitationItem:
                try tolerate(.invalidItem, "item delimiter between items; skipped", tag: tag, at: start)
                position = start + 8
            default:
                guard end == nil else {
                    throw error(.invalidItem, "expected an item (FFFE,E000) in the sequence, found \(itemTag)", tag: tag, at: start)
                }
                try tolerate(.invalidItem, "sequence of undefined length has no sequence delimiter", tag: tag, at: start)
                return items
            }
        }
        return items
    }

    /// Encapsulated data: offset table item, fragment items, sequence delimiter (PS3.5 §A.4).
    mutating func readFragments(tag: Tag, limit: Int) throws(DICOMError) -> EncapsulatedPixelData {
        var table: [UInt8]?
        var fragments: [EncapsulatedPixelData.Fragment] = []
        while true {
            let start = position
            guard limit - start >= 8 else {
                throw error(
                    .truncated, "encapsulated data has no sequence delimiter before the end of the input", tag: tag,
                    at: start)
            }
            let itemTag = self.tag(at: start)
            let length = uint32(at: start + 4)
            if itemTag == .sequenceDelimitationItem {
                if length != 0 {
                    try tolerate(.invalidItem, "sequence delimiter with length \(length) (must be 0)", tag: tag, at: start)
                }
                position = start + 8
                break
            }
            guard itemTag == .item else {
                throw error(.invalidItem, "expected a fragment item (FFFE,E000), found \(itemTag)", tag: tag, at: start)
            }
            guard length != Self.undefinedLength else {
                throw error(.invalidLength, "fragment item of undefined length", tag: tag, at: start)
            }
            let valueStart = start + 8
            guard Int(length) <= limit - valueStart else {
                throw error(
                    .truncated, "fragment length \(length) exceeds the \(limit - valueStart) bytes left", tag: tag, at: start)
            }
            let count = Int(length)
            if table == nil {
                table = copyBytes(start: valueStart, length: count)
            } else if let threshold = options.deferThreshold, count > threshold, let path = deferSource {
                fragments.append(.deferred(DeferredValue(path: path, offset: valueStart, length: count)))
            } else {
                fragments.append(.bytes(copyBytes(start: valueStart, length: count)))
            }
            position = valueStart + count
        }
        return EncapsulatedPixelData(basicOffsetTable: table ?? [], fragments: fragments)
    }

    // MARK: Values

    func copyBytes(start: Int, length: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + length)]))
    }

    /// The value of a defined-length element: loaded little-endian bytes, or deferred above the threshold.
    func makeValue(tag: Tag, vr: VR, start: Int, length: Int) -> DataElement.Value {
        let unit = bigEndian ? ByteOrder.swapUnit(for: vr) : 1
        if let threshold = options.deferThreshold, length > threshold, let path = deferSource,
            tag != .specificCharacterSet
        {
            return .deferred(DeferredValue(path: path, offset: start, length: length, byteSwapUnit: unit))
        }
        var bytes = copyBytes(start: start, length: length)
        if unit > 1 { ByteOrder.swap(&bytes, unit: unit) }
        return .bytes(bytes)
    }

    /// The offset of the first non-zero byte in `start..<end`, or `end` if they are all zero.
    static func firstNonZero(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, buffer[index] == 0 { index += 1 }
        return index
    }

    /// Elements read out of order, sorted by tag; of several with one tag the last read is kept (PS3.5 §7.1
    /// requires ascending order; lenient reading keeps the later duplicate, as `Dataset.set` would).
    static func sortedKeepingLast(_ elements: [DataElement]) -> [DataElement] {
        // Sort positions, not elements, with the position as tie-breaker: a stable order without moving values twice.
        let order = elements.indices.sorted { a, b in
            let tagA = elements[a].tag.rawValue
            let tagB = elements[b].tag.rawValue
            return tagA != tagB ? tagA < tagB : a < b
        }
        var result: [DataElement] = []
        result.reserveCapacity(elements.count)
        for index in order {
            if let last = result.last, last.tag == elements[index].tag {
                result[result.count - 1] = elements[index]
            } else {
                result.append(elements[index])
            }
        }
        return result
    }
}
