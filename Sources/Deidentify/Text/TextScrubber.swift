import Dispatch
import Foundation
import Synchronization

/// Removes the Safe Harbor identifiers (45 CFR §164.514(b)(2)(i)(A)-(R)) from free text: deterministic patterns
/// for every kind that has a recognisable form, plus the known identifiers of the patient the text belongs to.
///
/// What it finds, in priority order (an earlier kind wins where two overlap; a later, longer match that contains
/// earlier ones replaces them whole):
/// - the patient's own names, IDs, phone numbers, e-mail addresses and address parts (``PatientIdentity``);
/// - e-mail addresses, URLs (`http`, `https`, `ftp`, `www.`), SSNs (`123-45-6789`, or nine digits after an SSN
///   label), licence plates after a label and 17-character VINs, device serials after `Serial`, `S/N`, `SN`,
///   `UDI`, `Lot`; record numbers after a label (`MRN: 12345678`, `Acc#`, `Accession No.`, `Account`, `Policy`,
///   `Member ID`, `License`/`Licence`, `NPI`, `Encounter`, …; the value must hold a digit); DICOM-style UIDs
///   outside the `1.2.840.10008` root; IPv4 and IPv6 addresses;
/// - phone and fax numbers: after a label (`Tel`, `Phone`, `Fax`, `Mobile`, `Pager`), international (`+44 20 …`),
///   and US forms `(617) 555-0123`, `617-555-0123`, `617.555.0123`, `+1 617 555 0123`, with extensions;
/// - dates in every written form: `2023-04-05`, `04/05/2023`, `4/5/23`, `05.04.2023`, `April 5, 2023`,
///   `5th of April 2023`, `05-APR-2023`, `Apr 2023`, `04/2023`, `April 5`, `5 April`, DICOM `20230405` with or
///   without a time; each is moved by the patient's ``DateShift`` and rewritten in its own format (padding,
///   two- or four-digit year, month name style and case, ordinal), so intervals inside a document are kept; with
///   no shift a date becomes its year, and a day without a year becomes `[DATE]`. Years alone are kept
///   (Safe Harbor allows them);
/// - the patient's birth date in any leftover digit form;
/// - ages over 89 (`92-year-old`, `93 yo`, `93 y/o`, `age 93`, `aged 95`) become `[90+]`;
/// - names: after a title (`Dr.`, `Mr`, `Mrs.`, `Ms.`, `Prof.`, `Nurse`, `Doctor`), lists after `Drs.`,
///   after a label (`Patient:`, `Name:`, `Referring Physician:`, `Signed by`), before a credential
///   (`Jane Roe, MD`);
/// - geography: street addresses (number, capitalised name, suffix, `Apt`/`Suite`), `P.O. Box`, labelled
///   `Address:` lines, `City, ST 02115` lines (city removed, state kept, ZIP code cut to three digits or
///   `000` by the ``ZIPCodePolicy``), `City, State` pairs, `ZIP:` labels.
///
/// Surrogates are typed placeholders in brackets — `[NAME]`, `[ADDRESS]`, `[CITY]`, `[ID]`, `[PHONE]`, `[FAX]`,
/// `[EMAIL]`, `[URL]`, `[IP]`, `[SSN]`, `[SERIAL]`, `[PLATE]`, `[VIN]`, `[UID]`, `[DATE]`, `[INSTITUTION]`, `[90+]`
/// — never realistic fakes:
/// a fake name or number can be mistaken for a real one, or collide with one, and typed placeholders show a
/// reader what was there. ZIP codes become `021**`; shifted dates stay dates. Output is deterministic: the same
/// text, identity, shift and policy always give the same bytes.
///
/// The patient's own names in scripts written without spaces (Han, kana, Hangul, Thai) are found anywhere in the
/// text, not only between word boundaries (`山田太郎様の所見` → `[NAME]様の所見`); a one-character name is
/// found only as part of the patient's longer name.
///
/// Not caught: names that carry no title, label, credential or identity entry (a relative named in passing),
/// a one-character family or given name written alone in those scripts, half-width forms of a full-width name,
/// misspelt names, cities without a state or ZIP code, bare 7- or 10-digit phone numbers without a label or
/// separators, numbers without a label that look like measurements, identifiers split across lines, dates
/// written in words ("the fifth of April") or relative to events, and anything in images. Biometric identifiers
/// (P) and photographs (Q) are out of scope for text.
///
/// ```swift
/// let scrubber = TextScrubber(identity: identity, dateShift: DateShift(days: -30))
/// let result = scrubber.scrub("Seen by Dr. Jane Roe on 04/05/2023, MRN: 12345678, tel (617) 555-0123.")
/// result.text      // "Seen by Dr. [NAME] on 03/06/2023, MRN: [ID], tel [PHONE]."
/// result.findings  // [names: 1, dates: 1, telephoneNumbers: 1, medicalRecordNumbers: 1]
/// ```
public struct TextScrubber: Sendable {
    /// The known identifiers of the patient the text belongs to, if known.
    public var identity: PatientIdentity? {
        didSet { identityChanged() }
    }
    /// The patient's date shift; without one, dates are reduced to their year.
    public var dateShift: DateShift?
    /// The ZIP code rule.
    public var zipPolicy: ZIPCodePolicy {
        didSet { identityChanged() }
    }

