import Foundation

/// Finds the values of a ``PatientIdentity`` in text: names word by word, other values on their normalised
/// letters and digits.
struct IdentityMatcher {
    /// A found value: its UTF-16 range in the text, surrogate and kind.
    struct Match {
        var range: Range<Int>
        var surrogate: String
        var category: SafeHarborIdentifier
    }

    let identity: PatientIdentity
    let zipPolicy: ZIPCodePolicy

    /// Separators tolerated between the letters and digits of one identifier, phone number or address.
    private static let separators: Set<Unicode.Scalar> = [" ", "-", ".", "/", "(", ")", "_", "+", "\t", ",", "#"]
    /// The most separator characters tolerated in a row inside one value.
    private static let maximumGap = 3

    /// The matches in `text`, sorted and disjoint.
    /// - Parameter birthDates: `false` for names and identifiers, `true` for birth dates only.
    func matches(in text: String, birthDates: Bool) -> [Match] {
        let scalars = Array(text.unicodeScalars)
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += scalar.utf16.count
        }
        offsets.append(offset)
        var found: [Match] = []
        if !birthDates { found += nameMatches(scalars, offsets) }
        let phrases = identity.phrases.filter { ($0.kind == .birthDate) == birthDates }
        if !phrases.isEmpty { found += phraseMatches(scalars, offsets, phrases) }
        // Longest first, then leftmost; keep the disjoint ones.
        found.sort {
            ($0.range.count, -$0.range.lowerBound) > ($1.range.count, -$1.range.lowerBound)
        }
        var chosen: [Match] = []
        var taken = SortedRanges()
        for match in found where taken.insertIfFree(match.range) { chosen.append(match) }
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

