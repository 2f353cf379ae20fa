/// What the data dictionary says about one tag's VR, without the rest of its row: plain values, so looking
/// one up copies no strings or arrays (no reference counting on the reader's path).
struct DictionaryVR: Sendable, Hashable {
    /// The VR listed first (``DictionaryEntry/vr``); UN for items and delimiters.
    let listed: VR
    /// The VR implicit VR data uses: OW for "OB or OW" (PS3.5 §A.1 Note), else the listed VR.
    let implicit: VR
    /// "US or SS": the implicit VR follows Pixel Representation (0028,0103) (PS3.3 C.7.6.3.1).
    let followsPixelRepresentation: Bool

    init(vrs: [VR]) {
        listed = vrs.first ?? .UN
        implicit = vrs.count > 1 && vrs.contains(.OW) ? .OW : listed
        followsPixelRepresentation = vrs.count > 1 && !vrs.contains(.OW) && vrs.contains(.SS)
    }

    /// The VR to read a value with when none is encoded.
    func implicitVR(pixelRepresentation: UInt16) -> VR {
        followsPixelRepresentation ? (pixelRepresentation == 1 ? .SS : .US) : implicit
    }
}

extension DataDictionary {
    /// The tag → VR part of the table, read straight from the generated table's UTF-8 bytes (no strings are
    /// made), sorted for binary search. The reader needs only this; the full ``DictionaryEntry`` table with
    /// keywords and names is built the first time a caller asks for an entry.
    private struct VRIndex: Sendable {
        /// Tags of the exact rows, ascending.
        var tags: [UInt32] = []
        /// `vrs[i]` belongs to `tags[i]`.
        var vrs: [DictionaryVR] = []
        /// `rows[i]`: the UTF-8 offset of `tags[i]`'s line in the generated table.
        var rows: [Int] = []
        /// Repeating-group rows (value, mask, VR, line offset) in table order, as ``entry(for:)`` searches them.
        var repeating: [(value: UInt32, mask: UInt32, vr: DictionaryVR, row: Int)] = []
    }

    private static let vrIndex: VRIndex = {
        var exact: [(tag: UInt32, vr: DictionaryVR, row: Int)] = []
        exact.reserveCapacity(5200)
        var index = VRIndex()
        var table = generatedTable
        table.withUTF8 { bytes in
            var position = 0
            while position < bytes.count {
                var lineEnd = position
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                defer { position = lineEnd + 1 }
                // TAG \t MASK \t VR[/VR…] \t …
                guard lineEnd - position > 18, bytes[position + 8] == 0x09, bytes[position + 17] == 0x09,
                    let value = hexValue(bytes, from: position), let mask = hexValue(bytes, from: position + 9)
                else { continue }
                var vrs: [VR] = []
                var cursor = position + 18
                while cursor + 1 < lineEnd, bytes[cursor] != 0x09 {
                    if let vr = VR(byte0: bytes[cursor], byte1: bytes[cursor + 1]) { vrs.append(vr) }
                    // Past the two letters and the "/" between VRs; "NONE" yields no VR.
                    cursor += 2
                    while cursor < lineEnd, bytes[cursor] != 0x09, bytes[cursor] != 0x2F { cursor += 1 }
                    if cursor < lineEnd, bytes[cursor] == 0x2F { cursor += 1 }
                }
                if mask == 0xFFFF_FFFF {
                    exact.append((value, DictionaryVR(vrs: vrs), position))
                } else {
                    index.repeating.append((value, mask, DictionaryVR(vrs: vrs), position))
                }
            }
        }
        // Later rows win, as in the entry table; the generated table is sorted, so this is a formality.
        exact.sort { $0.tag < $1.tag }
        for row in exact {
            if index.tags.last == row.tag {
                index.vrs[index.vrs.count - 1] = row.vr
                index.rows[index.rows.count - 1] = row.row
            } else {
                index.tags.append(row.tag)
                index.vrs.append(row.vr)
                index.rows.append(row.row)
            }
        }
        return index
    }()

