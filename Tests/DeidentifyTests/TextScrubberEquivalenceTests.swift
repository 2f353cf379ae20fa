import DICOM
import Foundation
import Synthesis
import Testing

@testable import Deidentify

/// The fast paths of the scrubber and the session against the way they worked before: generated texts mixing
/// the identity's names, dates in many formats, phone numbers, e-mail addresses, identifiers, digits,
/// punctuation and non-ASCII letters and digits must give identical output.
@Suite struct TextScrubberEquivalenceTests {
    /// A fixed-seed generator (the synthesis module's SplitMix64), so a failure can be replayed.
    typealias SeededGenerator = SplitMix64

    static func identities() -> [PatientIdentity?] {
        var second = PatientIdentity()
        second.add(personName: PersonName(parsing: "O'BRIEN^JANE^Q"))
        second.addName("Ann van der Berg")
        second.addName("D’Angelo")
        second.addIdentifier("ACC77123")
        second.addPhone("+44 20 7946 0958")
        second.addEmail("jane.obrien@hospital.example")
        second.addAddress(lines: ["4 Elm Road"], city: "Springfield", postalCode: "02115")
        second.addInstitution("St Mary General Hospital")
        second.addBirthDate(DICOMDate(year: 1980, month: 11, day: 2)!)
        return [TextScrubberTests.identity(), second, nil]
    }

