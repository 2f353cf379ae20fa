import Foundation

@testable import Deidentify

/// The identity matcher as it was before its tables were built once per identity and its phrase search left
/// `NSString` (copied unchanged but for its name): the reference `TextScrubberEquivalenceTests` compares the
/// current ``IdentityMatcher`` with. Finds names word by word, other values on their normalised letters and digits.
struct LegacyIdentityMatcher {
    /// A found value: its UTF-16 range in the text, surrogate and kind.
    struct Match {
        var range: Range<Int>
        var surrogate: String
        var category: SafeHarborIdentifier
    }

    let identity: PatientIdentity
    let zipPolicy: ZIPCodePolicy

    /// Separators tolerated between the letters and digits of one identifier, phone number or address.
    private static let separators: Set<UInt16> = Set(" -./()_+\t,#".utf16)
    /// The most separator characters tolerated in a row inside one value.
    private static let maximumGap = 3

    /// The matches in a text given as UTF-16 code units: names and identifiers, and, apart, birth dates; each list
    /// sorted and disjoint. Surrogate pairs count as separators (no identifier is written with them).
    func matches(in units: [UInt16]) -> (identifiers: [Match], birthDates: [Match]) {
        var found = nameMatches(units)
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
    static func disjoint(_ found: [Match]) -> [Match] {
        let sorted = found.sorted {
            ($0.range.count, -$0.range.lowerBound) > ($1.range.count, -$1.range.lowerBound)
        }
        var chosen: [Match] = []
        var taken = SortedRanges()
        for match in sorted where taken.insertIfFree(match.range) { chosen.append(match) }
        return chosen.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    // MARK: Names

    struct Word {
        var start: Int
        var end: Int
        var folded: String
        var isUppercaseInitial: Bool
        var marked = false
    }

    func nameMatches(_ units: [UInt16]) -> [Match] {
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

    /// Whether two words are separated only by a few spaces, commas, periods, hyphens or `^`.
    func adjacent(_ first: Word, _ second: Word, _ units: [UInt16]) -> Bool {
        let gap = second.start - first.end
        guard gap >= 1, gap <= 3 else { return false }
        return units[first.end..<second.start].allSatisfy {
            $0 == 0x20 || $0 == 0x2C || $0 == 0x2E || $0 == 0x2D || $0 == 0x5E || $0 == 0x09
        }
    }

    /// The words of the text that could be names: only words whose length and first letter fit one of the
    /// identity's names, particles or initials are folded (cheap rejection of everything else).
    func words(_ units: [UInt16]) -> [Word] {
        var lengths = Set<Int>()
        var firstLetters = Set<UInt16>()
        for word in identity.nameWords.union(identity.particleWords).union(identity.initials) {
            lengths.insert(word.utf16.count)
            if let first = word.utf16.first { firstLetters.insert(first) }
        }
        let maximumLength = (lengths.max() ?? 0) + 4  // folding can shorten ("ß" is one unit, "ss" two)
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
    struct NormalizedStream {
        var text: NSString
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
            text = NSString(string: String(decoding: normalized, as: UTF16.self))
            self.origin = origin
        }
    }

    func phraseMatches(_ units: [UInt16], _ stream: NormalizedStream) -> [Match] {
        let origin = stream.origin
        guard !origin.isEmpty else { return [] }
        var matches: [Match] = []
        for phrase in identity.phrases.sorted(by: { ($0.kind, $0.normalized) < ($1.kind, $1.normalized) }) {
            let needle = phrase.normalized
            let needleLength = needle.utf16.count
            var searchStart = 0
            while searchStart + needleLength <= origin.count {
                let found = stream.text.range(
                    of: needle, options: .literal,
                    range: NSRange(location: searchStart, length: origin.count - searchStart))
                guard found.location != NSNotFound, found.length > 0 else { break }
                searchStart = found.location + 1
                let first = origin[found.location]
                let last = origin[found.location + found.length - 1]
                guard isBoundary(before: first, after: last, units),
                    gapsAreSeparators(origin[found.location..<(found.location + found.length)], units),
                    let surrogate = surrogate(for: phrase)
                else { continue }
                var start = first
                if start > 0, units[start - 1] == 0x28, units[first...last].contains(0x29) { start -= 1 }
                matches.append(Match(range: start..<(last + 1), surrogate: surrogate, category: category(of: phrase.kind)))
            }
        }
        return matches
    }

    func isBoundary(before first: Int, after last: Int, _ units: [UInt16]) -> Bool {
        (first == 0 || !UnitClass.isAlphanumeric(units[first - 1]))
            && (last + 1 >= units.count || !UnitClass.isAlphanumeric(units[last + 1]))
    }

    func gapsAreSeparators(_ positions: ArraySlice<Int>, _ units: [UInt16]) -> Bool {
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

    func surrogate(for phrase: PatientIdentity.Phrase) -> String? {
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

    func category(of kind: PatientIdentity.PhraseKind) -> SafeHarborIdentifier {
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

