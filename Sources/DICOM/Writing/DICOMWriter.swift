public import Foundation

/// This implementation's identity in the File Meta Information (PS3.7 §D.3.3.2, PS3.10 §7.1).
public enum FedLakeImplementation {
    /// (0002,0012) Implementation Class UID: a UUID-derived UID under the 2.25 root (PS3.5 §B.2).
    public static let classUID = "2.25.124005717670234367120106347177140796003"
    /// (0002,0013) Implementation Version Name (SH, at most 16 characters).
    public static let versionName = "FEDLAKE_0_1"
}

/// Writes DICOM Part 10 files (PS3.10 §7) and bare data sets.
///
/// The writer emits elements in tag order, pads values to even length (space for text, NUL for UI and
/// binary VRs, PS3.5 §6.2), keeps encapsulated pixel data byte for byte and copies deferred values from
/// their source file in 1 MiB chunks, so pixel data can pass through without being held in memory.
///
/// Sequences and items are written with undefined length and delimiters by default (PS3.5 §7.5.1),
/// as most writers do: that needs no length bookkeeping, and undefined-length private sequences stay
/// recognisable as sequences even in implicit VR. `.defined` lengths are available.
///
/// Group length elements (gggg,0000) of the data set are written as they are (PS3.5 §7.2 makes them
/// optional); the file meta group length (0002,0000) is always computed.
///
/// ```swift
/// let file = try DICOMReader.read(contentsOf: input)
/// try DICOMWriter.write(file, to: output)                       // in the file's own transfer syntax
/// let bytes = try DICOMWriter.encode(file, options: .init(transferSyntax: .explicitVRLittleEndian))
/// ```
public enum DICOMWriter {
    /// How to write.
    public struct Options: Sendable, Hashable {
        /// How sequence and item lengths are encoded (PS3.5 §7.5.1).
        public enum SequenceLength: Sendable, Hashable {
            /// Undefined length (0xFFFFFFFF) closed by delimitation items.
            case undefined
            /// Explicit byte counts.
            case defined
        }

        /// The transfer syntax to write; `nil` keeps the file's own (explicit VR little endian for new files).
        public var transferSyntax: TransferSyntax?
        /// Sequence and item length encoding; `.undefined` by default.
        public var sequenceLength: SequenceLength
        /// The 128-byte preamble; `nil` writes zeros (PS3.10 §7.1). The input's preamble is not copied,
        /// since a preamble can carry another format's header (PS3.10 §7.5).
        public var preamble: [UInt8]?
        /// zlib compression level for deflated transfer syntaxes (1–9).
        public var deflateLevel: Int32

        /// Creates options.
        public init(
            transferSyntax: TransferSyntax? = nil, sequenceLength: SequenceLength = .undefined, preamble: [UInt8]? = nil,
            deflateLevel: Int32 = 6
        ) {
            self.transferSyntax = transferSyntax
            self.sequenceLength = sequenceLength
            self.preamble = preamble
            self.deflateLevel = deflateLevel
        }
    }

    /// The size of the pieces deferred values are copied in.
    public static let copyChunkSize = 1 << 20

    /// Writes `file` as a Part 10 file at `url`, streaming through a 1 MiB buffer; deferred values that need
    /// no byte swapping are copied from file to file inside the kernel.
    ///
    /// - Returns: the number of bytes written, the size of the file.
    /// - Throws: ``DICOMError`` `.io` when the file cannot be written or a deferred value's source cannot
    ///   be read, `.cannotEncode` when a value does not fit the transfer syntax.
    @discardableResult
    public static func write(_ file: DICOMFile, to url: URL, options: Options = Options()) throws(DICOMError) -> Int {
        try write(file, toPath: url.path, options: options)
    }

    /// Writes `file` to the file at `path`; see ``write(_:to:options:)``.
    @discardableResult
    public static func write(_ file: DICOMFile, toPath path: String, options: Options = Options()) throws(DICOMError) -> Int {
        let output = try FileOutput(path: path)
        let sink = ByteSink(output: output)
        do {
            try encode(file, into: sink, options: options)
            try sink.flush()
            try output.close()
            return output.written
        } catch {
            var located = error
            if located.file == nil { located.file = path }
            throw located
        }
    }

