/// What a piece of text must hold for a scrub rule to have any chance of matching it: a necessary condition,
/// checked in a few comparisons before the rule's regular expression runs at all.
///
/// Every requirement is derived from its pattern (and, where the rule rejects matches without a digit, from its
/// replacement closure) and only ever skips a rule that could not have replaced anything: a rule whose pattern
/// needs `\d{4}` cannot match text without four ASCII digits in a row, an e-mail address needs `@`.
///
/// Text with non-ASCII characters is checked too, with what ICU does beyond ASCII taken into account: `\d` and
/// `\p{N}` take digits and numbers of every script, so every numeric character counts in a digit run there;
/// the code-token and 17-character-run conditions (patterns on `\p{L}` and `\p{N}`) are not checked; and text
/// holding a character that case-insensitive matching may fold onto ASCII letters (`ß`, `ſ`, `İ`, `ı`, `K`
/// (Kelvin), the `ﬁ` ligatures; conservatively the whole Latin Extended Additional, Letterlike Symbols,
/// Alphabetic Presentation Forms and half- and full-width blocks) runs every rule.
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
    /// Whether the words of ``anyWord`` must stand alone (the pattern puts `\b` on both sides of them): not
    /// preceded or followed by a letter, digit or `_`.
    var wholeWord = false
    /// The fewest `.` the text must hold.
    var dots = 0
    /// The fewest `:` the text must hold.
    var colons = 0
    /// Whether the text must hold a code-like token: a run of letters, digits, `_` and `-` of six or more
    /// characters with a digit and two letters (the `code-token` rule's pattern and test).
    var codeToken = false
    /// A length that some maximal run of ASCII letters and digits must have exactly (0: no condition).
    var alphanumericRun = 0

    init(digitRun: Int = 0, characters: String = "", anyCharacter: String = "", anyWord: [String] = [],
         caseSensitive: Bool = false, wholeWord: Bool = false, dots: Int = 0, colons: Int = 0,
         codeToken: Bool = false, alphanumericRun: Int = 0)
    {
        self.digitRun = digitRun
        self.characters = Array(characters.utf8)
        self.anyCharacter = Array(anyCharacter.utf8)
        self.anyWord = anyWord.map { Array(caseSensitive ? $0.utf8 : $0.lowercased().utf8) }
        self.caseSensitive = caseSensitive
        self.wholeWord = wholeWord
        self.dots = dots
        self.colons = colons
        self.codeToken = codeToken
        self.alphanumericRun = alphanumericRun
    }

    /// Whether text with these traits may hold a match.
    func mayMatch(_ traits: TextTraits) -> Bool {
        if traits.mayFoldOntoASCII { return true }
        if traits.longestDigitRun < digitRun || traits.dots < dots || traits.colons < colons { return false }
        if traits.isASCII {
            if codeToken, !traits.hasCodeToken { return false }
            if alphanumericRun > 0, !traits.hasAlphanumericRun(of: alphanumericRun) { return false }
        }
        for character in characters where !traits.contains(character) { return false }
        if !anyCharacter.isEmpty, !anyCharacter.contains(where: traits.contains) { return false }
        if !anyWord.isEmpty,
            !anyWord.contains(where: { traits.contains($0, caseSensitive: caseSensitive, wholeWord: wholeWord) })
        {
            return false
        }
        return true
    }
}

/// The traits of one piece of text that ``ScrubRequirement`` looks at, gathered in one pass over its UTF-16 units.
struct TextTraits {
    /// Whether every code unit is ASCII.
    private(set) var isASCII = true
    /// Whether some character may match an ASCII letter under case-insensitive matching
    /// (``mayFoldOntoASCII(_:)``): then no requirement is checked.
    private(set) var mayFoldOntoASCII = false
    /// The longest run of digits (ASCII digits; in text that is not all ASCII, every numeric character).
    private(set) var longestDigitRun = 0
    /// How many `.` and `:` occur.
    private(set) var dots = 0
    private(set) var colons = 0
    /// Whether a maximal run of letters, digits, `_` and `-` is six or more long and holds a digit and two letters.
    private(set) var hasCodeToken = false
    /// The lengths (below 64) of the maximal runs of ASCII letters and digits, one bit each.
    private var alphanumericRuns: UInt64 = 0
    /// Which ASCII characters occur, one bit each.
    private var present: (low: UInt64, high: UInt64) = (0, 0)
    /// The text (looked at only when it is all ASCII).
    private let units: [UInt16]

