/// The eighteen kinds of identifier that the HIPAA Safe Harbor method removes (45 CFR §164.514(b)(2)(i)(A)-(R)),
/// used to report what a scrubber found, by kind and count, never by value.
///
/// Ages over 89 are listed apart from other dates (they fall under (C) too). Biometric identifiers (P) and
/// full-face photographs (Q) cannot occur in text; the document de-identifier removes FHIR `photo` and
/// attachment data instead of reading them.
public enum SafeHarborIdentifier: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// (A) Names, of the patient, relatives, employers, household members and clinicians.
    case names
    /// (B) Geographic subdivisions smaller than a state: street address, city, county, precinct, ZIP code.
    case geographic
    /// (C) Elements of dates (except year) directly related to an individual.
    case dates
    /// (C) Ages over 89.
    case agesOver89
    /// (D) Telephone numbers.
    case telephoneNumbers
    /// (E) Fax numbers.
    case faxNumbers
    /// (F) Electronic mail addresses.
    case emailAddresses
    /// (G) Social security numbers.
    case socialSecurityNumbers
    /// (H) Medical record numbers.
    case medicalRecordNumbers
    /// (I) Health plan beneficiary numbers.
    case healthPlanNumbers
    /// (J) Account numbers.
    case accountNumbers
    /// (K) Certificate/license numbers.
    case certificateLicenseNumbers
    /// (L) Vehicle identifiers and serial numbers, including license plate numbers.
    case vehicleIdentifiers
    /// (M) Device identifiers and serial numbers.
    case deviceIdentifiers
    /// (N) Web Universal Resource Locators (URLs).
    case urls
    /// (O) Internet Protocol (IP) address numbers.
    case ipAddresses
    /// (P) Biometric identifiers (not searched for in text).
    case biometricIdentifiers
    /// (Q) Full-face photographs and comparable images (not searched for in text; FHIR photos are removed).
    case photographs
    /// (R) Any other unique identifying number, characteristic or code: patient IDs, accession numbers, UIDs.
    case otherIdentifiers

    /// The letter of the paragraph in 45 CFR §164.514(b)(2)(i).
    public var paragraph: Character {
        switch self {
        case .names: "A"
        case .geographic: "B"
        case .dates, .agesOver89: "C"
        case .telephoneNumbers: "D"
        case .faxNumbers: "E"
        case .emailAddresses: "F"
        case .socialSecurityNumbers: "G"
        case .medicalRecordNumbers: "H"
        case .healthPlanNumbers: "I"
        case .accountNumbers: "J"
        case .certificateLicenseNumbers: "K"
        case .vehicleIdentifiers: "L"
        case .deviceIdentifiers: "M"
        case .urls: "N"
        case .ipAddresses: "O"
        case .biometricIdentifiers: "P"
        case .photographs: "Q"
        case .otherIdentifiers: "R"
        }
    }

    /// The name as a word.
    public var description: String { rawValue }

    /// Orders by declaration (paragraph order).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        guard let left = allCases.firstIndex(of: lhs), let right = allCases.firstIndex(of: rhs) else { return false }
        return left < right
    }
}

/// How many identifiers of one kind were replaced: a count, never a value or a position.
public struct ScrubFinding: Sendable, Hashable, CustomStringConvertible {
    /// The kind of identifier.
    public var category: SafeHarborIdentifier
    /// How many were replaced.
    public var count: Int

    /// Creates a finding.
    public init(category: SafeHarborIdentifier, count: Int) {
        self.category = category
        self.count = count
    }

    /// `names: 3`.
    public var description: String { "\(category): \(count)" }

    /// Findings from counts, in paragraph order, without zero counts.
    static func list(_ counts: [SafeHarborIdentifier: Int]) -> [ScrubFinding] {
        counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { ScrubFinding(category: $0.key, count: $0.value) }
    }

    /// Adds the findings of `other` to `counts`.
    static func add(_ findings: [ScrubFinding], to counts: inout [SafeHarborIdentifier: Int]) {
        for finding in findings { counts[finding.category, default: 0] += finding.count }
    }
}

/// Scrubbed text and what was replaced in it.
public struct ScrubResult: Sendable, Hashable {
    /// The text with every identifier found replaced by a surrogate.
    public var text: String
    /// The kinds and counts of what was replaced, in paragraph order.
    public var findings: [ScrubFinding]

    /// Creates a result.
    public init(text: String, findings: [ScrubFinding]) {
        self.text = text
        self.findings = findings
    }
}