    /// Encodes `file` as the bytes of a Part 10 file.
    /// - Throws: ``DICOMError`` as ``write(_:to:options:)`` does.
    public static func encode(_ file: DICOMFile, options: Options = Options()) throws(DICOMError) -> [UInt8] {
        let sink = ByteSink(output: nil)
        try encode(file, into: sink, options: options)
        return sink.bytes
    }

    /// Encodes a bare data set (no preamble, no file meta group) in `transferSyntax`.
    /// - Throws: ``DICOMError`` `.cannotEncode` when a value does not fit the transfer syntax.
    public static func encodeDataset(
        _ dataset: Dataset, transferSyntax: TransferSyntax = .explicitVRLittleEndian, options: Options = Options()
    ) throws(DICOMError) -> [UInt8] {
        let sink = ByteSink(output: nil)
        try encodeBody(dataset, transferSyntax: transferSyntax, into: sink, options: options)
        return sink.bytes
    }

    /// The file meta group the writer emits for `file` in `transferSyntax` (PS3.10 §7.1): the file's own
    /// elements, with version, SOP class/instance (from the data set when absent), transfer syntax and
    /// implementation set, and the group length computed.
    public static func fileMeta(for file: DICOMFile, transferSyntax: TransferSyntax) throws(DICOMError) -> Dataset {
        var meta = Dataset(file.fileMeta.filter { $0.tag.group == 0x0002 && $0.tag != .fileMetaInformationGroupLength })
        meta.set(DataElement(tag: .fileMetaInformationVersion, vr: .OB, bytes: [0x00, 0x01]))
        if !meta.contains(.mediaStorageSOPClassUID), let element = file.dataset[.sopClassUID],
            case .bytes(let bytes) = element.value
        {
            meta.set(DataElement(tag: .mediaStorageSOPClassUID, vr: .UI, bytes: bytes))
        }
        if !meta.contains(.mediaStorageSOPInstanceUID), let element = file.dataset[.sopInstanceUID],
            case .bytes(let bytes) = element.value
        {
            meta.set(DataElement(tag: .mediaStorageSOPInstanceUID, vr: .UI, bytes: bytes))
        }
        meta.set(DataElement(tag: .transferSyntaxUID, vr: .UI, string: transferSyntax.uid))
        meta.set(DataElement(tag: .implementationClassUID, vr: .UI, string: FedLakeImplementation.classUID))
        meta.set(DataElement(tag: .implementationVersionName, vr: .SH, string: FedLakeImplementation.versionName))
        let sink = ByteSink(output: nil)
        let encoder = Encoder(sink: sink, explicitVR: true, bigEndian: false, sequenceLength: .undefined)
        for element in meta { try encoder.write(element) }
        guard sink.bytes.count <= Int(UInt32.max) else {
            throw DICOMError(.cannotEncode, "the file meta group is too large", tag: .fileMetaInformationGroupLength)
        }
        meta.set(DataElement(tag: .fileMetaInformationGroupLength, vr: .UL, uint32s: [UInt32(sink.bytes.count)]))
        return meta
    }

    static func encode(_ file: DICOMFile, into sink: ByteSink, options: Options) throws(DICOMError) {
        let transferSyntax = options.transferSyntax ?? ownSyntaxIfLossless(file)
        let preamble = options.preamble ?? [UInt8](repeating: 0, count: 128)
        guard preamble.count == 128 else {
            throw DICOMError(.cannotEncode, "the preamble must be 128 bytes, not \(preamble.count)")
        }
        sink.append(preamble)
        sink.append(Array("DICM".utf8))
        let meta = try fileMeta(for: file, transferSyntax: transferSyntax)
        let metaEncoder = Encoder(sink: sink, explicitVR: true, bigEndian: false, sequenceLength: .undefined)
        for element in meta { try metaEncoder.write(element) }
        try encodeBody(file.dataset, transferSyntax: transferSyntax, into: sink, options: options)
    }