    private static let groupLengthVR = DictionaryVR(vrs: [.UL])
    private static let privateCreatorVR = DictionaryVR(vrs: [.LO])

    /// Eight hex digits at `start`, or `nil`.
    private static func hexValue(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<8 {
            let byte = bytes[start + offset]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The VR facts for `tag`, resolved as ``entry(for:)`` resolves rows: exact rows, then group length
    /// (UL, PS3.5 §7.2), Private Creator (LO, PS3.5 §7.8.1), unknown private tags (`nil`), repeating groups.
    static func vrFacts(for tag: Tag) -> DictionaryVR? {
        switch lookUp(tag) {
        case .exact(let position), .repeating(let position):
            return position.vr
        case .groupLength: return groupLengthVR
        case .privateCreator: return privateCreatorVR
        case .none: return nil
        }
    }

    /// Where `tag` resolves, in the order ``entry(for:)`` resolves it.
    private enum Resolution {
        case exact((vr: DictionaryVR, row: Int))
        case groupLength
        case privateCreator
        case repeating((vr: DictionaryVR, row: Int))
        case none
    }

    private static func lookUp(_ tag: Tag) -> Resolution {
        let index = vrIndex
        let raw = tag.rawValue
        var low = 0
        var high = index.tags.count
        while low < high {
            let mid = (low + high) >> 1
            let midTag = index.tags[mid]
            if midTag == raw { return .exact((index.vrs[mid], index.rows[mid])) }
            if midTag < raw { low = mid + 1 } else { high = mid }
        }
        if tag.isGroupLength { return .groupLength }
        if tag.isPrivateCreator { return .privateCreator }
        if tag.isPrivate { return .none }
        for row in index.repeating where raw & row.mask == row.value { return .repeating((row.vr, row.row)) }
        return .none
    }

    /// The keyword of `tag` — the same as `entry(for: tag)?.keyword` — read from its row of the generated
    /// table without building the entry table: for code that needs the keywords of a few elements per data set.
    ///
    /// ```swift
    /// DataDictionary.keyword(for: .patientName)      // "PatientName"
    /// DataDictionary.keyword(for: Tag(0x0009_0010))  // "" (Private Creator, PS3.5 §7.8.1)
    /// DataDictionary.keyword(for: Tag(0x0009_1001))  // nil
    /// ```
    public static func keyword(for tag: Tag) -> String? {
        let row: Int
        switch lookUp(tag) {
        case .exact(let position), .repeating(let position): row = position.row
        case .groupLength, .privateCreator: return ""
        case .none: return nil
        }
        var table = generatedTable
        return table.withUTF8 { bytes -> String in
            // TAG \t MASK \t VR \t VM \t KEYWORD \t …: the keyword is the fifth field.
            var cursor = row
            var tabs = 0
            while cursor < bytes.count, tabs < 4, bytes[cursor] != 0x0A {
                if bytes[cursor] == 0x09 { tabs += 1 }
                cursor += 1
            }
            guard tabs == 4 else { return "" }
            var end = cursor
            while end < bytes.count, bytes[end] != 0x09, bytes[end] != 0x0A { end += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[cursor..<end]), as: UTF8.self)
        }
    }

    /// The VR the dictionary lists first for `tag` — the same as `entry(for: tag)?.vr` — without building
    /// the entry: a binary search in a table of plain values, for code that looks up a VR per element.
    ///
    /// ```swift
    /// DataDictionary.vr(for: .patientName)           // .PN
    /// DataDictionary.vr(for: Tag(0x0009_0010))       // .LO (Private Creator, PS3.5 §7.8.1)
    /// DataDictionary.vr(for: Tag(0x0009_1001))       // nil (private, meaning set by its creator)
    /// ```
    public static func vr(for tag: Tag) -> VR? { vrFacts(for: tag)?.listed }
}
