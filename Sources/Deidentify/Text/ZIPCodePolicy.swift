/// The Safe Harbor rule for ZIP codes: keep the initial three digits unless the area they name holds 20,000 people
/// or fewer, in which case they become `000` (45 CFR §164.514(b)(2)(i)(B)(1) and (2)).
///
/// The regulation ties the population to "the current publicly available data from the Bureau of the Census".
/// The default list is the one the HHS Office for Civil Rights published from the 2000 Census in "Guidance
/// Regarding Methods for De-identification of Protected Health Information in Accordance with the HIPAA Privacy
/// Rule" (26 November 2012), in its answer on ZIP codes under the Safe Harbor method: the 17 three-digit ZCTAs 036, 059, 063, 102, 203, 556, 692, 790, 821,
/// 823, 830, 831, 878, 879, 884, 890 and 893. A node that recomputes the list from a newer census passes its own
/// prefixes and names the source.
///
/// ```swift
/// let policy = ZIPCodePolicy.census2000
/// policy.truncated("02115")        // "021"
/// policy.truncated("03601-1234")   // "000"
/// policy.truncated("2115")         // nil: not a US ZIP code
/// ```
public struct ZIPCodePolicy: Sendable, Hashable {
    /// The three-digit prefixes of 20,000 people or fewer in the 2000 Census, per the HHS guidance above.
    public static let census2000RestrictedPrefixes: Set<String> = [
        "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884",
        "890", "893",
    ]

    /// The default policy: the HHS list from the 2000 Census.
    public static let census2000 = ZIPCodePolicy(
        restrictedPrefixes: census2000RestrictedPrefixes,
        source: "US Census 2000 three-digit ZCTAs of 20,000 people or fewer, HHS OCR de-identification guidance "
            + "(2012)")

    /// Three-digit prefixes replaced by `000`.
    public var restrictedPrefixes: Set<String>
    /// Where the list comes from (census year and publication), recorded with the de-identification method.
    public var source: String

    /// Creates a policy.
    /// - Parameters:
    ///   - restrictedPrefixes: Three-digit ZIP prefixes whose area holds 20,000 people or fewer.
    ///   - source: The census data the list was derived from.
    public init(restrictedPrefixes: Set<String>, source: String) {
        self.restrictedPrefixes = restrictedPrefixes
        self.source = source
    }

    /// The three digits to keep for a 5-digit or ZIP+4 code (`"02115"`, `"021151234"`, `"02115-1234"`), `000` for a
    /// restricted prefix; `nil` if the text is not a US ZIP code.
    public func truncated(_ zip: String) -> String? {
        let trimmed = zip.trimmingSpaces
        let digits = trimmed.filter(\.isASCIIDigit)
        guard digits.count == 5 || digits.count == 9,
            trimmed.allSatisfy({ $0.isASCIIDigit || $0 == "-" || $0 == " " }),
            digits.count == 5 || trimmed.count == 9 || trimmed.dropFirst(5).first == "-"
        else { return nil }
        let prefix = String(digits.prefix(3))
        return restrictedPrefixes.contains(prefix) ? "000" : prefix
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String {
        var value = Substring(self)
        while let first = value.first, first.isWhitespace { value.removeFirst() }
        while let last = value.last, last.isWhitespace { value.removeLast() }
        return String(value)
    }
}