    /// The file's own transfer syntax, unless writing in it would change what a reader sees: an implicit VR
    /// reader takes the VR from the dictionary, so a UN value of an attribute the dictionary calls SQ (kept
    /// as bytes because it did not parse as items) would be read back as a sequence. Such files are written
    /// in explicit VR little endian, which keeps the UN (found by fuzzing).
    static func ownSyntaxIfLossless(_ file: DICOMFile) -> TransferSyntax {
        guard !file.transferSyntax.isExplicitVR, containsUnparsedSequence(file.dataset) else { return file.transferSyntax }
        return .explicitVRLittleEndian
    }

    private static func containsUnparsedSequence(_ dataset: Dataset) -> Bool {
        dataset.contains { element in
            if let items = element.items { return items.contains(where: containsUnparsedSequence) }
            return element.vr == .UN && !element.tag.isPrivate && DataDictionary.vr(for: element.tag) == .SQ
        }
    }

    static func encodeBody(_ dataset: Dataset, transferSyntax: TransferSyntax, into sink: ByteSink, options: Options)
        throws(DICOMError)
    {
        try checkPixelData(dataset, transferSyntax: transferSyntax)
        let body = dataset.filter { $0.tag.group != 0x0002 }
        if transferSyntax.isDeflated {
            let inner = ByteSink(output: nil)
            let encoder = Encoder(sink: inner, explicitVR: true, bigEndian: false, sequenceLength: options.sequenceLength)
            for element in body { try encoder.write(element) }
            sink.append(try LibZ.deflate(inner.bytes, level: options.deflateLevel))
            try sink.flushIfFull()
            return
        }
        let encoder = Encoder(
            sink: sink, explicitVR: transferSyntax.isExplicitVR, bigEndian: !transferSyntax.isLittleEndian,
            sequenceLength: options.sequenceLength)
        for element in body { try encoder.write(element) }
    }

    /// Encapsulated pixel data needs an encapsulated transfer syntax and native pixel data a native one (PS3.5 §8.2).
    static func checkPixelData(_ dataset: Dataset, transferSyntax: TransferSyntax) throws(DICOMError) {
        guard let pixels = dataset[.pixelData] else { return }
        switch pixels.value {
        case .fragments:
            if !transferSyntax.isEncapsulated {
                throw DICOMError(
                    .cannotEncode, "encapsulated pixel data cannot be written in \(transferSyntax.name)", tag: .pixelData,
                    remedy: "write in the transfer syntax the pixel data was compressed with")
            }
        case .bytes, .deferred:
            if transferSyntax.isEncapsulated {
                throw DICOMError(
                    .cannotEncode, "native pixel data cannot be written in \(transferSyntax.name)", tag: .pixelData,
                    remedy: "write in explicit VR little endian")
            }
        case .sequence:
            break
        }
    }
}

/// Collects output bytes; when it has a file, flushes to it whenever 1 MiB has gathered.
final class ByteSink {
    var bytes: [UInt8] = []
    let output: FileOutput?

    init(output: FileOutput?) {
        self.output = output
        // Most files are small: the buffer starts at 64 KiB and grows (by doubling) only for a file that needs it.
        if output != nil { bytes.reserveCapacity(64 * 1024) }
    }

    func append(_ more: [UInt8]) { bytes.append(contentsOf: more) }

    func flushIfFull() throws(DICOMError) {
        if output != nil, bytes.count >= DICOMWriter.copyChunkSize { try flush() }
    }