    static let names = [
        "Müller", "MULLER", "muller", "Mueller", "MUELLER", "Hans", "HANS", "hans", "Peter", "H.", "P", "H", "Jane",
        "JANE", "O'Brien", "OBRIEN", "O’Brien", "Q.", "van der Berg", "Van Der Berg", "Ann", "D’Angelo", "DAngelo",
        "Smith", "Roe", "Lee", "MÜLLER^HANS", "OBRIEN^JANE", "Müller, Hans", "J. Smith", "Jones", "Mary",
    ]
    static let titles = [
        "Dr.", "dr", "DR", "Mr", "Mrs.", "Ms", "Miss", "Mx", "Prof.", "Professor", "Nurse", "Doctor", "Drs.",
        "Doctors", "Sister", "Rev", "Fr", "and", "&",
    ]
    static let labels = [
        "Patient:", "patient", "Name:", "Referring Physician:", "Signed by", "signed by", "Seen by", "dictated by:",
        "MRN:", "MRN", "mrn", "Acc#", "Accession No.", "Account", "Policy", "Member ID", "License", "NPI", "Encounter",
        "SSN", "SSN:", "Serial", "S/N", "SN", "UDI", "Lot", "Tel", "Phone:", "Fax", "fax:", "Mobile", "Pager",
        "Address:", "address", "ZIP", "Zip code:", "Plate", "license plate", "Vehicle ID", "age", "aged", "Age:",
        "P.O. Box", "PO Box", "Apt", "Apartment", "Suite", "Study ID", "Order #", "Contact:", "cc:", "Home",
    ]
    /// Every label, suffix and keyword alternative of the rule patterns, written out in full (not the stems the
    /// requirements use), so that a stem missing from a requirement shows up as a difference.
    static let patternWords = [
        "ssn", "SS#", "ss no", "SS No.", "soc sec", "social security", "Social Security Number", "soc. sec",
        "license plate", "licence plate", "plate number", "plate no.", "plate #", "plate", "vehicle registration",
        "vehicle reg.", "vehicle id", "registration number", "registration no", "registration plate", "tag number",
        "tag no.", "tag #", "serial", "serial number", "serial no.", "s/n", "S/N", "sn", "ser #", "ser#",
        "device id", "device identifier", "device serial", "udi", "imei", "mac address", "lot", "lot number",
        "model number", "model no.", "model #", "implant id", "implant serial", "mrn", "medical record",
        "medical record number", "med rec", "medrec no", "record number", "chart no.", "hospital #", "unit id",
        "patient id", "patient identifier", "patient number", "patient no.", "pat id", "patid", "pid", "health plan",
        "health plan id", "member id", "insurance number", "subscriber #", "beneficiary no", "medicaid",
        "medicare id", "policy", "policy number", "group number", "group #", "mbi", "hicn", "account",
        "account number", "acct", "acct #", "billing id", "billing number", "invoice number", "invoice #", "license",
        "licence no.", "lic", "lic #", "certificate", "certificate number", "cert number", "cert no.", "cert#", "dea",
        "dea number", "npi", "passport", "passport no", "accession", "accession number", "acc#", "acc no.", "acc",
        "encounter", "encounter id", "visit id", "case number", "order #", "specimen id", "requisition no.",
        "admission number", "claim id", "study id", "csn", "empi", "fin", "tel", "telephone", "phone", "ph", "fax",
        "facsimile", "mobile", "cell", "cellular", "pager", "beeper", "home", "work", "direct", "contact", "Tel.",
        "PHONE #", "age", "aged", "age of", "years", "year", "yrs", "yr", "y/o", "y.o.", "y.o", "yo", "y",
        "-year-old", "zip", "zip code", "zipcode", "postal code", "postcode", "post code", "street", "st", "avenue",
        "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "way", "court", "ct", "place", "pl",
        "terrace", "ter", "circle", "cir", "highway", "hwy", "parkway", "pkwy", "square", "sq", "trail", "trl",
        "alley", "plaza", "crescent", "close", "row", "walk", "pike", "route", "rte", "strasse", "straße", "N", "NE",
        "North", "signed by", "electronically signed by", "dictated by", "transcribed by", "reported by", "read by",
        "reviewed by", "verified by", "approved by", "interpreted by", "performed by", "examined by", "seen by",
        "referred by", "attested by", "address", "home address", "mailing address", "Patient's name",
        "referring physician", "next of kin", "emergency contact", "guardian", "Drs", "Doctors", "of", "&",
        "Apt", "apartment", "Box", "P.O.", "PO", "MA", "NY", "Texas", "New York", "District of Columbia",
        "Reference", "reference", "REF", "Ref.", "ref no.", "Reference Number", "ref #", "Ref ID", "reference code",
        "CANARY-AAAGD", "AB_CDE", "X-RAY",
    ] + TextScrubber.titles.split(separator: "|").map(String.init)
        + TextDates.monthPattern.split(separator: "|").map(String.init) + TextScrubber.credentials
    static let credentials = ["MD", "M.D.", "RN", "PhD", "Ph.D.", "DO", "NP", "PA-C", "FRCPC", "RT(R)", "md", "Md"]
    static let months = [
        "January", "Feb", "MAR", "April", "may", "May", "Jun", "JULY", "Aug.", "Sept", "September", "Oct", "nov",
        "December", "Dec",
    ]
    static let fixed = [
        "(617) 555-0123", "617-555-0123", "617.555.0123", "+1 617 555 0123", "+44 20 7946 0958", "555-0142 x12",
        "6175550142", "(617) 555-0142", "617 555 0142", "hans.mueller@example.org", "a@b.co", "x@y", "@",
        "jane.obrien@hospital.example", "http://example.org/x?y=1", "www.example.com", "ftp://a.b/c", "HTTPS://X.Y",
        "123-45-6789", "123456789", "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5.6", "2.25.1234.5.6", "192.168.1.1",
        "10.0.0.256", "fe80::1", "::", "2001:db8::ff00:42:8329", "a::b", "3.5", "5mm", "92-year-old", "93 yo",
        "age 93", "aged 95", "93 y/o", "AB12CD", "X-7F3K9", "COVID-19", "T2", "HbA1c", "3D", "12 Oak Street",
        "12 Birchwood Terrace", "Northfield, MA 01360", "Boston, MA", "MA 02115", "Springfield, Illinois",
        "Apt 4B", "Suite 200", "4 Elm Road", "PID-0042-7731", "PID 0042 7731", "9876543", "0042-7731", "01360",
        "03141951", "14031951", "19510314", "1951-03-14", "ACC77123", "acc 77123", "02115", "021150000",
        "1HGCM82633A004352", "JH4DA9350LS000000", "St Mary General Hospital", "ST MARY GENERAL HOSPITAL",
        "20230405", "20230405120000", "20230405120000.123", "CT", "CHEST", "W/O", "CONTRAST", "head", "Series",
        "axial", "the", "with", "by", "of", "on", "in", "x", "ext. 12", "No.", "#", "Box", "St", "Ave", "Dr",
    ]
    static let nonASCII = [
        "é", "ß", "Ü", "ſ", "\u{212A}", "١٢٣", "²", "—", "日本", "😀", "Ⅻ", "İ", "Ø", "Straße", "José",
        "Zoë",
        "ＭＲＮ", "４５６", "\u{00A0}", "’",
        // Characters that case-insensitive matching may fold onto ASCII letters, numbers of other scripts, and
        // letters that do not fold: requirements are checked on such text too.
        "ﬁ", "ﬆ", "ẞ", "ẖ", "\u{212B}", "ǰ", "ı", "ŉ", "Ａ", "ｍｒｎ", "१२३४", "٣٤٥٦٧٨٩", "e\u{301}", "Ω", "Жук",
        "ñ", "ç", "½", "①②③④", "\u{1D7CE}\u{1D7CF}\u{1D7D0}\u{1D7D1}", "𝐌𝐑𝐍",
    ]
    static let separators = [
        " ", " ", " ", "  ", ", ", ". ", "\t", "\n", "-", "/", ":", ": ", "(", ")", "^", "\\", "#", "+", ".", ",", "; ",
    ]

