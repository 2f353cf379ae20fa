public import Foundation

/// Reads DICOM Part 10 files and bare data sets in any transfer syntax (PS3.10 §7, PS3.5 §7–§10).
///
/// Files larger than 64 KiB are memory-mapped, so with `stopBeforePixels` or a `deferThreshold` only the
/// headers are copied into memory, however large the file (smaller files are read whole). Defective input is refused with a ``DICOMError`` naming
/// the file, tag and byte offset; in `.lenient` mode the defects pydicom tolerates are repaired and
/// recorded as ``DICOMWarning``s instead.
///
/// ```swift
/// var options = DICOMReader.Options(mode: .lenient)
/// options.stopBeforePixels = true
/// let file = try DICOMReader.read(contentsOf: url, options: options)
/// for warning in file.warnings { print(warning) }
/// ```
public enum DICOMReader {
    /// How to read.
    public struct Options: Sendable, Hashable {
        /// Whether defects are errors or warnings.
        public enum Mode: Sendable, Hashable {
            /// Any deviation from PS3.5/PS3.10 throws.
            case strict
            /// Defects pydicom accepts are repaired and recorded as warnings; structural damage still throws.
            case lenient
        }

        /// Strict or lenient; `.strict` by default.
        public var mode: Mode
        /// Stop at the top-level Pixel Data (7FE0,0010), Float (7FE0,0008) or Double Float (7FE0,0009) Pixel Data.
        public var stopBeforePixels: Bool
        /// Values (and fragments) longer than this many bytes are not loaded but kept as ``DeferredValue``s.
        /// Only for files: bytes in memory and deflated data sets are always loaded.
        public var deferThreshold: Int?
        /// The deepest nesting of sequences accepted; capped at 256 to bound stack use.
        public var maxSequenceDepth: Int
        /// The largest inflated size accepted for Deflated Explicit VR Little Endian data (zip-bomb guard).
        public var maxInflatedSize: Int
        /// When set, only these top-level elements (and (0008,0005)) are kept; the others are skipped.
        public var specificTags: Set<Tag>?

        /// Creates options; the defaults are strict, full reading, depth 64, 1 GiB inflated.
        public init(
            mode: Mode = .strict, stopBeforePixels: Bool = false, deferThreshold: Int? = nil,
            maxSequenceDepth: Int = 64, maxInflatedSize: Int = 1 << 30, specificTags: Set<Tag>? = nil
        ) {
            self.mode = mode
            self.stopBeforePixels = stopBeforePixels
            self.deferThreshold = deferThreshold
            self.maxSequenceDepth = maxSequenceDepth
            self.maxInflatedSize = maxInflatedSize
            self.specificTags = specificTags
        }

        /// Strict defaults.
        public static let strict = Options()
        /// Lenient defaults.
        public static let lenient = Options(mode: .lenient)

        var effectiveMaxSequenceDepth: Int { min(max(maxSequenceDepth, 0), 256) }
    }

    /// Reads the file at `url`.
    ///
    /// - Parameters:
    ///   - url: a file URL.
    ///   - options: strictness, pixel data and deferral settings.
    /// - Returns: the preamble, file meta group, data set and transfer syntax.
    /// - Throws: ``DICOMError`` naming the file, tag and offset when the file cannot be read or is not
    ///   valid DICOM for the chosen mode.
    public static func read(contentsOf url: URL, options: Options = .strict) throws(DICOMError) -> DICOMFile {
        try read(path: url.path, options: options)
    }

    /// Reads the file at `path`; see ``read(contentsOf:options:)``.
    public static func read(path: String, options: Options = .strict) throws(DICOMError) -> DICOMFile {
        if options.stopBeforePixels, let file = try readHeaderPrefix(path: path, options: options) { return file }
        let mapped = try MappedFile(path: path)
        return try mapped.withUnsafeBytes { (buffer) throws(DICOMError) -> DICOMFile in
            try parse(buffer, fileName: path, deferSource: path, options: options)
        }
    }

