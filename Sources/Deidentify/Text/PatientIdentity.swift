import Foundation
public import DICOM

/// The known identifiers of one patient, gathered from their DICOM and FHIR data, so that every document linked
/// to the patient can be scrubbed of them wherever they appear (45 CFR §164.514(b)(2)(i)).
///
/// Values are normalised when added and matched exactly on normalised tokens: names case- and
/// diacritic-insensitively word by word (`"Müller"` also matches `"MULLER"`, `"muller"` and `"Mueller"`), so
/// `"Family, Given"`, `"Given Family"`, `"FAMILY^GIVEN"` and `"given family"` are all found (names in scripts
/// written without spaces, such as `山田^太郎`, anywhere in a text, whole or family and given joined); identifiers, phone
/// numbers, e-mail addresses and address parts on their letters and digits only, so `"(617) 555-0123"`,
/// `"617.555.0123"` and `"6175550123"` are one number. A match never starts or ends inside a longer word or number.
///
/// Initials are handled carefully: a single letter is never matched alone, only next to a matched name
/// (`"J. Smith"`, `"Smith, J"`), and only if it is the initial of one of the patient's names. Name particles
/// (`van`, `de`, `al`, …) are matched only next to a matched name. Identifiers shorter than
/// ``minimumIdentifierLength`` are not searched for in free text.
///
/// ```swift
/// var identity = PatientIdentity()
/// identity.add(personName: PersonName(parsing: "MÜLLER^HANS"))
/// identity.addIdentifier("MRN-0042-77")
/// identity.addPhone("+1 (617) 555-0123")
/// identity.addBirthDate(DICOMDate(year: 1951, month: 3, day: 14)!)
/// let scrubber = TextScrubber(identity: identity, dateShift: shift)
/// scrubber.scrub("hans muller, mrn 0042 77").text   // "[NAME], mrn [ID]"
/// ```
public struct PatientIdentity: Sendable, Hashable {
    /// Identifiers with fewer letters and digits than this are not searched for in free text (too many false hits).
    public static let minimumIdentifierLength = 4
    /// Phone numbers with fewer digits than this are not searched for.
    public static let minimumPhoneDigits = 7

    /// What kind of value a normalised phrase is, which decides its surrogate.
    enum PhraseKind: Int, Sendable, Hashable, Comparable {
        case identifier, phone, email, address, city, postalCode, birthDate, institution

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A normalised value: folded letters and digits only.
    struct Phrase: Sendable, Hashable {
        var normalized: String
        var kind: PhraseKind
    }

    private(set) var nameWords: Set<String> = []
    private(set) var particleWords: Set<String> = []
    private(set) var initials: Set<String> = []
    /// Names in scripts written without spaces (``TextFolding/isUnspacedScript(_:)``), as written (NFC and NFD),
    /// with the family and given names also joined in both orders: found anywhere in a text, not word by word.
    /// Kept as UTF-16 units, because strings that are canonically equivalent compare equal and a set of strings
    /// would keep only one of the two forms.
    private(set) var unspacedNames: Set<[UInt16]> = []
    private(set) var phrases: Set<Phrase> = []
    private(set) var birthDates: Set<DICOMDate> = []

    /// Creates an empty identity (matches nothing).
    public init() {}

    /// Whether nothing is known.
    public var isEmpty: Bool { nameWords.isEmpty && unspacedNames.isEmpty && phrases.isEmpty && birthDates.isEmpty }

    /// Adds every value of `other`.
    public mutating func formUnion(_ other: PatientIdentity) {
        nameWords.formUnion(other.nameWords)
        particleWords.formUnion(other.particleWords)
        initials.formUnion(other.initials)
        unspacedNames.formUnion(other.unspacedNames)
        phrases.formUnion(other.phrases)
        birthDates.formUnion(other.birthDates)
    }

    // MARK: Names