    init(_ units: [UInt16]) {
        self.units = units
        var run = 0
        var alphanumericRun = 0
        var token = (length: 0, digits: 0, letters: 0)
        var index = 0
        while index < units.count {
            let unit = units[index]
            index += 1
            guard unit < 0x80 else {
                isASCII = false
                // Beyond ASCII only digit runs are kept (every numeric character, as ICU's \d and \p{N} match
                // them); letters and marks end the ASCII runs and tokens, which are not checked for such text.
                var value = UInt32(unit)
                if unit >= 0xD800, unit < 0xDC00, index < units.count, units[index] >= 0xDC00, units[index] < 0xE000 {
                    value = 0x10000 + ((value - 0xD800) << 10) + UInt32(units[index] - 0xDC00)
                    index += 1
                }
                if Self.mayFoldOntoASCII(value) { mayFoldOntoASCII = true }
                if let scalar = Unicode.Scalar(value), scalar.properties.numericType != nil {
                    run += 1
                    if run > longestDigitRun { longestDigitRun = run }
                } else {
                    run = 0
                }
                endAlphanumericRun(alphanumericRun)
                alphanumericRun = 0
                endToken(token)
                token = (0, 0, 0)
                continue
            }
            if unit < 64 { present.low |= 1 << UInt64(unit) } else { present.high |= 1 << UInt64(unit - 64) }
            let isDigit = unit >= 0x30 && unit <= 0x39
            let isLetter = (unit >= 0x41 && unit <= 0x5A) || (unit >= 0x61 && unit <= 0x7A)
            if isDigit {
                run += 1
                if run > longestDigitRun { longestDigitRun = run }
            } else {
                run = 0
            }
            if isDigit || isLetter {
                alphanumericRun += 1
            } else {
                endAlphanumericRun(alphanumericRun)
                alphanumericRun = 0
            }
            if isDigit || isLetter || unit == 0x5F || unit == 0x2D {
                token.length += 1
                if isDigit { token.digits += 1 }
                if isLetter { token.letters += 1 }
            } else {
                endToken(token)
                token = (0, 0, 0)
            }
            if unit == 0x2E { dots += 1 }
            if unit == 0x3A { colons += 1 }
        }
        endAlphanumericRun(alphanumericRun)
        endToken(token)
    }

    /// Whether a non-ASCII scalar may match an ASCII letter of a case-insensitive pattern: its full case folding
    /// or case mapping holds an ASCII letter (U+00DF ß, U+0130 İ, U+0131 ı, U+0149 ŉ, U+017F ſ, U+01F0 ǰ,
    /// U+1E96-U+1E9A, U+1E9E ẞ, U+212A Kelvin, U+FB00-U+FB06 ligatures: every such scalar of Unicode 14), or it
    /// lies in a block where such letters live or that mirrors ASCII (Latin Extended Additional, Letterlike
    /// Symbols, Alphabetic Presentation Forms, Halfwidth and Fullwidth Forms), kept out of the checks to be safe.
    static func mayFoldOntoASCII(_ value: UInt32) -> Bool {
        switch value {
        case 0x00DF, 0x0130, 0x0131, 0x0149, 0x017F, 0x01F0, 0x1E00...0x1EFF, 0x2100...0x214F, 0xFB00...0xFB4F,
            0xFF00...0xFFEF:
            return true
        default:
            return false
        }
    }

    private mutating func endAlphanumericRun(_ length: Int) {
        if length > 0, length < 64 { alphanumericRuns |= 1 << UInt64(length) }
    }

    private mutating func endToken(_ token: (length: Int, digits: Int, letters: Int)) {
        if token.length >= 6, token.digits >= 1, token.letters >= 2 { hasCodeToken = true }
    }

    /// Whether some maximal run of ASCII letters and digits is exactly `length` long (`length` below 64).
    func hasAlphanumericRun(of length: Int) -> Bool {
        length <= 0 || length >= 64 || alphanumericRuns & (1 << UInt64(length)) != 0
    }

    /// Whether an ASCII character occurs.
    func contains(_ character: UInt8) -> Bool {
        character < 64 ? present.low & (1 << UInt64(character)) != 0
            : character < 128 && present.high & (1 << UInt64(character - 64)) != 0
    }

    /// Whether an ASCII word occurs (`word` lower case when not `caseSensitive`), standing alone if `wholeWord`.
    func contains(_ word: [UInt8], caseSensitive: Bool, wholeWord: Bool = false) -> Bool {
        guard let first = word.first, word.count <= units.count else { return word.isEmpty }
        // Every letter of the word must occur somewhere (in either case unless `caseSensitive`) before it is looked
        // for letter by letter.
        for byte in word where !contains(byte) {
            guard !caseSensitive, byte >= 0x61, byte <= 0x7A, contains(byte - 0x20) else { return false }
        }
        let last = units.count - word.count
        var start = 0
        while start <= last {
            if Self.fold(units[start], caseSensitive) == UInt16(first) {
                var offset = 1
                while offset < word.count, Self.fold(units[start + offset], caseSensitive) == UInt16(word[offset]) {
                    offset += 1
                }
                if offset == word.count, !wholeWord || isBoundary(before: start, after: start + word.count) {
                    return true
                }
            }
            start += 1
        }
        return false
    }

    /// Whether `units[start]` has no word character (`\w`: ASCII letter, digit or `_`) before it and `units[end]`
    /// none at it.
    private func isBoundary(before start: Int, after end: Int) -> Bool {
        (start == 0 || !Self.isWordCharacter(units[start - 1]))
            && (end >= units.count || !Self.isWordCharacter(units[end]))
    }

    private static func isWordCharacter(_ unit: UInt16) -> Bool {
        (unit >= 0x30 && unit <= 0x39) || (unit >= 0x41 && unit <= 0x5A) || (unit >= 0x61 && unit <= 0x7A)
            || unit == 0x5F
    }

    private static func fold(_ unit: UInt16, _ caseSensitive: Bool) -> UInt16 {
        !caseSensitive && unit >= 0x41 && unit <= 0x5A ? unit + 0x20 : unit
    }
}
