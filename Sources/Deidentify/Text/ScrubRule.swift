import Foundation

/// One pattern of the text scrubber: a regular expression, the capture group it replaces, and how.
struct ScrubRule: Sendable {
    /// What the replacement closure decides for one match: the surrogate and its kind, or `nil` to leave it.
    typealias Replace = @Sendable (RuleMatch, TextScrubber) -> (text: String, category: SafeHarborIdentifier)?

    /// A short name for tests and documentation.
    let name: String
    let regex: NSRegularExpression
    /// The capture group whose range is replaced (0: the whole match).
    let group: Int
    /// A cheap pattern that must occur somewhere in the text for the rule to be tried at all.
    let prefilter: NSRegularExpression?
    /// What text must hold for the rule to be tried, checked before ``prefilter`` and ``regex``.
    let requirement: ScrubRequirement
    let replace: Replace

    /// Compiles a rule; patterns are constants of this module, so a pattern that does not compile is a
    /// programmer error.
    init(_ name: String, _ pattern: String, group: Int = 0, caseInsensitive: Bool = false, prefilter: String? = nil,
         requires requirement: ScrubRequirement = ScrubRequirement(), replace: @escaping Replace)
    {
        self.name = name
        self.requirement = requirement
        regex = Self.compile(name, pattern, caseInsensitive ? [.caseInsensitive] : [])
        self.prefilter = prefilter.map { Self.compile(name + " prefilter", $0, []) }
        self.group = group
        self.replace = replace
    }

    private static func compile(_ name: String, _ pattern: String, _ options: NSRegularExpression.Options)
        -> NSRegularExpression
    {
        do {
            return try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            preconditionFailure("the scrub pattern '\(name)' does not compile: \(error)")
        }
    }

    /// A rule whose every match becomes one fixed surrogate.
    init(_ name: String, _ pattern: String, group: Int = 0, caseInsensitive: Bool = false, prefilter: String? = nil,
         requires requirement: ScrubRequirement = ScrubRequirement(), surrogate: String,
         category: SafeHarborIdentifier)
    {
        self.init(
            name, pattern, group: group, caseInsensitive: caseInsensitive, prefilter: prefilter, requires: requirement
        ) { _, _ in
            (surrogate, category)
        }
    }
}

/// One match of a rule in a piece of text, with access to its capture groups.
struct RuleMatch {
    let units: [UInt16]
    let result: NSTextCheckingResult

    /// The UTF-16 range of a capture group, `nil` if it did not take part.
    func range(_ group: Int) -> Range<Int>? {
        guard group < result.numberOfRanges else { return nil }
        let range = result.range(at: group)
        guard range.location != NSNotFound else { return nil }
        return range.location..<(range.location + range.length)
    }

    /// The text of a capture group, `nil` if it did not take part.
    func string(_ group: Int) -> String? {
        range(group).map { String(decoding: units[$0], as: UTF16.self) }
    }

    /// The text of a capture group, empty if it did not take part.
    subscript(_ group: Int) -> String { string(group) ?? "" }

    /// The text of capture group `group` with some of the groups inside it replaced.
    func rebuilt(_ group: Int, replacing replacements: [Int: String]) -> String? {
        guard let outer = range(group) else { return nil }
        var pieces: [(Range<Int>, String)] = []
        for (inner, text) in replacements {
            guard let range = range(inner) else { continue }
            pieces.append((range, text))
        }
        pieces.sort { $0.0.lowerBound < $1.0.lowerBound }
        var output = ""
        var cursor = outer.lowerBound
        for (range, text) in pieces where range.lowerBound >= cursor && range.upperBound <= outer.upperBound {
            output += String(decoding: units[cursor..<range.lowerBound], as: UTF16.self)
            output += text
            cursor = range.upperBound
        }
        output += String(decoding: units[cursor..<outer.upperBound], as: UTF16.self)
        return output
    }

    /// The up to `count` UTF-16 units before the match, lower-cased, for looking at its label.
    func prefix(_ count: Int) -> String {
        let start = result.range.location
        return String(decoding: units[max(0, start - count)..<start], as: UTF16.self).lowercased()
    }
}
