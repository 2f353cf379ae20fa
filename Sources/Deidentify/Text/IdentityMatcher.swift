import Foundation

/// Finds the values of a ``PatientIdentity`` in text: names word by word (in scripts written without spaces,
/// anywhere), other values on their normalised letters and digits.
struct IdentityMatcher: Sendable {
    /// A found value: its UTF-16 range in the text, surrogate and kind.
    struct Match {
        var range: Range<Int>
        var surrogate: String
        var category: SafeHarborIdentifier
    }

    let identity: PatientIdentity
    let zipPolicy: ZIPCodePolicy
    /// The UTF-16 lengths of the folded name words, particles and initials.
    private let lengths: Set<Int>
    /// Their first UTF-16 units.
    private let firstLetters: Set<UInt16>
    /// The longest text word worth folding.
    private let maximumLength: Int
    /// The phrases in search order, with their UTF-16 units.
    private let phrases: [(phrase: PatientIdentity.Phrase, units: [UInt16])]
    /// The names in scripts written without spaces, in search order, with their UTF-16 units and whether each is a
    /// single character.
    private let unspaced: [(units: [UInt16], isSingle: Bool)]

    /// Prepares the matching of `identity`'s values (once per identity, not per text).
    init(identity: PatientIdentity, zipPolicy: ZIPCodePolicy) {
        self.identity = identity
        self.zipPolicy = zipPolicy
        var lengths = Set<Int>()
        var firstLetters = Set<UInt16>()
        for words in [identity.nameWords, identity.particleWords, identity.initials] {
            for word in words {
                lengths.insert(word.utf16.count)
                if let first = word.utf16.first { firstLetters.insert(first) }
            }
        }
        self.lengths = lengths
        self.firstLetters = firstLetters
        maximumLength = (lengths.max() ?? 0) + 4  // folding can shorten ("ß" is one unit, "ss" two)
        phrases = identity.phrases.sorted(by: { ($0.kind, $0.normalized) < ($1.kind, $1.normalized) })
            .map { ($0, Array($0.normalized.utf16)) }
        unspaced = identity.unspacedNames.sorted(by: { $0.lexicographicallyPrecedes($1) })
            .map { ($0, String(decoding: $0, as: UTF16.self).count == 1) }
    }

    /// Separators tolerated between the letters and digits of one identifier, phone number or address.
    private static let separators: Set<UInt16> = Set(" -./()_+\t,#".utf16)
    /// The most separator characters tolerated in a row inside one value.
    private static let maximumGap = 3

    /// The matches in a text given as UTF-16 code units: names and identifiers, and, apart, birth dates; each list
    /// sorted and disjoint. Surrogate pairs count as separators (no identifier is written with them).
    func matches(in units: [UInt16]) -> (identifiers: [Match], birthDates: [Match]) {
        var found = nameMatches(units) + unspacedMatches(units)
        var birthDates: [Match] = []
        if !identity.phrases.isEmpty {
            let stream = NormalizedStream(units)
            for match in phraseMatches(units, stream) {
                if match.category == .dates { birthDates.append(match) } else { found.append(match) }
            }
        }
        return (Self.disjoint(found), Self.disjoint(birthDates))
    }

