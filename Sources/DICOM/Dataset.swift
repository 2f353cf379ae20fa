/// A DICOM data set: data elements kept in ascending tag order (PS3.5 §7.1), looked up by binary search.
///
/// Items of sequences are data sets too. A data set knows the Specific Character Set terms in force:
/// its own (0008,0005) if it has one, otherwise those it inherited from the enclosing data set (PS3.5 §7.5.3).
///
/// ```swift
/// var dataset = Dataset()
/// dataset[.rows] = DataElement(tag: .rows, vr: .US, uint16s: [512])
/// for element in dataset { print(element.tag) }        // tag order
/// dataset.removeElement(for: .rows)
/// ```
public struct Dataset: Sendable, Hashable, RandomAccessCollection {
    /// The elements in ascending tag order.
    public private(set) var elements: [DataElement]
    /// Specific Character Set terms inherited from the enclosing data set, used when this one has no (0008,0005).
    public var inheritedCharacterSetTerms: [String]

    /// Creates an empty data set.
    public init() {
        elements = []
        inheritedCharacterSetTerms = []
    }

    /// Creates a data set from elements in any order; when a tag occurs twice the later element wins.
    public init(_ elements: some Sequence<DataElement>, inheritedCharacterSetTerms: [String] = []) {
        self.inheritedCharacterSetTerms = inheritedCharacterSetTerms
        let given = Array(elements)
        // Elements usually come in tag order already (a data set being rebuilt element by element): then they
        // are taken as they are, without a search and an insertion for each.
        if zip(given, given.dropFirst()).allSatisfy({ $0.tag < $1.tag }) {
            self.elements = given
            return
        }
        self.elements = []
        for element in given { self[element.tag] = element }
    }

    /// Builds from elements already sorted and unique (the reader guarantees it).
    init(sortedElements: [DataElement], inheritedCharacterSetTerms: [String]) {
        self.elements = sortedElements
        self.inheritedCharacterSetTerms = inheritedCharacterSetTerms
    }

    // MARK: Collection

    /// The position of the first element.
    public var startIndex: Int { elements.startIndex }
    /// The position past the last element.
    public var endIndex: Int { elements.endIndex }
    /// The element at a position in tag order.
    public subscript(position: Int) -> DataElement { elements[position] }

    // MARK: Lookup

    /// The position of `tag`, or where it would be inserted.
    private func search(_ tag: Tag) -> (found: Bool, index: Int) {
        var low = 0
        var high = elements.count
        // Fast path: appending in order.
        if let last = elements.last, last.tag < tag { return (false, high) }
        while low < high {
            let mid = (low + high) >> 1
            let midTag = elements[mid].tag.rawValue
            if midTag == tag.rawValue { return (true, mid) }
            if midTag < tag.rawValue { low = mid + 1 } else { high = mid }
        }
        return (false, low)
    }

    /// The element with `tag`, or `nil`.
    public func element(for tag: Tag) -> DataElement? {
        let (found, index) = search(tag)
        return found ? elements[index] : nil
    }

    /// Whether the data set has an element with `tag`.
    public func contains(_ tag: Tag) -> Bool { search(tag).found }

    /// The element with `tag`; setting inserts or replaces it (its tag must equal `tag`), `nil` removes it.
    public subscript(tag: Tag) -> DataElement? {
        get { element(for: tag) }
        set {
            if let newValue {
                precondition(newValue.tag == tag, "Dataset subscript: element tag \(newValue.tag) differs from key \(tag)")
                set(newValue)
            } else {
                removeElement(for: tag)
            }
        }
    }

    /// Inserts `element`, replacing any element with the same tag.
    public mutating func set(_ element: DataElement) {
        let (found, index) = search(element.tag)
        if found { elements[index] = element } else { elements.insert(element, at: index) }
    }

    /// Removes and returns the element with `tag`, if any.
    @discardableResult
    public mutating func removeElement(for tag: Tag) -> DataElement? {
        let (found, index) = search(tag)
        return found ? elements.remove(at: index) : nil
    }

    /// Removes every element for which `shouldRemove` returns `true`.
    public mutating func removeAll(where shouldRemove: (DataElement) throws -> Bool) rethrows {
        try elements.removeAll(where: shouldRemove)
    }

    /// The tags in ascending order.
    public var tags: [Tag] { elements.map(\.tag) }

    // MARK: Text

    /// The Specific Character Set terms in force: this data set's (0008,0005), else the inherited ones
    /// (PS3.5 §6.1.2.5). Empty means the default repertoire.
    public var characterSetTerms: [String] {
        guard let element = element(for: .specificCharacterSet), case .bytes(let bytes) = element.value else {
            return inheritedCharacterSetTerms
        }
        return Dataset.characterSetTerms(from: bytes)
    }

    /// Splits a (0008,0005) value into its terms; the first may be empty (default repertoire, PS3.3 C.12.1.1.2).
    ///
    /// Works on bytes, in one pass: trimming decoded text character by character was slow enough, on a value
    /// padded with thousands of NULs and read again for every nested data set, to time the fuzzer out.
    static func characterSetTerms(from bytes: [UInt8]) -> [String] {
        var terms = bytes.split(separator: 0x5C, omittingEmptySubsequences: false).map { term -> String in
            var slice = term[...]
            while let first = slice.first, first == 0x20 || first == 0x00 { slice = slice.dropFirst() }
            while let last = slice.last, last == 0x20 || last == 0x00 { slice = slice.dropLast() }
            return String(decoding: slice, as: UTF8.self)
        }
        while let last = terms.last, last.isEmpty { terms.removeLast() }
        return terms
    }

    /// The text value of `tag` decoded with this data set's character set, trailing padding removed;
    /// `nil` if absent or not loaded.
    public func string(for tag: Tag) -> String? {
        guard let element = element(for: tag) else { return nil }
        let characterSet = self.characterSet
        return element.stringValue { characterSet.decode($0, vr: $1) }
    }

    /// The backslash-separated values of `tag` decoded with this data set's character set (PS3.5 §6.4).
    public func strings(for tag: Tag) -> [String]? {
        guard let element = element(for: tag) else { return nil }
        let characterSet = self.characterSet
        return element.stringValues { characterSet.decode($0, vr: $1) }
    }

    /// The Specific Character Set in force for this data set's text (PS3.3 C.12.1.1.2): its own
    /// (0008,0005), else the one inherited from the enclosing data set, else the default repertoire.
    public var characterSet: SpecificCharacterSet { SpecificCharacterSet(terms: characterSetTerms) }
}