    static func date(_ random: inout SeededGenerator) -> String {
        let year = Int.random(in: 1890...2099, using: &random)
        let month = Int.random(in: 0...13, using: &random)
        let day = Int.random(in: 0...32, using: &random)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        let name = months.randomElement(using: &random) ?? "April"
        let yy = two(year % 100)
        switch Int.random(in: 0..<16, using: &random) {
        case 0: return "\(year)-\(two(month))-\(two(day))"
        case 1: return "\(two(month))/\(two(day))/\(year)"
        case 2: return "\(month)/\(day)/\(yy)"
        case 3: return "\(two(day)).\(two(month)).\(year)"
        case 4: return "\(name) \(day), \(year)"
        case 5: return "\(day)th of \(name) \(year)"
        case 6: return "\(two(day))-\(name.prefix(3).uppercased())-\(year)"
        case 7: return "\(name) \(year)"
        case 8: return "\(two(month))/\(year)"
        case 9: return "\(name) \(day)"
        case 10: return "\(day) \(name)"
        case 11: return "\(year)\(two(month))\(two(day))"
        case 12: return "\(year)\(two(month))\(two(day))\(two(day % 24))3015"
        case 13: return "\(day)-\(month)-\(yy)"
        case 14: return "\(year)/\(month)/\(day)"
        default: return "\(day)\(["st", "nd", "rd", "th"].randomElement(using: &random) ?? "th") \(name)"
        }
    }

    static func digits(_ random: inout SeededGenerator) -> String {
        let count = Int.random(in: 1...12, using: &random)
        return String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
    }