    /// The longest matches first, then the leftmost; those that overlap a chosen one are dropped.
    private static func disjoint(_ found: [Match]) -> [Match] {
        let sorted = found.sorted {
            ($0.range.count, -$0.range.lowerBound) > ($1.range.count, -$1.range.lowerBound)
        }
        var chosen: [Match] = []
        var taken = SortedRanges()
        for match in sorted where taken.insertIfFree(match.range) { chosen.append(match) }
        return chosen.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    // MARK: Names

    private struct Word {
        var start: Int
        var end: Int
        var folded: String
        var isUppercaseInitial: Bool
        var marked = false
    }

    private func nameMatches(_ units: [UInt16]) -> [Match] {
        guard !identity.nameWords.isEmpty else { return [] }
        var words = self.words(units)
        guard !words.isEmpty else { return [] }
        for index in words.indices where identity.nameWords.contains(words[index].folded) { words[index].marked = true }
        // Particles and initials only next to a matched name, repeated until nothing changes so that chains such
        // as "A. van der Berg" are found (each sweep can only grow the marked set).
        var changed = true
        while changed {
            changed = false
            for index in words.indices where !words[index].marked {
                let word = words[index]
                let isParticle = identity.particleWords.contains(word.folded)
                let isInitial = word.end - word.start == 1 && word.isUppercaseInitial
                    && identity.initials.contains(word.folded)
                guard isParticle || isInitial else { continue }
                let before = index > 0 && words[index - 1].marked && adjacent(words[index - 1], word, units)
                let after = index + 1 < words.count && words[index + 1].marked
                    && adjacent(word, words[index + 1], units)
                if before || after {
                    words[index].marked = true
                    changed = true
                }
            }
        }
        var matches: [Match] = []
        var index = 0
        while index < words.count {
            guard words[index].marked else {
                index += 1
                continue
            }
            var last = index
            while last + 1 < words.count, words[last + 1].marked, adjacent(words[last], words[last + 1], units) {
                last += 1
            }
            var end = words[last].end
            if words[last].end - words[last].start == 1, end < units.count, units[end] == 0x2E { end += 1 }
            matches.append(Match(range: words[index].start..<end, surrogate: "[NAME]", category: .names))
            index = last + 1
        }
        return matches
    }

    /// Characters that may stand between the parts of one name written without spaces.
    private static let nameJoiners: Set<UInt16> = [0x20, 0x5E, 0xB7, 0x3000, 0x30FB, 0xFF65]

    /// The names in scripts written without spaces (``PatientIdentity/unspacedNames``), found anywhere in the text:
    /// there no space marks where a name ends (`山田太郎様の所見`). Occurrences that touch, or stand one joiner apart,
    /// become one match. A one-character name (a Chinese family or given name) is matched only as part of such a
    /// run, never alone, as initials are: alone it is as likely an ordinary word.
    private func unspacedMatches(_ units: [UInt16]) -> [Match] {
        guard !unspaced.isEmpty else { return [] }
        var found: [(range: Range<Int>, isSingle: Bool)] = []
        for name in unspaced {
            var offset = 0
            while let location = Self.firstOffset(of: name.units, in: units, from: offset) {
                found.append((location..<(location + name.units.count), name.isSingle))
                offset = location + 1
            }
        }
        found.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        guard let first = found.first else { return [] }
        var matches: [Match] = []
        var run = first.range
        var pieces = 0
        var hasWholeName = false
        for entry in found {
            let touches = entry.range.lowerBound <= run.upperBound
                || (entry.range.lowerBound == run.upperBound + 1 && Self.nameJoiners.contains(units[run.upperBound]))
            if !touches {
                if hasWholeName || pieces > 1 { matches.append(Match(range: run, surrogate: "[NAME]", category: .names)) }
                run = entry.range
                pieces = 0
                hasWholeName = false
            }
            run = run.lowerBound..<max(run.upperBound, entry.range.upperBound)
            pieces += 1
            hasWholeName = hasWholeName || !entry.isSingle
        }
        if hasWholeName || pieces > 1 { matches.append(Match(range: run, surrogate: "[NAME]", category: .names)) }
        return matches
    }

    /// The first offset at or after `start` where `needle` occurs in `text`, unit for unit.
    static func firstOffset(of needle: [UInt16], in text: [UInt16], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= text.count else { return nil }
        let last = text.count - needle.count
        var offset = start
        while offset <= last {
            if text[offset] == first {
                var index = 1
                while index < needle.count, text[offset + index] == needle[index] { index += 1 }
                if index == needle.count { return offset }
            }
            offset += 1
        }
        return nil
    }

    /// Whether two words are separated only by a few spaces, commas, periods, hyphens or `^`.
    private func adjacent(_ first: Word, _ second: Word, _ units: [UInt16]) -> Bool {
        let gap = second.start - first.end
        guard gap >= 1, gap <= 3 else { return false }
        return units[first.end..<second.start].allSatisfy {
            $0 == 0x20 || $0 == 0x2C || $0 == 0x2E || $0 == 0x2D || $0 == 0x5E || $0 == 0x09
        }
    }

    /// The words of the text that could be names: only words whose length and first letter fit one of the
    /// identity's names, particles or initials are folded (cheap rejection of everything else).
    private func words(_ units: [UInt16]) -> [Word] {
        var words: [Word] = []
        var index = 0
        let count = units.count
        while index < count {
            guard UnitClass.isLetter(units[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < count {
                let unit = units[index]
                if UnitClass.isLetter(unit) {
                    index += 1
                } else if UnitClass.isApostrophe(unit), index + 1 < count, UnitClass.isLetter(units[index + 1]) {
                    index += 1
                } else {
                    break
                }
            }
            // A letter glued to digits ("T2", "C5") is not a word.
            if start > 0, UnitClass.isAlphanumeric(units[start - 1]) { continue }
            if index < count, UnitClass.isAlphanumeric(units[index]) { continue }
            let length = index - start
            guard length <= maximumLength else { continue }
            let slice = units[start..<index]
            let folded: String
            if slice.allSatisfy({ $0 < 0x80 && $0 != 0x27 }) {
                // ASCII letters: fold by arithmetic, rejecting on length and first letter before building a string.
                guard lengths.contains(length), firstLetters.contains(UnitClass.lowercased(units[start])) else {
                    continue
                }
                folded = String(decoding: slice.map(UnitClass.lowercased), as: UTF16.self)
            } else {
                folded = TextFolding.nameWords(String(decoding: slice, as: UTF16.self)).joined()
                guard lengths.contains(folded.utf16.count) else { continue }
            }
            words.append(Word(start: start, end: index, folded: folded,
                              isUppercaseInitial: UnitClass.isUppercase(units[start])))
        }
        return words
    }

    // MARK: Identifiers, phones, addresses, dates

    /// Folded letters and digits of a text, each UTF-16 unit remembering where it came from.
    private struct NormalizedStream {
        var text: [UInt16]
        var origin: [Int]

        init(_ units: [UInt16]) {
            var normalized: [UInt16] = []
            var origin: [Int] = []
            normalized.reserveCapacity(units.count)
            origin.reserveCapacity(units.count)
            for (index, unit) in units.enumerated() where UnitClass.isAlphanumeric(unit) {
                if unit < 0x80 {
                    normalized.append(unit >= 0x41 && unit <= 0x5A ? unit + 0x20 : unit)
                    origin.append(index)
                } else if let scalar = Unicode.Scalar(unit) {
                    for part in TextFolding.folded(String(scalar)).utf16 {
                        normalized.append(part)
                        origin.append(index)
                    }
                }
            }
            text = normalized
            self.origin = origin
        }

        /// The first offset at or after `start` where `needle` occurs, unit for unit (as a literal search does).
        func firstOffset(of needle: [UInt16], from start: Int) -> Int? {
            IdentityMatcher.firstOffset(of: needle, in: text, from: start)
        }
    }

    private func phraseMatches(_ units: [UInt16], _ stream: NormalizedStream) -> [Match] {
        let origin = stream.origin
        guard !origin.isEmpty else { return [] }
        var matches: [Match] = []
        for (phrase, needle) in phrases {
            let needleLength = needle.count
            var searchStart = 0
            while searchStart + needleLength <= origin.count {
                guard needleLength > 0, let location = stream.firstOffset(of: needle, from: searchStart) else { break }
                searchStart = location + 1
                let first = origin[location]
                let last = origin[location + needleLength - 1]
                guard isBoundary(before: first, after: last, units),
                    gapsAreSeparators(origin[location..<(location + needleLength)], units),
                    let surrogate = surrogate(for: phrase)
                else { continue }
                var start = first
                if start > 0, units[start - 1] == 0x28, units[first...last].contains(0x29) { start -= 1 }
                matches.append(
                    Match(range: start..<(last + 1), surrogate: surrogate, category: category(of: phrase.kind)))
            }
        }
        return matches
    }

    private func isBoundary(before first: Int, after last: Int, _ units: [UInt16]) -> Bool {
        (first == 0 || !UnitClass.isAlphanumeric(units[first - 1]))
            && (last + 1 >= units.count || !UnitClass.isAlphanumeric(units[last + 1]))
    }

    private func gapsAreSeparators(_ positions: ArraySlice<Int>, _ units: [UInt16]) -> Bool {
        var previous: Int?
        for position in positions {
            if let previous, position > previous + 1 {
                guard position - previous - 1 <= Self.maximumGap,
                    units[(previous + 1)..<position].allSatisfy({ Self.separators.contains($0) })
                else { return false }
            }
            previous = position
        }
        return true
    }

    private func surrogate(for phrase: PatientIdentity.Phrase) -> String? {
        switch phrase.kind {
        case .identifier: "[ID]"
        case .phone: "[PHONE]"
        case .email: "[EMAIL]"
        case .address: "[ADDRESS]"
        case .city: "[CITY]"
        case .postalCode: zipPolicy.truncated(phrase.normalized).map { $0 + "**" }
        case .birthDate: "[DATE]"
        case .institution: "[INSTITUTION]"
        }
    }

    private func category(of kind: PatientIdentity.PhraseKind) -> SafeHarborIdentifier {
        switch kind {
        case .identifier: .medicalRecordNumbers
        case .phone: .telephoneNumbers
        case .email: .emailAddresses
        case .address, .city, .postalCode: .geographic
        case .birthDate: .dates
        case .institution: .otherIdentifiers
        }
    }
}

/// Disjoint ranges kept sorted, for choosing non-overlapping matches.
struct SortedRanges {
    private var ranges: [Range<Int>] = []

    /// Inserts `range` unless it overlaps one already held; returns whether it was inserted.
    mutating func insertIfFree(_ range: Range<Int>) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound <= range.lowerBound { low = middle + 1 } else { high = middle }
        }
        if low < ranges.count, ranges[low].lowerBound < range.upperBound { return false }
        ranges.insert(range, at: low)
        return true
    }
}

/// Classes of UTF-16 code units: ASCII by table, other BMP scalars by their Unicode properties; surrogates are
/// neither letters nor digits.
enum UnitClass {
    static func isLetter(_ unit: UInt16) -> Bool {
        if unit < 0x80 { return (unit >= 0x41 && unit <= 0x5A) || (unit >= 0x61 && unit <= 0x7A) }
        guard let scalar = Unicode.Scalar(unit) else { return false }
        return TextFolding.isLetter(scalar)
    }

    static func isAlphanumeric(_ unit: UInt16) -> Bool {
        if unit < 0x80 { return (unit >= 0x30 && unit <= 0x39) || (unit >= 0x41 && unit <= 0x5A) || (unit >= 0x61 && unit <= 0x7A) }
        guard let scalar = Unicode.Scalar(unit) else { return false }
        return TextFolding.isAlphanumeric(scalar)
    }

    static func isUppercase(_ unit: UInt16) -> Bool {
        if unit < 0x80 { return unit >= 0x41 && unit <= 0x5A }
        return Unicode.Scalar(unit)?.properties.isUppercase ?? false
    }

    static func lowercased(_ unit: UInt16) -> UInt16 { unit >= 0x41 && unit <= 0x5A ? unit + 0x20 : unit }

    static func isApostrophe(_ unit: UInt16) -> Bool { unit == 0x27 || unit == 0x2019 || unit == 0x02BC }
}