    /// Adds a name written any way: `"Given Family"`, `"Family, Given"`, `"FAMILY^GIVEN^MIDDLE"`, with or without
    /// diacritics. Each word becomes a matchable name; titles and suffixes (`Dr`, `Jr`, `MD`) are ignored.
    public mutating func addName(_ name: String) {
        addNameWords(of: name)
        if name.utf8.contains(where: { $0 >= 0x80 }), name.unicodeScalars.contains(where: { Self.umlauts[$0] != nil }) {
            var variant = ""
            for scalar in name.unicodeScalars {
                if let spelled = Self.umlauts[scalar] { variant += spelled } else { variant.unicodeScalars.append(scalar) }
            }
            addNameWords(of: variant)
        }
    }

    /// Adds a name given by its parts (FHIR HumanName `family` and `given`, DICOM PN components). In scripts
    /// written without spaces the parts are also added joined, family first and given first (`山田太郎`,
    /// `太郎山田`), so that a one-character family or given name is found as part of the whole name.
    public mutating func addName(family: String?, given: [String] = []) {
        if let family { addName(family) }
        for part in given { addName(part) }
        let parts = ([family ?? ""] + given).map { TextFolding.letterRuns($0).joined() }.filter { !$0.isEmpty }
        guard parts.count > 1, parts.contains(where: { $0.unicodeScalars.contains(where: TextFolding.isUnspacedScript) })
        else { return }
        addUnspacedName(parts.joined())
        addUnspacedName((parts.dropFirst() + [parts[0]]).joined())
    }

    /// Adds every component group of a DICOM Person Name (PS3.5 §6.2.1): family, given, middle names; prefix and
    /// suffix are kept out (they are titles).
    public mutating func add(personName: PersonName) {
        for group in personName.groups where !group.isEmpty {
            addName(family: group.familyName, given: [group.givenName, group.middleName])
        }
    }

    private mutating func addNameWords(of text: String) {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else {
            for word in TextFolding.nameWords(text) { addNameWord(word) }
            return
        }
        for run in TextFolding.letterRuns(text) {
            if run.unicodeScalars.contains(where: TextFolding.isUnspacedScript) {
                addUnspacedName(run)
            } else {
                addNameWord(TextFolding.folded(run))
            }
        }
    }

    /// Adds one folded word of a name: an initial, a particle or a name word.
    private mutating func addNameWord(_ word: String) {
        if Self.titlesAndSuffixes.contains(word) { return }
        if word.count == 1 {
            initials.insert(word)
        } else if Self.particles.contains(word) {
            particleWords.insert(word)
        } else {
            nameWords.insert(word)
            if let first = word.first { initials.insert(String(first)) }
        }
    }

    /// Adds a name in a script written without spaces, in both canonical forms (Hangul syllables decompose).
    private mutating func addUnspacedName(_ name: String) {
        unspacedNames.insert(Array(name.precomposedStringWithCanonicalMapping.utf16))
        unspacedNames.insert(Array(name.decomposedStringWithCanonicalMapping.utf16))
    }

    // MARK: Other identifiers

    /// Adds an identifier (Patient ID, Other Patient IDs, MRN, account or insurance number): matched on its
    /// letters and digits, whatever the punctuation around them.
    public mutating func addIdentifier(_ identifier: String) {
        add(identifier, kind: .identifier, minimum: Self.minimumIdentifierLength)
    }

    /// Adds a telephone or fax number; the national number without a leading `1` country code is added too.
    public mutating func addPhone(_ phone: String) {
        let digits = TextFolding.alphanumerics(phone).filter(\.isNumber)
        guard digits.count >= Self.minimumPhoneDigits else { return }
        phrases.insert(Phrase(normalized: digits, kind: .phone))
        if digits.count == 11, digits.hasPrefix("1") {
            phrases.insert(Phrase(normalized: String(digits.dropFirst()), kind: .phone))
        }
        if digits.count > 10 {
            // International: the national number as dialled inside the country, with and without a trunk 0, for
            // country codes of one to three digits.
            for codeLength in 1...3 {
                let national = String(digits.dropFirst(codeLength))
                guard national.count >= Self.minimumPhoneDigits else { continue }
                phrases.insert(Phrase(normalized: national, kind: .phone))
                phrases.insert(Phrase(normalized: "0" + national, kind: .phone))
            }
        }
    }