    /// The matcher of ``identity``, built once per identity rather than once per text.
    private var matcher: IdentityMatcher?
    /// The identities and matchers ``cleaner(for:dateShift:)`` made from instances, by what each instance says
    /// about its patient; shared by copies of this scrubber, replaced when ``identity`` or ``zipPolicy`` changes.
    private(set) var instanceIdentities = InstanceIdentityCache()
    /// Whether rules are skipped on text that lacks what they need (``ScrubRequirement``); off only in tests
    /// that compare the output against running every pattern on every text.
    var checksRequirements = true

    /// Texts longer than this many UTF-16 code units are scrubbed in pieces cut at line breaks (or, failing
    /// that, at white space), which bounds memory and the cost of each pattern.
    static let chunkLimit = 65_536

    /// Creates a scrubber.
    /// - Parameters:
    ///   - identity: The patient's known identifiers, searched for everywhere.
    ///   - dateShift: The patient's date shift (the same ``DateShifter`` offset as their DICOM dates); `nil`
    ///     reduces dates to years.
    ///   - zipPolicy: The three-digit ZIP rule; the 2000 Census list by default.
    public init(identity: PatientIdentity? = nil, dateShift: DateShift? = nil,
                zipPolicy: ZIPCodePolicy = .census2000)
    {
        self.identity = identity
        self.dateShift = dateShift
        self.zipPolicy = zipPolicy
        matcher = Self.matcher(identity, zipPolicy)
    }

    /// A scrubber with a matcher already built for `identity` and `zipPolicy`.
    init(identity: PatientIdentity, matcher: IdentityMatcher?, dateShift: DateShift?, zipPolicy: ZIPCodePolicy) {
        self.identity = identity
        self.dateShift = dateShift
        self.zipPolicy = zipPolicy
        self.matcher = matcher
    }

    private mutating func identityChanged() {
        matcher = Self.matcher(identity, zipPolicy)
        instanceIdentities = InstanceIdentityCache()
    }

    static func matcher(_ identity: PatientIdentity?, _ zipPolicy: ZIPCodePolicy) -> IdentityMatcher? {
        identity.flatMap { $0.isEmpty ? nil : IdentityMatcher(identity: $0, zipPolicy: zipPolicy) }
    }

