/// A Person Name (PN) value: up to three component groups, each of up to five components (PS3.5 §6.2.1).
///
/// The groups are, in order, the alphabetic, ideographic and phonetic representations, separated by `=`;
/// the components of a group are family name, given name, middle name, prefix and suffix, separated by `^`.
/// The original text is kept, so ``description`` gives back exactly what was parsed.
///
/// ```swift
/// let name = PersonName(parsing: "Yamada^Tarou=山田^太郎=やまだ^たろう")
/// name.alphabetic.familyName       // "Yamada"
/// name.ideographic.givenName       // "太郎"
/// name.jsonComponents              // ["Alphabetic": "Yamada^Tarou", "Ideographic": "山田^太郎", "Phonetic": "やまだ^たろう"]
/// ```
public struct PersonName: Sendable, Hashable, CustomStringConvertible {
    /// One component group: the five components of PS3.5 §6.2.1.1 separated by `^`.
    public struct ComponentGroup: Sendable, Hashable, CustomStringConvertible {
        /// The group's text as given, e.g. `Adams^John Robert Quincy^^Rev.^B.A. M.Div.`.
        public let description: String

        /// Wraps the text of one group (no `=` inside).
        public init(_ text: String) { description = text }

        /// Builds a group from its components, leaving out trailing empty ones (PS3.5 §6.2.1.1).
        public init(familyName: String = "", givenName: String = "", middleName: String = "",
                    namePrefix: String = "", nameSuffix: String = "") {
            var parts = [familyName, givenName, middleName, namePrefix, nameSuffix]
            while parts.last == "" { parts.removeLast() }
            description = parts.joined(separator: "^")
        }

        /// The five components; missing ones are empty. Any `^` beyond the fourth stays in the suffix.
        public var components: [String] {
            var parts = description.split(separator: "^", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            while parts.count < 5 { parts.append("") }
            return parts
        }

        /// Family name complex (component 1).
        public var familyName: String { components[0] }
        /// Given name complex (component 2).
        public var givenName: String { components[1] }
        /// Middle name (component 3).
        public var middleName: String { components[2] }
        /// Name prefix, e.g. a title (component 4).
        public var namePrefix: String { components[3] }
        /// Name suffix (component 5).
        public var nameSuffix: String { components[4] }
        /// Whether every component is empty.
        public var isEmpty: Bool { description.allSatisfy { $0 == "^" } }
    }

    /// The component groups as written, at most three (extra `=` stay in the phonetic group).
    public let groups: [ComponentGroup]

    /// Parses the text of one PN value (one value of a multi-valued element, already decoded).
    public init(parsing text: String) {
        groups = text.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false).map {
            ComponentGroup(String($0))
        }
    }

    /// Builds a name from its groups; trailing empty groups are left out.
    public init(alphabetic: ComponentGroup, ideographic: ComponentGroup = .init(""), phonetic: ComponentGroup = .init("")) {
        var parts = [alphabetic, ideographic, phonetic]
        while parts.count > 1, let last = parts.last, last.description.isEmpty { parts.removeLast() }
        groups = parts
    }

    /// The alphabetic (single-byte) representation, group 1.
    public var alphabetic: ComponentGroup { groups.first ?? ComponentGroup("") }
    /// The ideographic representation, group 2; empty when absent.
    public var ideographic: ComponentGroup { groups.count > 1 ? groups[1] : ComponentGroup("") }
    /// The phonetic representation, group 3; empty when absent.
    public var phonetic: ComponentGroup { groups.count > 2 ? groups[2] : ComponentGroup("") }

    /// The value text, exactly as parsed.
    public var description: String { groups.map(\.description).joined(separator: "=") }

    /// The DICOM JSON form of the name (PS3.18 §F.2.2), as pydicom's `to_json_dict()` writes it.
    ///
    /// Trailing empty groups are dropped; then `Alphabetic` is always present and `Ideographic` and
    /// `Phonetic` whenever a later group exists, even if empty (pydicom keeps those). An empty name gives
    /// an empty dictionary.
    public var jsonComponents: [String: String] {
        var texts = groups.map(\.description)
        while let last = texts.last, last.isEmpty { texts.removeLast() }
        var result: [String: String] = [:]
        for (key, text) in zip(["Alphabetic", "Ideographic", "Phonetic"], texts) { result[key] = text }
        return result
    }

    /// Reads the DICOM JSON form (PS3.18 §F.2.2): keys `Alphabetic`, `Ideographic`, `Phonetic`.
    public init(jsonComponents: [String: String]) {
        self.init(
            alphabetic: ComponentGroup(jsonComponents["Alphabetic"] ?? ""),
            ideographic: ComponentGroup(jsonComponents["Ideographic"] ?? ""),
            phonetic: ComponentGroup(jsonComponents["Phonetic"] ?? ""))
    }
}