    /// Adds an e-mail address.
    public mutating func addEmail(_ email: String) {
        add(email, kind: .email, minimum: 5)
    }

    /// Adds a postal address by parts (FHIR Address `line`, `city`, `postalCode`; `state` and `country` are not
    /// identifying under Safe Harbor and are not added).
    public mutating func addAddress(lines: [String] = [], city: String? = nil, postalCode: String? = nil) {
        for line in lines { add(line, kind: .address, minimum: 4) }
        if let city { add(city, kind: .city, minimum: 3) }
        if let postalCode { addPostalCode(postalCode) }
    }

    /// Adds a free-text address such as Patient's Address (0010,1040): `"12 Oak Street, Springfield, MA 01101"`.
    /// Each comma- or line-separated part is added; a 5-digit ZIP code found in it is added as a postal code.
    public mutating func addAddress(text: String) {
        add(text, kind: .address, minimum: 4)
        let parts = text.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == "\r" || $0 == "^" })
        for part in parts {
            var words = part.split(separator: " ").map(String.init)
            if let last = words.last, last.count == 5 || last.count == 10, last.prefix(5).allSatisfy(\.isASCIIDigit) {
                addPostalCode(last)
                words.removeLast()
                if let state = words.last, state.count == 2, state.allSatisfy(\.isUppercase) { words.removeLast() }
            }
            let rest = words.joined(separator: " ")
            if rest.count == 2, rest.allSatisfy(\.isUppercase) { continue }  // a state code alone
            add(rest, kind: .address, minimum: 4)
        }
    }

    /// Adds a US ZIP code (5 digits or ZIP+4); other postal codes are added as address text.
    public mutating func addPostalCode(_ code: String) {
        let digits = code.filter(\.isASCIIDigit)
        if digits.count == 5 || digits.count == 9, code.allSatisfy({ $0.isASCIIDigit || $0 == "-" || $0 == " " }) {
            phrases.insert(Phrase(normalized: String(digits.prefix(5)), kind: .postalCode))
        } else {
            add(code, kind: .address, minimum: 4)
        }
    }

    /// Adds the name of the institution or department that holds the patient's records (Institution Name
    /// (0008,0080), Institutional Department Name (0008,1040)): not one of the Safe Harbor identifiers, but with the
    /// rest it narrows down who and where the patient is, and DICOM de-identification removes it too.
    public mutating func addInstitution(_ name: String) {
        add(name, kind: .institution, minimum: 4)
    }

    /// Adds the birth date; it is searched for after dates are shifted, so any form the date patterns miss
    /// (`19510314`, `03141951`, `14031951`) is still removed.
    public mutating func addBirthDate(_ date: DICOMDate) {
        birthDates.insert(date)
        let year = String(date.year), month = Self.padded(date.month), day = Self.padded(date.day)
        for form in [year + month + day, month + day + year, day + month + year] {
            phrases.insert(Phrase(normalized: form, kind: .birthDate))
        }
    }

    /// Adds the patient's identifiers from a DICOM data set (PS3.3 C.7.1.1, C.7.2.1, C.7.3.1, C.7.5.1): Patient's
    /// Name (0010,0010), Other Patient Names (0010,1001), Patient's Birth Name (0010,1005), Patient's Mother's Birth
    /// Name (0010,1060), Patient ID (0010,0020), Other Patient IDs (0010,1000), Medical Record Locator (0010,1090),
    /// Patient's Address (0010,1040), Patient's Telephone Numbers (0010,2154), Patient's Birth Date (0010,0030);
    /// the names of the staff around the study — Referring Physician's Name (0008,0090), Performing Physician's
    /// Name (0008,1050), Name of Physician(s) Reading Study (0008,1060), Operators' Name (0008,1070) — and
    /// Institution Name (0008,0080), Institution Address (0008,0081), Institutional Department Name (0008,1040).
    public mutating func add(dataset: Dataset) {
        for tag in Self.personNameTags {
            for value in dataset.strings(for: tag) ?? [] { add(personName: PersonName(parsing: value)) }
        }
        for tag in Self.identifierTags {
            for value in dataset.strings(for: tag) ?? [] { addIdentifier(value) }
        }
        for tag in Self.addressTags {
            if let address = dataset.string(for: tag) { addAddress(text: address) }
        }
        for value in dataset.strings(for: Self.telephoneTag) ?? [] { addPhone(value) }
        if let text = dataset.string(for: Self.birthDateTag), let date = DICOMDate(parsing: text) { addBirthDate(date) }
        for tag in Self.institutionTags {
            if let name = dataset.string(for: tag) { addInstitution(name) }
        }
    }

    private static let personNameTags = [
        Tag(0x0010_0010), Tag(0x0010_1001), Tag(0x0010_1005), Tag(0x0010_1060), Tag(0x0008_0090), Tag(0x0008_1050),
        Tag(0x0008_1060), Tag(0x0008_1070),
    ]
    private static let identifierTags = [Tag(0x0010_0020), Tag(0x0010_1000), Tag(0x0010_1090)]
    private static let addressTags = [Tag(0x0010_1040), Tag(0x0008_0081)]
    private static let telephoneTag = Tag(0x0010_2154)
    private static let birthDateTag = Tag(0x0010_0030)
    private static let institutionTags = [Tag(0x0008_0080), Tag(0x0008_1040)]

    /// Every element ``add(dataset:)`` reads, with Specific Character Set (0008,0005), which decides how they decode.
    static let datasetSourceTags: [Tag] =
        [Tag(0x0008_0005)] + personNameTags + identifierTags + addressTags + [telephoneTag, birthDateTag] + institutionTags

    /// The bytes ``add(dataset:)`` depends on: the character set the data set inherits, then each element of
    /// ``datasetSourceTags`` that `dataset` holds, as its tag, VR, length and value. Two data sets with the same
    /// key add the same identity (the instances of one patient's study usually do), so an identity can be built
    /// once and looked up by this key. `nil` when one of those elements holds no plain value (a sequence or a
    /// value not yet read), which is never cached.
    static func datasetSourceKey(_ dataset: Dataset) -> [UInt8]? {
        var key: [UInt8] = Array(dataset.inheritedCharacterSetTerms.joined(separator: "\\").utf8) + [0]
        func append(_ value: UInt32) {
            for shift in stride(from: 24, through: 0, by: -8) { key.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        for tag in datasetSourceTags {
            guard let element = dataset.element(for: tag) else { continue }
            guard let bytes = element.bytes else { return nil }
            append(tag.rawValue)
            key.append(contentsOf: element.vr.rawValue.utf8)
            append(UInt32(truncatingIfNeeded: bytes.count))
            key.append(contentsOf: bytes)
        }
        return key
    }

    private mutating func add(_ value: String, kind: PhraseKind, minimum: Int) {
        let normalized = TextFolding.alphanumerics(value)
        guard normalized.count >= minimum else { return }
        phrases.insert(Phrase(normalized: normalized, kind: kind))
    }

    private static func padded(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    private static let umlauts: [Unicode.Scalar: String] = [
        "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
    ]

    /// Words that join the parts of a name and are matched only next to a matched name.
    static let particles: Set<String> = [
        "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ten", "ter", "bin", "ibn",
        "al", "el", "dos", "das", "do", "y", "st", "mc",
    ]

    /// Titles and suffixes in name values, never treated as names.
    static let titlesAndSuffixes: Set<String> = [
        "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "jr", "sr", "ii", "iii", "iv", "md", "phd", "rn", "dds",
    ]
}

extension Character {
    /// Whether this is one of the ASCII digits 0-9.
    var isASCIIDigit: Bool { isASCII && isNumber }
}
