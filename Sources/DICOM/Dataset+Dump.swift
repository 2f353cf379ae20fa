/// A dcmdump-like text listing of a data set.
///
/// - Warning: the listing shows element values, which may be patient data. Do not log it; show it only
///   to a user who may see the file.
///
/// ```swift
/// print(dataset.dump())
/// // (0010,0010) PN [Doe^John]  # 8, 1 PatientName
/// // (0040,0275) SQ (Sequence #=1)  # 1, 1 RequestAttributesSequence
/// //   (FFFE,E000) na (Item #=2)
/// //     (0040,0007) LO [Chest]  # 6, 1 ScheduledProcedureStepDescription
/// ```
extension Dataset {
    /// The listing: one line per element, nested items indented by two spaces.
    ///
    /// - Parameters:
    ///   - maxValueCharacters: longer values are cut and end in `...`.
    ///   - maxValues: binary values show at most this many numbers.
    public func dump(maxValueCharacters: Int = 64, maxValues: Int = 16) -> String {
        var lines: [String] = []
        appendDump(to: &lines, indent: 0, maxValueCharacters: maxValueCharacters, maxValues: maxValues)
        return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }

    private func appendDump(to lines: inout [String], indent: Int, maxValueCharacters: Int, maxValues: Int) {
        let pad = String(repeating: " ", count: indent)
        let terms = characterSetTerms
        for element in self {
            let keyword = element.keyword.isEmpty ? (element.tag.isPrivate ? "PrivateTag" : "Unknown") : element.keyword
            switch element.value {
            case .sequence(let items):
                lines.append("\(pad)\(element.tag) SQ (Sequence #=\(items.count))  # \(items.count), 1 \(keyword)")
                for item in items {
                    lines.append("\(pad)  (FFFE,E000) na (Item #=\(item.count))")
                    item.appendDump(to: &lines, indent: indent + 4, maxValueCharacters: maxValueCharacters, maxValues: maxValues)
                }
            case .fragments(let data):
                lines.append(
                    "\(pad)\(element.tag) \(element.vr) (PixelSequence #=\(data.fragments.count + 1))  # u/l, 1 \(keyword)")
                lines.append("\(pad)  (FFFE,E000) pi (offset table)  # \(data.basicOffsetTable.count)")
                for fragment in data.fragments {
                    lines.append("\(pad)  (FFFE,E000) pi (fragment)  # \(fragment.length)")
                }
            case .deferred(let deferred):
                lines.append("\(pad)\(element.tag) \(element.vr) (not loaded)  # \(deferred.length), 1 \(keyword)")
            case .bytes(let bytes):
                let (text, multiplicity) = Dataset.describe(
                    element, bytes: bytes, terms: terms, maxValues: maxValues)
                var shown = text
                if shown.count > maxValueCharacters { shown = String(shown.prefix(maxValueCharacters)) + "..." }
                lines.append("\(pad)\(element.tag) \(element.vr) \(shown)  # \(bytes.count), \(multiplicity) \(keyword)")
            }
        }
    }

    /// The value text and the value multiplicity of a loaded element.
    static func describe(_ element: DataElement, bytes: [UInt8], terms: [String], maxValues: Int) -> (String, Int) {
        if bytes.isEmpty { return ("(no value available)", 0) }
        let vr = element.vr
        if vr.isString {
            let values = element.stringValues { TextDecoding.decode($0, vr: $1, terms: terms) } ?? []
            return ("[" + values.joined(separator: "\\") + "]", values.count)
        }
        func join<T>(_ values: [T]?, _ format: (T) -> String) -> (String, Int) {
            guard let values else { return ("(\(bytes.count) bytes, not a whole number of values)", 1) }
            var parts = values.prefix(maxValues).map(format)
            if values.count > maxValues { parts.append("...") }
            return (parts.joined(separator: "\\"), values.count)
        }
        switch vr {
        case .US: return join(element.uint16s) { String($0) }
        case .SS: return join(element.int16s) { String($0) }
        case .UL: return join(element.uint32s) { String($0) }
        case .SL: return join(element.int32s) { String($0) }
        case .UV: return join(element.uint64s) { String($0) }
        case .SV: return join(element.int64s) { String($0) }
        case .FL: return join(element.float32s) { String($0) }
        case .FD: return join(element.float64s) { String($0) }
        case .AT: return join(element.tags) { $0.description }
        case .OW:
            let (text, _) = join(element.uint16s) { hex(UInt64($0), digits: 4) }
            return (text, 1)
        case .OF, .OL:
            let (text, _) = join(element.uint32s) { hex(UInt64($0), digits: 8) }
            return (text, 1)
        case .OD, .OV:
            let (text, _) = join(element.uint64s) { hex($0, digits: 16) }
            return (text, 1)
        default:
            let (text, _) = join(bytes) { hex(UInt64($0), digits: 2) }
            return (text, 1)
        }
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: Swift.max(0, digits - text.count)) + text
    }
}