    func flush() throws(DICOMError) {
        guard let output, !bytes.isEmpty else { return }
        var failure: DICOMError?
        bytes.withUnsafeBytes { raw in
            do throws(DICOMError) { try output.write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Encodes elements in one transfer syntax (PS3.5 §7.1).
final class Encoder {
    let sink: ByteSink
    let explicitVR: Bool
    let bigEndian: Bool
    let sequenceLength: DICOMWriter.Options.SequenceLength

    init(sink: ByteSink, explicitVR: Bool, bigEndian: Bool, sequenceLength: DICOMWriter.Options.SequenceLength) {
        self.sink = sink
        self.explicitVR = explicitVR
        self.bigEndian = bigEndian
        self.sequenceLength = sequenceLength
    }

    static let undefinedLength: UInt32 = 0xFFFF_FFFF

    func append16(_ value: UInt16) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { sink.bytes.append(contentsOf: $0) }
    }

    func append32(_ value: UInt32) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { sink.bytes.append(contentsOf: $0) }
    }

    func appendTag(_ tag: Tag) {
        append16(tag.group)
        append16(tag.element)
    }

    /// The VR written for an element: sequences are SQ whatever they were read as.
    func writtenVR(_ element: DataElement) -> VR {
        if case .sequence = element.value { return .SQ }
        return element.vr
    }

    func header(_ tag: Tag, vr: VR, length: UInt32) throws(DICOMError) {
        appendTag(tag)
        guard explicitVR else {
            append32(length)
            return
        }
        sink.bytes.append(contentsOf: vr.rawValue.utf8)
        if vr.hasLongExplicitLength {
            sink.bytes.append(contentsOf: [0, 0])
            append32(length)
        } else {
            guard length <= 0xFFFF else {
                throw DICOMError(
                    .cannotEncode, "a \(vr) value of \(length) bytes does not fit a 16-bit explicit VR length", tag: tag,
                    remedy: "use implicit VR little endian, or a VR with a 32-bit length")
            }
            append16(UInt16(length))
        }
    }

    func checkedLength(_ count: Int, tag: Tag) throws(DICOMError) -> UInt32 {
        guard count < Int(Self.undefinedLength) else {
            throw DICOMError(.cannotEncode, "a value of \(count) bytes exceeds the 32-bit length field", tag: tag)
        }
        return UInt32(count)
    }

    func write(_ element: DataElement) throws(DICOMError) {
        let tag = element.tag
        // Items and delimiters are written by the sequence and fragment encoders; group FFFE has no other
        // elements and no encoding for them (PS3.5 §7.5), so a reader could not read one back.
        guard tag.group != 0xFFFE else {
            throw DICOMError(
                .cannotEncode, "group FFFE holds only items and delimiters (PS3.5 §7.5), not data elements", tag: tag,
                remedy: "remove the element")
        }
        // Readers take (0000,0000) in a data set for zero padding (lenient reading, like pydicom, skips runs of
        // zero bytes), so a value written under it would be read as elements (found by fuzzing).
        guard tag.rawValue != 0 else {
            throw DICOMError(
                .cannotEncode, "(0000,0000) in a data set is read back as padding, not as an element", tag: tag,
                remedy: "remove the element")
        }
        let vr = writtenVR(element)
        switch element.value {
        case .bytes(let bytes):
            let padded = bytes.count + (bytes.count & 1)
            try header(tag, vr: vr, length: try checkedLength(padded, tag: tag))
            let unit = bigEndian ? ByteOrder.swapUnit(for: vr) : 1
            if unit > 1 {
                var swapped = bytes
                ByteOrder.swap(&swapped, unit: unit)
                sink.bytes.append(contentsOf: swapped)
            } else {
                sink.bytes.append(contentsOf: bytes)
            }
            if padded != bytes.count { sink.bytes.append(vr.paddingByte) }
        case .deferred(let deferred):
            let padded = deferred.length + (deferred.length & 1)
            try header(tag, vr: vr, length: try checkedLength(padded, tag: tag))
            let wanted = bigEndian ? ByteOrder.swapUnit(for: vr) : 1
            // Swap when the stored order differs from the one written.
            let swapUnit = deferred.byteSwapUnit > 1 ? (wanted > 1 ? 1 : deferred.byteSwapUnit) : wanted
            try copy(deferred, swapUnit: swapUnit)
            if padded != deferred.length { sink.bytes.append(vr.paddingByte) }
        case .sequence(let items):
            if sequenceLength == .defined {
                try header(tag, vr: .SQ, length: try checkedLength(try contentLength(ofSequence: items, tag: tag), tag: tag))
                for item in items {
                    appendTag(.item)
                    append32(try checkedLength(try contentLength(of: item), tag: tag))
                    for child in item { try write(child) }
                }
            } else {
                try header(tag, vr: .SQ, length: Self.undefinedLength)
                for item in items {
                    appendTag(.item)
                    append32(Self.undefinedLength)
                    for child in item { try write(child) }
                    appendTag(.itemDelimitationItem)
                    append32(0)
                }
                appendTag(.sequenceDelimitationItem)
                append32(0)
            }
        case .fragments(let data):
            guard explicitVR || !bigEndian else {
                throw DICOMError(.cannotEncode, "encapsulated data needs a little-endian transfer syntax", tag: tag)
            }
            try header(tag, vr: vr == .OW ? .OW : .OB, length: Self.undefinedLength)
            let table = data.basicOffsetTable
            appendTag(.item)
            append32(try checkedLength(table.count + (table.count & 1), tag: tag))
            sink.bytes.append(contentsOf: table)
            if table.count & 1 == 1 { sink.bytes.append(0) }
            for fragment in data.fragments {
                let padded = fragment.length + (fragment.length & 1)
                appendTag(.item)
                append32(try checkedLength(padded, tag: tag))
                switch fragment {
                case .bytes(let bytes): sink.bytes.append(contentsOf: bytes)
                case .deferred(let deferred): try copy(deferred, swapUnit: 1)
                }
                if padded != fragment.length { sink.bytes.append(0) }
                try sink.flushIfFull()
            }
            appendTag(.sequenceDelimitationItem)
            append32(0)
        }
        try sink.flushIfFull()
    }

    /// Copies a deferred value from its source file in chunks, swapping by `swapUnit` when it is above 1.
    func copy(_ deferred: DeferredValue, swapUnit: Int) throws(DICOMError) {
        let reader = try FileRangeReader(path: deferred.path)
        var done = 0
        // Bytes that need no swapping go from file to file inside the kernel, after the bytes gathered so far.
        if swapUnit <= 1, let output = sink.output {
            try sink.flush()
            done = try output.appendInKernel(from: reader, offset: deferred.offset, length: deferred.length)
        }
        // A chunk size that is a multiple of every swap unit.
        let chunk = DICOMWriter.copyChunkSize
        while done < deferred.length {
            let count = min(chunk, deferred.length - done)
            let start = sink.bytes.count
            sink.bytes.append(contentsOf: repeatElement(0, count: count))
            var failure: DICOMError?
            sink.bytes.withUnsafeMutableBytes { raw in
                let target = UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + count)])
                do throws(DICOMError) {
                    try reader.read(into: target, at: deferred.offset + done)
                    if swapUnit > 1 { ByteOrder.swap(target, unit: swapUnit) }
                } catch { failure = error }
            }
            if let failure { throw failure }
            done += count
            try sink.flushIfFull()
        }
    }

    // MARK: Defined lengths

    func contentLength(of item: Dataset) throws(DICOMError) -> Int {
        var total = 0
        for element in item { total &+= try encodedLength(of: element) }
        return total
    }

    func contentLength(ofSequence items: [Dataset], tag: Tag) throws(DICOMError) -> Int {
        var total = 0
        for item in items { total &+= 8 &+ (try contentLength(of: item)) }
        return total
    }

    func encodedLength(of element: DataElement) throws(DICOMError) -> Int {
        let vr = writtenVR(element)
        let headerSize = explicitVR && vr.hasLongExplicitLength ? 12 : 8
        switch element.value {
        case .bytes(let bytes): return headerSize &+ bytes.count &+ (bytes.count & 1)
        case .deferred(let deferred): return headerSize &+ deferred.length &+ (deferred.length & 1)
        case .sequence(let items):
            let content = try contentLength(ofSequence: items, tag: element.tag)
            return sequenceLength == .defined ? headerSize &+ content : headerSize &+ content &+ items.count &* 8 &+ 8
        case .fragments(let data):
            var total = headerSize &+ 8 &+ data.basicOffsetTable.count &+ (data.basicOffsetTable.count & 1) &+ 8
            for fragment in data.fragments { total &+= 8 &+ fragment.length &+ (fragment.length & 1) }
            return total
        }
    }
}
