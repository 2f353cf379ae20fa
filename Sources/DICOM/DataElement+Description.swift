/// Descriptions that show structure but never values (values may be patient data).
///
/// `print(element)` gives `(0010,0010) PN, 8 bytes`; use ``Dataset/dump(maxValueCharacters:maxValues:)``
/// to see values on purpose.
extension DataElement: CustomStringConvertible, CustomDebugStringConvertible {
    /// `(gggg,eeee) VR, N bytes` (or `N items`), without the value.
    public var description: String {
        switch value {
        case .sequence(let items): "\(tag) \(vr), \(items.count) items"
        case .fragments(let data): "\(tag) \(vr), \(data.fragments.count) fragments"
        case .bytes, .deferred: "\(tag) \(vr), \(valueLength) bytes"
        }
    }

    /// Same as ``description``: no values.
    public var debugDescription: String { description }
}

extension DataElement.Value: CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind and size of the value, never its bytes.
    public var description: String {
        switch self {
        case .bytes(let bytes): "bytes(\(bytes.count))"
        case .sequence(let items): "sequence(\(items.count) items)"
        case .fragments(let data): "fragments(\(data.fragments.count))"
        case .deferred(let deferred): "deferred(\(deferred.length) bytes at \(deferred.offset))"
        }
    }

    /// Same as ``description``: no values.
    public var debugDescription: String { description }
}

extension Dataset: CustomStringConvertible, CustomDebugStringConvertible {
    /// `Dataset(N elements: (0008,0016) UI, …)` with tags and VRs only.
    public var description: String {
        "Dataset(\(count) elements: " + map { "\($0.tag) \($0.vr)" }.joined(separator: ", ") + ")"
    }

    /// Same as ``description``: no values.
    public var debugDescription: String { description }
}

extension DICOMFile: CustomStringConvertible, CustomDebugStringConvertible {
    /// The transfer syntax and element counts, without values.
    public var description: String {
        "DICOMFile(\(transferSyntax), \(fileMeta.count) meta elements, \(dataset.count) elements, \(warnings.count) warnings)"
    }

    /// Same as ``description``: no values.
    public var debugDescription: String { description }
}
