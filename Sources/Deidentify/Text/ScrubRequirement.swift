/// What a piece of text must hold for a scrub rule to have any chance of matching it: a necessary condition,
/// checked in a few comparisons before the rule's regular expression runs at all.
///
/// Every requirement is derived from its pattern (and, where the rule rejects matches without a digit, from its
/// replacement closure) and only ever skips a rule that could not have replaced anything: a rule whose pattern
/// needs `\d{4}` cannot match text without four ASCII digits in a row, an e-mail address needs `@`. The checks
/// are exact for ASCII text only (ICU's `\d` and `\p{N}` take digits of every script, and case-insensitive
/// matching folds letters such as `ſ` and `K` onto ASCII ones), so text holding any non-ASCII code unit
/// always runs every rule.
struct ScrubRequirement: Sendable {
    /// The shortest run of ASCII digits the text must hold (0: no digit needed).
    var digitRun = 0
    /// ASCII characters that must all occur.
    var characters: [UInt8] = []
    /// ASCII characters of which at least one must occur (none listed: no condition).
    var anyCharacter: [UInt8] = []
    /// ASCII words of which at least one must occur (none listed: no condition), compared ignoring ASCII case
    /// unless ``caseSensitive``.
    var anyWord: [[UInt8]] = []
    /// Whether ``anyWord`` is compared case-sensitively (the pattern's part is not case-insensitive).
    var caseSensitive = false

    init(digitRun: Int = 0, characters: String = "", anyCharacter: String = "", anyWord: [String] = [],
         caseSensitive: Bool = false)
    {
        self.digitRun = digitRun
        self.characters = Array(characters.utf8)
        self.anyCharacter = Array(anyCharacter.utf8)
        self.anyWord = anyWord.map { Array(caseSensitive ? $0.utf8 : $0.lowercased().utf8) }
        self.caseSensitive = caseSensitive
    }

    /// Whether text with these traits may hold a match (always `true` for text that is not all ASCII).
    func mayMatch(_ traits: TextTraits) -> Bool {
        guard traits.isASCII else { return true }
        if traits.longestDigitRun < digitRun { return false }
        for character in characters where !traits.contains(character) { return false }
        if !anyCharacter.isEmpty, !anyCharacter.contains(where: traits.contains) { return false }
        if !anyWord.isEmpty, !anyWord.contains(where: { traits.contains($0, caseSensitive: caseSensitive) }) {
            return false
        }
        return true
    }
}

/// The traits of one piece of text that ``ScrubRequirement`` looks at, gathered in one pass over its UTF-16 units.
struct TextTraits {
    /// Whether every code unit is ASCII.
    private(set) var isASCII = true
    /// The longest run of ASCII digits.
    private(set) var longestDigitRun = 0
    /// Which ASCII characters occur, one bit each.
    private var present: (low: UInt64, high: UInt64) = (0, 0)
    /// The text, ASCII only (empty otherwise).
    private let units: [UInt16]

    init(_ units: [UInt16]) {
        var run = 0
        for unit in units {
            guard unit < 0x80 else {
                isASCII = false
                break
            }
            if unit < 64 { present.low |= 1 << UInt64(unit) } else { present.high |= 1 << UInt64(unit - 64) }
            if unit >= 0x30 && unit <= 0x39 {
                run += 1
                if run > longestDigitRun { longestDigitRun = run }
            } else {
                run = 0
            }
        }
        self.units = isASCII ? units : []
    }

    /// Whether an ASCII character occurs.
    func contains(_ character: UInt8) -> Bool {
        character < 64 ? present.low & (1 << UInt64(character)) != 0
            : character < 128 && present.high & (1 << UInt64(character - 64)) != 0
    }

    /// Whether an ASCII word occurs (`word` lower case when not `caseSensitive`).
    func contains(_ word: [UInt8], caseSensitive: Bool) -> Bool {
        guard let first = word.first, word.count <= units.count else { return word.isEmpty }
        let last = units.count - word.count
        var start = 0
        while start <= last {
            if Self.fold(units[start], caseSensitive) == UInt16(first) {
                var offset = 1
                while offset < word.count, Self.fold(units[start + offset], caseSensitive) == UInt16(word[offset]) {
                    offset += 1
                }
                if offset == word.count { return true }
            }
            start += 1
        }
        return false
    }

    private static func fold(_ unit: UInt16, _ caseSensitive: Bool) -> UInt16 {
        !caseSensitive && unit >= 0x41 && unit <= 0x5A ? unit + 0x20 : unit
    }
}