    /// Bytes read from the start of a file when only its header is wanted: a first read, and a second, longer
    /// one when the header did not end within the first.
    static let headerPrefixes = [8 * 1024, 64 * 1024]
    /// Files up to this size are read whole when only their header is wanted (one read, never a second).
    static let wholeFileLimit = 32 * 1024

    /// With `stopBeforePixels`, most headers end in the file's first kilobytes: read those alone (one `pread`
    /// instead of mapping the file) and keep the result if parsing reached the pixel data without running out
    /// of bytes; then a longer prefix; otherwise `nil`, and the caller reads the whole file. A file no longer
    /// than ``wholeFileLimit`` (or than the prefix) is parsed whole here (read once).
    static func readHeaderPrefix(path: String, options: Options) throws(DICOMError) -> DICOMFile? {
        for prefix in headerPrefixes {
            let head = try MappedFile(path: path, prefix: prefix, wholeUpTo: wholeFileLimit)
            guard head.isPrefix else {
                // The prefix is the whole file: parse it here rather than have the caller read the file again.
                return try head.withUnsafeBytes { (buffer) throws(DICOMError) -> DICOMFile in
                    try parse(buffer, fileName: path, deferSource: path, options: options)
                }
            }
            let file: DICOMFile
            do {
                file = try head.withUnsafeBytes { (buffer) throws(DICOMError) -> DICOMFile in
                    try parse(buffer, fileName: path, deferSource: path, options: options)
                }
            } catch {
                continue  // a longer prefix, or the whole file, decides, and reports its own error
            }
            if file.stoppedBeforePixels, !file.warnings.contains(where: { $0.code == .truncated }) { return file }
        }
        return nil
    }

    /// Reads a Part 10 file (or, in lenient mode, a bare data set) held in memory.
    ///
    /// - Throws: ``DICOMError`` as ``read(contentsOf:options:)`` does, without a file name.
    public static func read(bytes: [UInt8], options: Options = .strict) throws(DICOMError) -> DICOMFile {
        try withBuffer(bytes) { (buffer) throws(DICOMError) -> DICOMFile in
            try parse(buffer, fileName: nil, deferSource: nil, options: options)
        }
    }

    /// Reads a Part 10 file held in `data`; see ``read(bytes:options:)``.
    public static func read(data: Data, options: Options = .strict) throws(DICOMError) -> DICOMFile {
        var result: Result<DICOMFile, DICOMError> = .failure(DICOMError(.internalError, "no data read"))
        data.withUnsafeBytes { buffer in
            result = Result { () throws(DICOMError) -> DICOMFile in
                try parse(buffer, fileName: nil, deferSource: nil, options: options)
            }
        }
        return try result.get()
    }

    /// Reads a bare data set (no preamble, no file meta group) in a known transfer syntax, such as one
    /// received over the network (PS3.7 §6.3.1).
    ///
    /// - Throws: ``DICOMError`` when the data set is malformed for the chosen mode.
    public static func readDataset(
        bytes: [UInt8], transferSyntax: TransferSyntax, options: Options = .strict
    ) throws(DICOMError) -> (dataset: Dataset, warnings: [DICOMWarning]) {
        try withBuffer(bytes) { (buffer) throws(DICOMError) -> (dataset: Dataset, warnings: [DICOMWarning]) in
            var warnings: [DICOMWarning] = []
            let (dataset, _) = try readBody(
                buffer, from: 0, transferSyntax: transferSyntax, fileName: nil, deferSource: nil, options: options,
                warnings: &warnings)
            return (dataset, warnings)
        }
    }

    // MARK: Implementation

