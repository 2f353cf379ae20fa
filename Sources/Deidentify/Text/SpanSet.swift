/// The replacements chosen in one piece of text: non-overlapping UTF-16 ranges, each with its surrogate.
///
/// Rules offer candidates in priority order, one rule at a time (``commit()`` after each). A candidate that
/// overlaps nothing is taken; one that wholly contains the spans it overlaps replaces them (the larger removal
/// wins); one that overlaps only partly is taken for the uncovered parts that hold a letter or digit, so no
/// fragment of a detected identifier survives because another rule claimed its neighbour.
struct SpanSet {
    struct Span {
        var range: Range<Int>
        var text: String
        var category: SafeHarborIdentifier
        var candidate: Int
    }

    private(set) var spans: [Span] = []
    private var pending: [Span] = []
    private var removed: Set<Int> = []
    private var candidates = 0
    private let units: [UInt16]

    init(units: [UInt16]) { self.units = units }

    /// Offers one candidate; candidates of one rule must not overlap each other.
    mutating func offer(_ range: Range<Int>, text: String, category: SafeHarborIdentifier) {
        guard !range.isEmpty else { return }
        candidates += 1
        var overlapping: [Int] = []
        var index = firstIndex(endingAfter: range.lowerBound)
        while index < spans.count, spans[index].range.lowerBound < range.upperBound {
            if !removed.contains(index) { overlapping.append(index) }
            index += 1
        }
        if overlapping.count == 1, spans[overlapping[0]].range == range { return }  // already replaced
        if overlapping.allSatisfy({ range.lowerBound <= spans[$0].range.lowerBound
            && spans[$0].range.upperBound <= range.upperBound })
        {
            removed.formUnion(overlapping)
            pending.append(Span(range: range, text: text, category: category, candidate: candidates))
            return
        }
        var cursor = range.lowerBound
        for overlap in overlapping {
            let covered = spans[overlap].range
            if covered.lowerBound > cursor { piece(cursor..<covered.lowerBound, text, category) }
            cursor = max(cursor, covered.upperBound)
        }
        if cursor < range.upperBound { piece(cursor..<range.upperBound, text, category) }
    }

    private mutating func piece(_ range: Range<Int>, _ text: String, _ category: SafeHarborIdentifier) {
        guard units[range].contains(where: { $0 >= 0x80 || Self.isASCIIAlphanumeric($0) }) else { return }
        pending.append(Span(range: range, text: text, category: category, candidate: candidates))
    }

    /// Ends one rule: its candidates join the chosen spans.
    mutating func commit() {
        guard !pending.isEmpty || !removed.isEmpty else { return }
        var kept: [Span] = []
        kept.reserveCapacity(spans.count + pending.count)
        var newSpans = pending.sorted { $0.range.lowerBound < $1.range.lowerBound }[...]
        for (index, span) in spans.enumerated() where !removed.contains(index) {
            while let next = newSpans.first, next.range.lowerBound < span.range.lowerBound {
                kept.append(next)
                newSpans.removeFirst()
            }
            kept.append(span)
        }
        kept.append(contentsOf: newSpans)
        spans = kept
        pending = []
        removed = []
    }

    /// Whether a range is free of chosen spans (committed ones).
    func isFree(_ range: Range<Int>) -> Bool {
        let index = firstIndex(endingAfter: range.lowerBound)
        return index >= spans.count || spans[index].range.lowerBound >= range.upperBound
    }

    /// The text with every span replaced, and the number of candidates per kind.
    func applied() -> (text: String, counts: [SafeHarborIdentifier: Int]) {
        var output: [UInt16] = []
        output.reserveCapacity(units.count)
        var cursor = 0
        var seen: Set<Int> = []
        var counts: [SafeHarborIdentifier: Int] = [:]
        for span in spans {
            output.append(contentsOf: units[cursor..<span.range.lowerBound])
            output.append(contentsOf: span.text.utf16)
            cursor = span.range.upperBound
            if seen.insert(span.candidate).inserted { counts[span.category, default: 0] += 1 }
        }
        output.append(contentsOf: units[cursor...])
        return (String(decoding: output, as: UTF16.self), counts)
    }

    /// The index of the first span whose end lies after `offset` (spans are sorted and disjoint).
    private func firstIndex(endingAfter offset: Int) -> Int {
        var low = 0, high = spans.count
        while low < high {
            let middle = (low + high) / 2
            if spans[middle].range.upperBound <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    static func isASCIIAlphanumeric(_ unit: UInt16) -> Bool {
        (unit >= 0x30 && unit <= 0x39) || (unit >= 0x41 && unit <= 0x5A) || (unit >= 0x61 && unit <= 0x7A)
    }
}