    private func nameMatches(_ scalars: [Unicode.Scalar], _ offsets: [Int]) -> [Match] {
        guard !identity.nameWords.isEmpty else { return [] }
        var words = self.words(scalars)
        guard !words.isEmpty else { return [] }
        for index in words.indices where identity.nameWords.contains(words[index].folded) { words[index].marked = true }
        // Particles and initials only next to a matched name; two sweeps let "J. van Berg" chain.
        for _ in 0..<2 {
            for index in words.indices where !words[index].marked {
                let word = words[index]
                let isParticle = identity.particleWords.contains(word.folded)
                let isInitial = word.end - word.start == 1 && word.isUppercaseInitial
                    && identity.initials.contains(word.folded)
                guard isParticle || isInitial else { continue }
                let before = index > 0 && words[index - 1].marked && adjacent(words[index - 1], word, scalars)
                let after = index + 1 < words.count && words[index + 1].marked
                    && adjacent(word, words[index + 1], scalars)
                if before || after { words[index].marked = true }
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
            while last + 1 < words.count, words[last + 1].marked, adjacent(words[last], words[last + 1], scalars) {
                last += 1
            }
            var end = words[last].end
            if words[last].end - words[last].start == 1, end < scalars.count, scalars[end] == "." { end += 1 }
            matches.append(Match(range: offsets[words[index].start]..<offsets[end], surrogate: "[NAME]",
                                 category: .names))
            index = last + 1
        }
        return matches
    }

    /// Whether two words are separated only by a few spaces, commas, periods, hyphens or `^`.
    private func adjacent(_ first: Word, _ second: Word, _ scalars: [Unicode.Scalar]) -> Bool {
        let gap = second.start - first.end
        guard gap >= 1, gap <= 3 else { return false }
        return scalars[first.end..<second.start].allSatisfy {
            $0 == " " || $0 == "," || $0 == "." || $0 == "-" || $0 == "^" || $0 == "\t"
        }
    }

    private func words(_ scalars: [Unicode.Scalar]) -> [Word] {
        var words: [Word] = []
        var index = 0
        var buffer = String.UnicodeScalarView()
        while index < scalars.count {
            guard TextFolding.isLetter(scalars[index]) else {
                index += 1
                continue
            }
            let start = index
            buffer.removeAll(keepingCapacity: true)
            while index < scalars.count {
                let scalar = scalars[index]
                if TextFolding.isLetter(scalar) {
                    TextFolding.append(scalar, to: &buffer)
                } else if TextFolding.isApostrophe(scalar), index + 1 < scalars.count,
                    TextFolding.isLetter(scalars[index + 1])
                {
                    // joined: O'Brien
                } else {
                    break
                }
                index += 1
            }
            // A letter glued to digits ("T2", "C5") is not a word.
            if start > 0, TextFolding.isAlphanumeric(scalars[start - 1]) { continue }
            if index < scalars.count, TextFolding.isAlphanumeric(scalars[index]) { continue }
            words.append(Word(start: start, end: index, folded: String(buffer),
                              isUppercaseInitial: scalars[start].properties.isUppercase))
        }
        return words
    }

    // MARK: Identifiers, phones, addresses, dates

    private func phraseMatches(_ scalars: [Unicode.Scalar], _ offsets: [Int], _ phrases: Set<PatientIdentity.Phrase>)
        -> [Match]
    {
        // The normalised stream: folded letters and digits, each UTF-16 unit remembering its scalar.
        var normalized = String.UnicodeScalarView()
        var origin: [Int] = []
        var folded = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() where TextFolding.isAlphanumeric(scalar) {
            folded.removeAll(keepingCapacity: true)
            TextFolding.append(scalar, to: &folded)
            for part in folded {
                normalized.append(part)
                for _ in 0..<part.utf16.count { origin.append(index) }
            }
        }
        guard !origin.isEmpty else { return [] }
        let haystack = NSString(string: String(normalized))
        var matches: [Match] = []
        for phrase in phrases.sorted(by: { ($0.kind, $0.normalized) < ($1.kind, $1.normalized) }) {
            let needle = phrase.normalized
            let needleLength = needle.utf16.count
            var searchStart = 0
            while searchStart + needleLength <= origin.count {
                let found = haystack.range(
                    of: needle, options: .literal,
                    range: NSRange(location: searchStart, length: origin.count - searchStart))
                guard found.location != NSNotFound, found.length > 0 else { break }
                searchStart = found.location + 1
                let first = origin[found.location]
                let last = origin[found.location + found.length - 1]
                guard isBoundary(before: first, after: last, scalars),
                    gapsAreSeparators(origin[found.location..<(found.location + found.length)], scalars),
                    let surrogate = surrogate(for: phrase)
                else { continue }
                var start = first
                if start > 0, scalars[start - 1] == "(", scalars[first...last].contains(")") { start -= 1 }
                matches.append(Match(range: offsets[start]..<offsets[last + 1], surrogate: surrogate,
                                     category: category(of: phrase.kind)))
            }
        }
        return matches
    }

    private func isBoundary(before first: Int, after last: Int, _ scalars: [Unicode.Scalar]) -> Bool {
        (first == 0 || !TextFolding.isAlphanumeric(scalars[first - 1]))
            && (last + 1 >= scalars.count || !TextFolding.isAlphanumeric(scalars[last + 1]))
    }

    private func gapsAreSeparators(_ positions: ArraySlice<Int>, _ scalars: [Unicode.Scalar]) -> Bool {
        var previous: Int?
        for position in positions {
            if let previous, position > previous + 1 {
                guard position - previous - 1 <= Self.maximumGap,
                    scalars[(previous + 1)..<position].allSatisfy({ Self.separators.contains($0) })
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
        }
    }

    private func category(of kind: PatientIdentity.PhraseKind) -> SafeHarborIdentifier {
        switch kind {
        case .identifier: .medicalRecordNumbers
        case .phone: .telephoneNumbers
        case .email: .emailAddresses
        case .address, .city, .postalCode: .geographic
        case .birthDate: .dates
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