    static func withBuffer<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(DICOMError) -> T)
        throws(DICOMError) -> T
    {
        var result: Result<T, DICOMError> = .failure(DICOMError(.internalError, "no data read"))
        bytes.withUnsafeBytes { buffer in
            result = Result { () throws(DICOMError) -> T in try body(buffer) }
        }
        return try result.get()
    }

    static let dicmPrefix: [UInt8] = Array("DICM".utf8)

    static func hasPrefix(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard buffer.count - offset >= 4, offset >= 0 else { return false }
        return buffer[offset] == 0x44 && buffer[offset + 1] == 0x49 && buffer[offset + 2] == 0x43
            && buffer[offset + 3] == 0x4D
    }

    static func parse(
        _ buffer: UnsafeRawBufferPointer, fileName: String?, deferSource: String?, options: Options
    ) throws(DICOMError) -> DICOMFile {
        var warnings: [DICOMWarning] = []
        func tolerate(_ code: DICOMError.Code, _ reason: String, tag: Tag? = nil, at offset: Int, remedy: String)
            throws(DICOMError)
        {
            guard options.mode == .lenient else {
                throw DICOMError(code, reason, file: fileName, tag: tag, offset: offset, remedy: remedy)
            }
            warnings.append(DICOMWarning(code, reason, tag: tag, offset: offset))
        }

        // PS3.10 §7.1: 128-byte preamble, then "DICM".
        var position = 0
        var preamble: [UInt8]?
        if hasPrefix(buffer, at: 128) {
            preamble = Array(UnsafeRawBufferPointer(rebasing: buffer[0..<128]))
            position = 132
        } else if hasPrefix(buffer, at: 0) {
            try tolerate(
                .notDICOM, "the file has no 128-byte preamble before DICM", at: 0,
                remedy: "use .lenient to read files without a preamble")
            position = 4
        } else {
            try tolerate(
                .notDICOM, "no DICM prefix at byte 128: not a DICOM Part 10 file", at: 128,
                remedy: "use .lenient to read files without a preamble or file meta information")
        }

        // File Meta Information: group 0002, explicit VR little endian (PS3.10 §7.1).
        var meta = Dataset()
        let metaStart = position
        if buffer.count - position >= 8,
            UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt16.self)) == 0x0002
        {
            if let (declared, declaredWarnings, end) = readFileMetaToGroupLength(
                buffer, from: position, fileName: fileName, options: options)
            {
                meta = declared
                warnings += declaredWarnings
                position = end
            } else {
                var stream = ElementStream(
                    buffer: buffer, position: position, bigEndian: false, explicitVR: true, options: options,
                    fileName: fileName, deferSource: nil)
                meta = try stream.readDataset(end: buffer.count, depth: 0, inherited: [], context: .fileMeta)
                warnings += stream.warnings
                position = stream.position
            }
            try checkGroupLength(
                meta, metaStart: metaStart, metaEnd: position, fileName: fileName, tolerate: tolerate)
        } else {
            try tolerate(
                .invalidFileMeta, "the file has no File Meta Information group (0002)", at: position,
                remedy: "use .lenient to read data sets without file meta information")
        }

        // Transfer syntax.
        let transferSyntax: TransferSyntax
        if let element = meta[.transferSyntaxUID], case .bytes(let bytes) = element.value {
            let uid = TransferSyntax.trim(String(decoding: bytes, as: UTF8.self))
            if let known = TransferSyntax(uid: uid) {
                transferSyntax = known
            } else {
                try tolerate(
                    .unsupportedTransferSyntax,
                    "unknown transfer syntax UID; read as explicit VR little endian with encapsulated pixel data",
                    tag: .transferSyntaxUID, at: metaStart,
                    remedy: "use .lenient to read it as explicit VR little endian with encapsulated pixel data")
                transferSyntax = TransferSyntax.assumingEncapsulated(uid: uid)
            }
        } else {
            if !meta.isEmpty {
                try tolerate(
                    .invalidFileMeta, "the file meta information has no Transfer Syntax UID (0002,0010)",
                    tag: .transferSyntaxUID, at: metaStart,
                    remedy: "use .lenient to guess the transfer syntax from the data set")
            }
            transferSyntax = guessTransferSyntax(buffer, at: position)
            warnings.append(
                DICOMWarning(
                    .invalidFileMeta, "transfer syntax guessed from the data set: \(transferSyntax.name)",
                    tag: .transferSyntaxUID, offset: position))
        }

        let (dataset, stopped) = try readBody(
            buffer, from: position, transferSyntax: transferSyntax, fileName: fileName, deferSource: deferSource,
            options: options, warnings: &warnings)
        return DICOMFile(
            preamble: preamble, fileMeta: meta, dataset: dataset, transferSyntax: transferSyntax, warnings: warnings,
            stoppedBeforePixels: stopped)
    }

    /// The File Meta Information read up to the end its group length (0002,0000) gives (PS3.10 §7.1), or `nil`
    /// when that reading does not stand and the group is read element by element while its tags are group 0002.
    ///
    /// The group ends where (0002,0000) says, and what follows is the data set in the transfer syntax the group
    /// names. Reading on while tags look like group 0002 in explicit VR little endian is right only when the
    /// group length is too small (a common defect). In a big-endian data set the bytes `02 00` begin a tag of
    /// group 0200, and a deflated data set begins with a zlib stream, not a tag (PS3.5 §7.3, §A.5); there the
    /// bytes after the group length belong to the data set however they look. So the declared reading stands
    /// when it ends exactly at the group length and either no group 0002 tag (as little endian) follows, or the
    /// transfer syntax read from it is big endian or deflated.
    static func readFileMetaToGroupLength(
        _ buffer: UnsafeRawBufferPointer, from start: Int, fileName: String?, options: Options
    ) -> (Dataset, [DICOMWarning], Int)? {
        // (0002,0000) UL with a 4-byte value: 12 bytes in explicit VR little endian.
        guard buffer.count - start >= 12,
            UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: start + 2, as: UInt16.self)) == 0x0000,
            buffer[start + 4] == 0x55, buffer[start + 5] == 0x4C,
            UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: start + 6, as: UInt16.self)) == 4
        else { return nil }
        let declared = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: start + 8, as: UInt32.self)))
        guard declared <= buffer.count - start - 12 else { return nil }
        let end = start + 12 + declared
        var stream = ElementStream(
            buffer: buffer, position: start, bigEndian: false, explicitVR: true, options: options,
            fileName: fileName, deferSource: nil)
        let meta: Dataset
        do {
            meta = try stream.readDataset(end: end, depth: 0, inherited: [], context: .fileMeta)
        } catch {
            return nil  // the element-by-element reading decides, and reports its own error
        }
        guard stream.position == end else { return nil }
        let followedByGroup0002 =
            buffer.count - end >= 8
            && UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: end, as: UInt16.self)) == 0x0002
        if followedByGroup0002 {
            guard let element = meta[.transferSyntaxUID], case .bytes(let bytes) = element.value,
                let syntax = TransferSyntax(uid: String(decoding: bytes, as: UTF8.self)),
                !syntax.isLittleEndian || syntax.isDeflated
            else { return nil }
        }
        return (meta, stream.warnings, end)
    }

    /// PS3.10 §7.1: (0002,0000) holds the number of bytes that follow it up to the end of the group.
    static func checkGroupLength(
        _ meta: Dataset, metaStart: Int, metaEnd: Int, fileName: String?,
        tolerate: (DICOMError.Code, String, Tag?, Int, String) throws(DICOMError) -> Void
    ) throws(DICOMError) {
        guard let element = meta[.fileMetaInformationGroupLength] else {
            try tolerate(
                .groupLength, "the file meta information has no group length (0002,0000)",
                .fileMetaInformationGroupLength, metaStart, "use .lenient to read it anyway")
            return
        }
        guard let declared = element.uint32s?.first, meta.first?.tag == .fileMetaInformationGroupLength else {
            try tolerate(
                .groupLength, "the file meta group length (0002,0000) is malformed",
                .fileMetaInformationGroupLength, metaStart, "use .lenient to read it anyway")
            return
        }
        // The group length element itself is 12 bytes in explicit VR little endian.
        let actual = metaEnd - metaStart - 12
        if Int(declared) != actual {
            try tolerate(
                .groupLength,
                "the file meta group length says \(declared) bytes but the group holds \(actual); the elements of group 0002 were read",
                .fileMetaInformationGroupLength, metaStart, "use .lenient to read it anyway")
        }
    }

    /// Guesses the encoding of a data set without a transfer syntax, as pydicom does: valid VR letters at
    /// bytes 4–5 mean explicit VR; a first group number that only makes sense byte-swapped means big endian.
    static func guessTransferSyntax(_ buffer: UnsafeRawBufferPointer, at position: Int) -> TransferSyntax {
        guard buffer.count - position >= 6 else { return .implicitVRLittleEndian }
        guard VR(byte0: buffer[position + 4], byte1: buffer[position + 5]) != nil else {
            return .implicitVRLittleEndian
        }
        let group = UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt16.self))
        return group >= 0x0400 ? .explicitVRBigEndian : .explicitVRLittleEndian
    }

    /// Reads the data set after the file meta group, inflating it first if the syntax is deflated.
    static func readBody(
        _ buffer: UnsafeRawBufferPointer, from position: Int, transferSyntax: TransferSyntax, fileName: String?,
        deferSource: String?, options: Options, warnings: inout [DICOMWarning]
    ) throws(DICOMError) -> (Dataset, Bool) {
        if transferSyntax.isDeflated {
            let inflated: [UInt8]
            do {
                inflated = try LibZ.inflate(UnsafeRawBufferPointer(rebasing: buffer[position...]), limit: options.maxInflatedSize)
            } catch {
                var located = error
                located.file = fileName
                located.offset = position
                throw located
            }
            var result: Result<(Dataset, Bool, [DICOMWarning]), DICOMError> = .failure(
                DICOMError(.internalError, "no data read"))
            inflated.withUnsafeBytes { inner in
                result = Result { () throws(DICOMError) -> (Dataset, Bool, [DICOMWarning]) in
                    var stream = ElementStream(
                        buffer: inner, position: 0, bigEndian: false, explicitVR: true, options: options,
                        fileName: fileName, deferSource: nil, offsetNote: " (offset in the inflated data set)")
                    try checkVRMatches(&stream)
                    let dataset = try stream.readDataset(end: inner.count, depth: 0, inherited: [], context: .topLevel)
                    return (dataset, stream.stoppedBeforePixels, stream.warnings)
                }
            }
            let (dataset, stopped, more) = try result.get()
            warnings += more
            return (dataset, stopped)
        }
        var stream = ElementStream(
            buffer: buffer, position: position, bigEndian: !transferSyntax.isLittleEndian,
            explicitVR: transferSyntax.isExplicitVR, options: options, fileName: fileName, deferSource: deferSource)
        try checkVRMatches(&stream)
        let dataset = try stream.readDataset(end: buffer.count, depth: 0, inherited: [], context: .topLevel)
        warnings += stream.warnings
        return (dataset, stream.stoppedBeforePixels)
    }

    /// Some writers encode implicit VR under an explicit transfer syntax or the reverse; look at the first
    /// element and switch, as pydicom does (lenient) or refuse (strict).
    static func checkVRMatches(_ stream: inout ElementStream) throws(DICOMError) {
        let position = stream.position
        guard stream.buffer.count - position >= 6 else { return }
        let looksExplicit = VR(byte0: stream.buffer[position + 4], byte1: stream.buffer[position + 5]) != nil
        guard looksExplicit != stream.explicitVR else { return }
        let tag = stream.tag(at: position)
        if looksExplicit {
            try stream.tolerate(
                .invalidVR, "the transfer syntax is implicit VR but the data set is explicit VR; read as explicit",
                tag: tag, at: position)
        } else {
            try stream.tolerate(
                .invalidVR, "the transfer syntax is explicit VR but the data set is implicit VR; read as implicit",
                tag: tag, at: position)
        }
        stream.explicitVR = looksExplicit
    }
}