    /// Scrubs `text`.
    /// - Returns: The text with surrogates in place of every identifier found, and the kinds and counts found.
    public func scrub(_ text: String) -> ScrubResult {
        let chunks = Self.chunks(of: text)
        var pieces: [(text: String, counts: [SafeHarborIdentifier: Int])]
        if chunks.count == 1 {
            pieces = [scrubChunk(String(text))]
        } else {
            // Pieces are independent: scrub them on all cores, then join them in order (deterministic output).
            let results = Mutex([Int: (text: String, counts: [SafeHarborIdentifier: Int])]())
            let scrubber = self
            let pieceTexts = chunks.map(String.init)
            DispatchQueue.concurrentPerform(iterations: pieceTexts.count) { index in
                let result = scrubber.scrubChunk(pieceTexts[index])
                results.withLock { $0[index] = result }
            }
            let collected = results.withLock { $0 }
            pieces = (0..<pieceTexts.count).map { collected[$0] ?? scrubber.scrubChunk(pieceTexts[$0]) }
        }
        var counts: [SafeHarborIdentifier: Int] = [:]
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for piece in pieces {
            output += piece.text
            for (category, count) in piece.counts { counts[category, default: 0] += count }
        }
        return ScrubResult(text: output, findings: ScrubFinding.list(counts))
    }

    private func scrubChunk(_ chunk: String) -> (String, [SafeHarborIdentifier: Int]) {
        guard chunk.contains(where: { $0.isLetter || $0.isNumber }) else { return (chunk, [:]) }
        let units = Array(chunk.utf16)
        var spans = SpanSet(units: units)
        let traits = TextTraits(units)
        let identityMatches = matcher?.matches(in: units)
        for match in identityMatches?.identifiers ?? [] {
            spans.offer(match.range, text: match.surrogate, category: match.category)
        }
        spans.commit()
        for rule in Self.identifierRules { apply(rule, to: chunk, units: units, traits: traits, spans: &spans) }
        for match in identityMatches?.birthDates ?? [] where spans.isFree(match.range) {
            spans.offer(match.range, text: match.surrogate, category: match.category)
        }
        spans.commit()
        for rule in Self.contextRules { apply(rule, to: chunk, units: units, traits: traits, spans: &spans) }
        return spans.applied()
    }

    private func apply(
        _ rule: ScrubRule, to chunk: String, units: [UInt16], traits: TextTraits, spans: inout SpanSet
    ) {
        if checksRequirements, !rule.requirement.mayMatch(traits) { return }
        let whole = NSRange(location: 0, length: units.count)
        if let prefilter = rule.prefilter, prefilter.firstMatch(in: chunk, options: [], range: whole) == nil { return }
        for result in rule.regex.matches(in: chunk, options: [], range: whole) {
            let match = RuleMatch(units: units, result: result)
            guard let range = match.range(rule.group), !range.isEmpty,
                let replacement = rule.replace(match, self)
            else { continue }
            spans.offer(range, text: replacement.text, category: replacement.category)
        }
        spans.commit()
    }

    /// Pieces of at most ``chunkLimit`` UTF-16 units, cut after a line break in the second half of the piece,
    /// else after the last white space, else at a character boundary.
    static func chunks(of text: String, limit: Int = chunkLimit) -> [Substring] {
        guard text.utf16.count > limit else { return [text[...]] }
        var pieces: [Substring] = []
        var start = text.startIndex
        var units = 0
        var lastLineBreak: String.Index?
        var lastSpace: String.Index?
        var index = start
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            units += character.utf16.count
            if character.isNewline { lastLineBreak = next } else if character.isWhitespace { lastSpace = next }
            if units >= limit {
                let cut: String.Index
                if let lastLineBreak, text.utf16.distance(from: start, to: lastLineBreak) >= limit / 2 {
                    cut = lastLineBreak
                } else if let lastSpace {
                    cut = lastSpace
                } else if let lastLineBreak {
                    cut = lastLineBreak
                } else {
                    cut = next
                }
                pieces.append(text[start..<cut])
                start = cut
                units = text.utf16.distance(from: start, to: next)
                lastLineBreak = nil
                lastSpace = nil
            }
            index = next
        }
        if start < text.endIndex { pieces.append(text[start...]) }
        return pieces
    }
}