    static func value(_ random: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return digits(&random)
        case 1: return fixed.randomElement(using: &random) ?? ""
        case 2: return date(&random)
        default: return "AB" + digits(&random)
        }
    }

    static func cased(_ text: String, _ random: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return text.uppercased()
        case 1: return text.lowercased()
        case 2: return text.prefix(1).uppercased() + text.dropFirst()
        default: return text
        }
    }

    static func token(_ random: inout SeededGenerator, allowNonASCII: Bool) -> String {
        switch Int.random(in: 0..<(allowNonASCII ? 14 : 13), using: &random) {
        case 10: return cased(patternWords.randomElement(using: &random) ?? "", &random)
        case 11, 12:
            let label = cased(patternWords.randomElement(using: &random) ?? "", &random)
            return label + ([": ", " ", "#", " # ", ":", "="].randomElement(using: &random) ?? " ") + value(&random)
        case 0, 1: return names.randomElement(using: &random) ?? ""
        case 2: return titles.randomElement(using: &random) ?? ""
        case 3: return labels.randomElement(using: &random) ?? ""
        case 4: return credentials.randomElement(using: &random) ?? ""
        case 5: return date(&random)
        case 6: return digits(&random)
        case 7, 8: return fixed.randomElement(using: &random) ?? ""
        case 9: return months.randomElement(using: &random) ?? ""
        case 13: return nonASCII.randomElement(using: &random) ?? ""
        default: return digits(&random)
        }
    }

    static func text(_ random: inout SeededGenerator, forceNonASCII: Bool = false) -> String {
        let allowNonASCII = forceNonASCII || Int.random(in: 0..<4, using: &random) == 0
        var text = forceNonASCII ? (nonASCII.randomElement(using: &random) ?? "é") + " " : ""
        for index in 0..<Int.random(in: 1...14, using: &random) {
            if index > 0 { text += separators.randomElement(using: &random) ?? " " }
            text += token(&random, allowNonASCII: allowNonASCII)
        }
        return text
    }

    @Test func skippingRulesByRequirementChangesNoOutput() {
        var random = SeededGenerator(seed: 20_261_204)
        let counts = Self.compareWithEveryRule(shifts: [DateShift(days: -30), DateShift(days: 400), nil]) { texts in
            for _ in 0..<700 { texts(Self.text(&random)) }
        }
        // The generated texts exercise the rules: most of them hold something the scrubber replaces.
        #expect(counts.compared == 6_300)
        #expect(counts.changed > counts.compared / 2)
    }

    /// The same on texts that all hold non-ASCII characters, where requirements are checked with what ICU
    /// matches beyond ASCII in mind (numbers of every script, letters that fold onto ASCII ones).
    @Test func skippingRulesOnNonASCIITextChangesNoOutput() {
        var random = SeededGenerator(seed: 4_711)
        let counts = Self.compareWithEveryRule(shifts: [DateShift(days: -30), nil]) { texts in
            for _ in 0..<1_000 { texts(Self.text(&random, forceNonASCII: true)) }
        }
        #expect(counts.compared == 6_000)
        #expect(counts.changed > counts.compared / 2)
    }

    /// Labels and names spelt with characters that case-insensitive matching folds onto ASCII letters
    /// (`ſsn` matches `ssn`, `ﬁn` matches `fin`, `straße` matches `strasse`): requirements must not skip them.
    @Test func lettersThatFoldOntoASCIIRunEveryRule() {
        let foldings: [(String, String)] = [
            ("ss", "ß"), ("s", "ſ"), ("k", "\u{212A}"), ("K", "\u{212A}"), ("fi", "ﬁ"), ("ff", "ﬀ"), ("fl", "ﬂ"),
            ("st", "ﬆ"), ("S", "ſ"),
        ]
        var random = SeededGenerator(seed: 99)
        let counts = Self.compareWithEveryRule(shifts: [DateShift(days: -30)]) { texts in
            for word in Self.patternWords + Self.labels + Self.names + Self.months {
                for (ascii, folding) in foldings where word.contains(ascii) {
                    let spelt = word.replacingOccurrences(of: ascii, with: folding)
                    texts("\(spelt): \(Self.value(&random)) \(spelt) \(Self.date(&random))")
                }
            }
        }
        #expect(counts.compared > 400)
        #expect(counts.changed > counts.compared / 2)
    }

    /// Scrubs the texts `generate` hands over, for every identity and shift, with the requirements checked and
    /// with every rule run, and expects the same result.
    /// - Returns: How many texts were compared, and how many of them the scrubber changed.
    static func compareWithEveryRule(shifts: [DateShift?], _ generate: ((String) -> Void) -> Void)
        -> (compared: Int, changed: Int)
    {
        var compared = 0
        var changed = 0
        for identity in identities() {
            for shift in shifts {
                let fast = TextScrubber(identity: identity, dateShift: shift)
                var reference = fast
                reference.checksRequirements = false
                generate { text in
                    let expected = reference.scrub(text)
                    #expect(fast.scrub(text) == expected, "text: \(text)")
                    compared += 1
                    if expected.text != text { changed += 1 }
                }
            }
        }
        return (compared, changed)
    }

    @Test func identityMatcherFindsWhatTheLegacyMatcherFound() {
        var random = SeededGenerator(seed: 7)
        for identity in Self.identities().compactMap({ $0 }) {
            let matcher = IdentityMatcher(identity: identity, zipPolicy: .census2000)
            let legacy = LegacyIdentityMatcher(identity: identity, zipPolicy: .census2000)
            var found = 0
            for _ in 0..<3_000 {
                let units = Array(Self.text(&random).utf16)
                let new = matcher.matches(in: units)
                let old = legacy.matches(in: units)
                #expect(new.identifiers.map(\.range) == old.identifiers.map(\.range))
                #expect(new.identifiers.map(\.surrogate) == old.identifiers.map(\.surrogate))
                #expect(new.identifiers.map(\.category) == old.identifiers.map(\.category))
                #expect(new.birthDates.map(\.range) == old.birthDates.map(\.range))
                #expect(new.birthDates.map(\.surrogate) == old.birthDates.map(\.surrogate))
                found += new.identifiers.count + new.birthDates.count
            }
            #expect(found > 1_000)
        }
    }

    @Test func asciiFoldingMatchesScalarFolding() {
        var random = SeededGenerator(seed: 99)
        for _ in 0..<5_000 {
            let text = Self.text(&random)
            #expect(TextFolding.nameWords(text) == TextFolding.scalarNameWords(text), "text: \(text)")
            #expect(TextFolding.alphanumerics(text) == TextFolding.scalarAlphanumerics(text), "text: \(text)")
        }
        for text in ["O'Brien", "'quoted'", "a'", "'", "x'y'z", "D'", "AB'CD ef", "l'", "", "^^", "Ab1cD"] {
            #expect(TextFolding.nameWords(text) == TextFolding.scalarNameWords(text))
            #expect(TextFolding.alphanumerics(text) == TextFolding.scalarAlphanumerics(text))
        }
    }

    @Test func asciiScalarsFoldAsLowercasedStrings() {
        for value in UInt8(0)...UInt8(127) {
            let scalar = Unicode.Scalar(value)
            var output = String.UnicodeScalarView()
            TextFolding.append(scalar, to: &output)
            #expect(String(output) == String(scalar).lowercased())
        }
    }

    @Test func recordPathSpellsTagsAsTheirDescription() {
        var random = SeededGenerator(seed: 3)
        let edges: [UInt32] = [0, 0xFFFF_FFFF, 0x0010_0010, 0x7FE0_0010, 0xFFFE_E000, 0x0009_10AB, 0xABCD_EF01]
        for raw in edges + (0..<20_000).map({ _ in UInt32.random(in: .min ... .max, using: &random) }) {
            #expect(Tag(raw).recordPath == Tag(raw).description)
        }
    }

    /// The record builder as it was: a dictionary of counts, sorted when the entries are read.
    struct LegacyRecordBuilder {
        struct Key: Hashable {
            let path: String
            let action: DeidentificationRecord.Action
            let reason: DeidentificationRecord.Reason
            let tableAction: DeidentificationAction?
            let option: ProfileOption?
        }
        var counts: [Key: Int] = [:]

        mutating func note(
            _ path: String, _ action: DeidentificationRecord.Action, _ reason: DeidentificationRecord.Reason,
            table: ResolvedAction? = nil
        ) {
            counts[Key(path: path, action: action, reason: reason, tableAction: table?.action, option: table?.option),
                   default: 0] += 1
        }

        func entries() -> [DeidentificationRecord.Entry] {
            counts.map { key, count in
                DeidentificationRecord.Entry(
                    path: key.path, action: key.action, reason: key.reason, tableAction: key.tableAction,
                    option: key.option, count: count)
            }.sorted {
                if $0.path != $1.path { return $0.path < $1.path }
                if $0.action != $1.action { return $0.action < $1.action }
                if $0.reason != $1.reason { return $0.reason.rawValue < $1.reason.rawValue }
                return ($0.tableAction?.rawValue ?? "", $0.option?.rawValue ?? "")
                    < ($1.tableAction?.rawValue ?? "", $1.option?.rawValue ?? "")
            }
        }
    }

    @Test func recordBuilderGivesTheLegacyEntries() {
        var random = SeededGenerator(seed: 11)
        let tables: [ResolvedAction?] = [
            nil, ConfidentialityProfile.standard.action(for: Tag(0x0010_1010), options: .nodeDefault),
            ConfidentialityProfile.standard.action(for: Tag(0x0008_1030), options: .nodeDefault),
            ConfidentialityProfile.standard.action(for: Tag(0x0010_0010), options: []),
            ConfidentialityProfile.standard.action(for: Tag(0x0008_0018), options: []),
        ]
        let tags = (0..<40).map { _ in Tag(UInt32.random(in: 0x0008_0000...0x0040_FFFF, using: &random)) }
        for _ in 0..<200 {
            var builder = RecordBuilder()
            var legacy = LegacyRecordBuilder()
            for _ in 0..<Int.random(in: 0...300, using: &random) {
                let tag = tags.randomElement(using: &random) ?? Tag(0)
                let inner = tags.randomElement(using: &random) ?? Tag(0)
                let path = [
                    tag.description, "meta." + tag.description, tag.description + "[*]." + inner.description,
                    tag.description + "[*]." + inner.description + "[*]." + tag.description,
                    // Not paths the session makes, but the builder must order any text as `String` does.
                    tag.description + "é", tag.description + "e\u{301}", "Ünit" + inner.description,
                ].randomElement(using: &random) ?? ""
                let action = DeidentificationRecord.Action.allCases.randomElement(using: &random) ?? .kept
                let reason = DeidentificationRecord.Reason.allCases.randomElement(using: &random) ?? .profileTable
                let table = tables.randomElement(using: &random) ?? nil
                builder.note(path, action, reason, table: table)
                legacy.note(path, action, reason, table: table)
            }
            #expect(builder.entries() == legacy.entries())
        }
    }
}
