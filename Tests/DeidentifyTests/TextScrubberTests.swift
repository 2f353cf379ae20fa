import DICOM
import Foundation
import Testing

@testable import Deidentify

@Suite struct TextScrubberTests {
    static let shift = DateShift(days: -30)

    static func identity() -> PatientIdentity {
        var identity = PatientIdentity()
        identity.add(personName: PersonName(parsing: "MÜLLER^HANS^PETER"))
        identity.addIdentifier("PID-0042-7731")
        identity.addIdentifier("9876543")
        identity.addPhone("+1 (617) 555-0142")
        identity.addEmail("hans.mueller@example.org")
        identity.addAddress(text: "12 Birchwood Terrace, Northfield, MA 01360")
        identity.addBirthDate(DICOMDate(year: 1951, month: 3, day: 14)!)
        return identity
    }

    func scrub(_ text: String, identity: PatientIdentity? = nil, shift: DateShift? = TextScrubberTests.shift)
        -> ScrubResult
    {
        TextScrubber(identity: identity, dateShift: shift).scrub(text)
    }

    func count(_ result: ScrubResult, _ category: SafeHarborIdentifier) -> Int {
        result.findings.first { $0.category == category }?.count ?? 0
    }

    // MARK: Names

    @Test func replacesUnlabelledCodesThatMixLettersAndDigits() {
        #expect(scrub("Specimen CANARY-AAAB3 sent").text == "Specimen [ID] sent")
        #expect(scrub("order X7F3K9Q pending").text == "order [ID] pending")
        // Numbers in words and short technical terms stay.
        #expect(scrub("COVID-19 negative, HbA1c normal, T2 weighted, 3D recon").text
            == "COVID-19 negative, HbA1c normal, T2 weighted, 3D recon")
    }

    @Test func findsThePatientsOwnNamesInAnyCaseOrderAndSpelling() {
        let identity = Self.identity()
        for text in [
            "Hans Müller was seen.", "MULLER, HANS was seen.", "muller hans was seen.", "Mueller, Hans was seen.",
            "Patient MÜLLER^HANS^PETER was seen.", "H. P. Müller was seen.", "Müller, H. was seen.",
        ] {
            let result = scrub(text, identity: identity)
            for name in ["Hans", "HANS", "hans", "Müller", "MULLER", "muller", "Mueller", "PETER", "H.", "P."] {
                #expect(!result.text.contains(name), "\(text) → \(result.text)")
            }
            #expect(result.text.hasSuffix(" was seen."), "\(result.text)")
            #expect(count(result, .names) >= 1)
        }
    }

    @Test func matchesParticlesAndInitialsOnlyNextToANameAndForeignPhoneForms() {
        var identity = PatientIdentity()
        identity.addName(family: "van der Berg", given: ["Anna"])
        identity.addName("José García-López")
        identity.addPhone("+44 20 7946 0958")
        let result = scrub(
            "A van der Berg; van Gogh; der Spiegel; Jose Garcia Lopez; GARCÍA, J.; call 020 7946 0958 or 2079460958",
            identity: identity)
        #expect(result.text == "[NAME]; van Gogh; der Spiegel; [NAME]; [NAME]; call [PHONE] or [PHONE]")
    }

    @Test func gathersTheIdentityFromADICOMDataSet() {
        func element(_ tag: UInt32, _ vr: VR, _ text: String) -> DataElement {
            var bytes = Array(text.utf8)
            if bytes.count % 2 == 1 { bytes.append(0x20) }
            return DataElement(tag: Tag(tag), vr: vr, bytes: bytes)
        }
        let dataset = Dataset([
            element(0x0008_0005, .CS, "ISO_IR 192"),
            element(0x0010_0010, .PN, "Ørsted^Kirsten^Marie"),
            element(0x0010_0020, .LO, "DK-4471-0092"),
            element(0x0010_0030, .DA, "19300117"),
            element(0x0010_1000, .LO, "ALT77120\\ALT88231"),
            element(0x0010_1040, .LO, "7 Harbour Close, Eastwick, VT 05601"),
            element(0x0010_2154, .SH, "802-555-0177"),
        ])
        var identity = PatientIdentity()
        identity.add(dataset: dataset)
        let text = "KIRSTEN ORSTED (dk 4471 0092, alt ALT88231), b. 17011930, of Eastwick; 7 Harbour Close; "
            + "tel 802 555 0177; zip 05601. Marie agreed."
        let result = scrub(text, identity: identity)
        for planted in ["KIRSTEN", "ORSTED", "4471", "0092", "ALT88231", "17011930", "Eastwick", "Harbour", "555",
                        "0177", "05601", "Marie"]
        {
            #expect(!result.text.contains(planted), "\(planted) in \(result.text)")
        }
        #expect(result.text.contains("056**"))
    }

    @Test func findsNamesRunTogetherWithTheTextInScriptsWrittenWithoutSpaces() {
        var identity = PatientIdentity()
        identity.add(personName: PersonName(parsing: "Yamada^Taro=山田^太郎=やまだ^たろう"))
        identity.addName(family: "王", given: ["伟"])
        identity.addName(family: "홍", given: ["길동"])
        let cases: [(String, String)] = [
            ("山田太郎様の所見：異常なし。", "[NAME]様の所見：異常なし。"),
            ("患者やまだたろうさん、山田・太郎。", "患者[NAME]さん、[NAME]。"),
            ("太郎山田氏", "[NAME]氏"),
            ("山田さんは来院。", "[NAME]さんは来院。"),
            ("王伟的报告。伟大的王国。", "[NAME]的报告。伟大的王国。"),
            ("환자 홍길동은 퇴원했다. 길동씨.", "환자 [NAME]은 퇴원했다. [NAME]씨."),
            // Decomposed Hangul (NFD) is found too.
            ("환자 \("홍길동".decomposedStringWithCanonicalMapping)은", "환자 [NAME]은"),
            ("Yamada Taro; 山本太一", "[NAME]; 山本太一"),
        ]
        for (text, expected) in cases {
            let result = scrub(text, identity: identity)
            #expect(result.text == expected, "\(text)")
            #expect(count(result, .names) >= 1, "\(text)")
        }
        // A one-character name alone is an ordinary word, and text of a patient without such names is untouched.
        #expect(scrub("伟大的王国。", identity: identity).text == "伟大的王国。")
        #expect(scrub("山田太郎様", identity: Self.identity()).text == "山田太郎様")
    }

    @Test func doesNotOverMatchInitialsOrNamesInsideWords() {
        let identity = Self.identity()
        let text = "Grade H lesion. Hansen criteria met. T2 weighted, P wave normal. Level 4."
        #expect(scrub(text, identity: identity).text == text)
    }

    @Test func findsTitledLabelledListedAndCredentialedNames() {
        let cases: [(String, String)] = [
            ("Seen by Dr. Jane Roe today.", "Seen by Dr. [NAME] today."),
            ("Discussed with Mrs Alice Walker.", "Discussed with Mrs [NAME]."),
            ("Prof. O'Neil agreed", "Prof. [NAME] agreed"),
            ("Nurse Kim Lee noted", "Nurse [NAME] noted"),
            ("Patient: John Q. Public\n", "Patient: [NAME]\n"),
            ("Name: SMITH^JOHN", "Name: [NAME]"),
            ("Referring Physician: Gregory House", "Referring Physician: [NAME]"),
            ("Reviewed with Drs. Adams, Baker and Clark.", "Reviewed with Drs. [NAME], [NAME] and [NAME]."),
            ("Electronically signed by Maria Garcia", "Electronically signed by [NAME]"),
            ("Read by: Dr. Ahmed Khan", "Read by: Dr. [NAME]"),
            ("Jane Roe, MD", "[NAME], MD"),
        ]
        for (text, expected) in cases {
            let result = scrub(text)
            #expect(result.text == expected)
            #expect(count(result, .names) >= 1)
        }
    }

    // MARK: Dates

    @Test func shiftsEveryDateFormKeepingTheFormat() {
        let cases: [(String, String)] = [
            ("on 2023-04-05.", "on 2023-03-06."),
            ("on 2023-04-05T14:30:00Z", "on 2023-03-06T14:30:00Z"),
            ("on 04/05/2023", "on 03/06/2023"),
            ("on 4/5/23", "on 3/6/23"),
            ("on 05.04.2023", "on 06.03.2023"),
            ("on 25/12/2023", "on 25/11/2023"),
            ("on April 5, 2023", "on March 6, 2023"),
            ("on APR 5 2023", "on MAR 6 2023"),
            ("on 5 Apr 2023", "on 6 Mar 2023"),
            ("on 05-Apr-2023", "on 06-Mar-2023"),
            ("on the 5th of April 2023", "on the 6th of March 2023"),
            ("in Apr 2023", "in Mar 2023"),
            ("in 04/2023", "in 03/2023"),
            ("on April 5", "on March 6"),
            ("on 20230405", "on 20230306"),
            ("at 20230405143000", "at 20230306143000"),
            ("on Jan 10, 2024", "on Dec 11, 2023"),
        ]
        for (text, expected) in cases {
            let result = scrub(text)
            #expect(result.text == expected)
            #expect(count(result, .dates) == 1, "\(text)")
        }
    }

    @Test func keepsTheIntervalBetweenTwoDates() {
        let result = scrub("Admitted 03/01/2024, discharged 03/15/2024.", shift: DateShift(days: -100))
        #expect(result.text == "Admitted 11/22/2023, discharged 12/06/2023.")
        let dates = result.text.split(separator: " ").compactMap { part -> DICOMDate? in
            let fields = part.filter { $0 != "," && $0 != "." }.split(separator: "/").compactMap { Int($0) }
            return fields.count == 3 ? DICOMDate(year: fields[2], month: fields[0], day: fields[1]) : nil
        }
        #expect(dates.count == 2)
        #expect(dates[1].daysSinceEpoch - dates[0].daysSinceEpoch == 14)
    }

    @Test func reducesDatesToTheYearWithoutAShift() {
        #expect(scrub("on 04/05/2023 and 2023-04-06 and April 7, 2023", shift: nil).text == "on 2023 and 2023 and 2023")
        #expect(scrub("on April 7", shift: nil).text == "on [DATE]")
        #expect(scrub("since 2019", shift: nil).text == "since 2019")
    }

    @Test func removesTheBirthDateInFormsTheDatePatternsMiss() {
        let result = scrub("DOB 03141951 (coded 14031951)", identity: Self.identity())
        #expect(result.text == "DOB [DATE] (coded [DATE])")
    }

    @Test func replacesAgesOver89() {
        let cases: [(String, String)] = [
            ("A 92-year-old man", "A [90+]-year-old man"), ("age 93", "age [90+]"), ("93 yo", "[90+] yo"),
            ("93 y/o female", "[90+] y/o female"), ("aged 101", "aged [90+]"), ("died aged 90.", "died aged [90+]."), ("Age: 95", "Age: [90+]"),
            ("A 45-year-old man", "A 45-year-old man"), ("age 89", "age 89"),
        ]
        for (text, expected) in cases { #expect(scrub(text).text == expected) }
    }

    // MARK: Numbers and addresses

    @Test func replacesCodesAfterAReferenceLabelButNotWords() {
        for (text, expected) in [
            ("Findings. Reference CANARY-AAAGD.", "Findings. Reference [ID]."),
            ("Ref. no: 44-XQ7 attached", "Ref. no: [ID] attached"),
            ("see REF# AB_CDEF", "see REF# [ID]"),
            ("reference code 20231", "reference code [ID]"),
            ("Reference range normal. REFERENCE STANDARD met. Refers to CT-1 slice.",
             "Reference range normal. REFERENCE STANDARD met. Refers to CT-1 slice."),
        ] {
            #expect(scrub(text).text == expected, "\(text)")
        }
    }

    @Test func replacesContactAndRecordNumbers() {
        let cases: [(String, String, SafeHarborIdentifier)] = [
            ("call (617) 555-0123 x45 today", "call [PHONE] today", .telephoneNumbers),
            ("call 617-555-0123.", "call [PHONE].", .telephoneNumbers),
            ("call 617.555.0123", "call [PHONE]", .telephoneNumbers),
            ("call +1 617 555 0123", "call [PHONE]", .telephoneNumbers),
            ("call +44 20 7946 0958", "call [PHONE]", .telephoneNumbers),
            ("Tel: 5550123", "Tel: [PHONE]", .telephoneNumbers),
            ("Fax: 617-555-0199", "Fax: [FAX]", .faxNumbers),
            ("mail jane.roe@hospital.example.com now", "mail [EMAIL] now", .emailAddresses),
            ("SSN 123-45-6789", "SSN [SSN]", .socialSecurityNumbers),
            ("SSN: 123456789", "SSN: [SSN]", .socialSecurityNumbers),
            ("MRN: 12345678", "MRN: [ID]", .medicalRecordNumbers),
            ("Acc# A2023-0042", "Acc# [ID]", .otherIdentifiers),
            ("Accession No. 77881", "Accession No. [ID]", .otherIdentifiers),
            ("Account 0099-1234", "Account [ID]", .accountNumbers),
            ("Policy number XK-99812", "Policy number [ID]", .healthPlanNumbers),
            ("Licence: D1234567", "Licence: [ID]", .certificateLicenseNumbers),
            ("License plate: 7ABC123", "License plate: [PLATE]", .vehicleIdentifiers),
            ("VIN 1HGCM82633A004352", "VIN [VIN]", .vehicleIdentifiers),
            ("pump S/N: PX-88812", "pump S/N: [SERIAL]", .deviceIdentifiers),
            ("Serial Number 4471-AA", "Serial Number [SERIAL]", .deviceIdentifiers),
            ("see https://portal.example.org/p?id=12.", "see [URL].", .urls),
            ("see www.example.org/x", "see [URL]", .urls),
            ("from 192.168.10.45:8080", "from [IP]:8080", .ipAddresses),
            ("from 2001:db8::8a2e:370:7334", "from [IP]", .ipAddresses),
            ("study 1.3.6.1.4.1.9590.100.1.2.1234", "study [UID]", .otherIdentifiers),
        ]
        for (text, expected, category) in cases {
            let result = scrub(text)
            #expect(result.text == expected)
            #expect(count(result, category) == 1, "\(text): \(result.findings)")
        }
    }

    @Test func replacesAddressesAndCutsZIPCodes() {
        let cases: [(String, String)] = [
            ("lives at 42 Maple Street, Apt 3B.", "lives at [ADDRESS]."),
            ("lives at 1600 N Ocean Blvd", "lives at [ADDRESS]"),
            ("P.O. Box 1234", "[ADDRESS]"),
            ("Boston, MA 02115", "[CITY], MA 021**"),
            ("Hanover, NH 03601-1234", "[CITY], NH 000**"),
            ("Springfield, Illinois", "[CITY], Illinois"),
            ("ZIP: 89001", "ZIP: 000**"),
            ("Address: 9 Elm Row, Kent\nNext line", "Address: [ADDRESS]\nNext line"),
        ]
        for (text, expected) in cases {
            let result = scrub(text)
            #expect(result.text == expected)
            #expect(count(result, .geographic) >= 1)
        }
    }

    @Test func zipPolicyKeepsThreeDigitsAndZeroesRestrictedPrefixes() {
        let policy = ZIPCodePolicy.census2000
        #expect(policy.truncated("02115") == "021")
        #expect(policy.truncated("02115-1234") == "021")
        #expect(policy.truncated("021151234") == "021")
        for prefix in ["036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878",
                       "879", "884", "890", "893"]
        {
            #expect(policy.truncated(prefix + "12") == "000")
        }
        #expect(policy.restrictedPrefixes.count == 17)
        #expect(policy.truncated("2115") == nil)
        #expect(policy.truncated("ABCDE") == nil)
        let custom = ZIPCodePolicy(restrictedPrefixes: ["021"], source: "test list")
        #expect(TextScrubber(zipPolicy: custom).scrub("Boston, MA 02115").text == "[CITY], MA 000**")
    }

    @Test func findsThePatientsIdentifiersWhateverThePunctuation() {
        let identity = Self.identity()
        let text = "IDs PID 0042 7731, pid-0042-7731 and 9876543; phone 617 555 0142; hans.mueller@example.org; "
            + "12 Birchwood Terrace, Northfield; zip 01360."
        let result = scrub(text, identity: identity)
        for planted in ["0042", "7731", "9876543", "555", "0142", "mueller", "Birchwood", "Northfield", "01360"] {
            #expect(!result.text.contains(planted), "\(planted) in \(result.text)")
        }
        #expect(scrub("A 98765432 value and 19876543", identity: identity).text == "A 98765432 value and 19876543")
    }

    @Test func preservesClinicalTextWithoutIdentifiers() {
        for text in [
            "CT 5 mm slices, T2 weighted, Level 4.", "Nodule 12 x 9 mm in segment 6, stable since 2019.",
            "Dose 100 mg twice daily; BP 120/80; HR 72.", "Grade 3 of 4. Follow up in 3 months.",
            "Transfer syntax 1.2.840.10008.1.2.1 used.", "Window 400/40 HU, kernel B30f.",
            "Ranges 100-1200 HU and 3-5 mm.", "Series 2 image 45 shows the lesion at 14:30.",
            "The patient may return in May.", "Version 3.10.12 of the software.",
        ] {
            let result = scrub(text)
            #expect(result.text == text)
            #expect(result.findings.isEmpty)
        }
    }

    @Test func isDeterministic() {
        let text = "Dr. Jane Roe saw Hans Müller on 04/05/2023, MRN 12345678, tel 617-555-0123."
        let first = scrub(text, identity: Self.identity())
        #expect(scrub(text, identity: Self.identity()) == first)
    }

    @Test func scrubsTenMegabytesInPieces() {
        let paragraph = "Seen by Dr. Jane Roe on 04/05/2023 (MRN: 12345678), call 617-555-0123, Hans Muller.\n"
        var text = ""
        while text.utf8.count < 10_000_000 { text += paragraph }
        text += String(repeating: "x", count: 200_000)  // one long line without spaces
        let result = scrub(text, identity: Self.identity())
        #expect(!result.text.contains("Roe"))
        #expect(!result.text.contains("12345678"))
        #expect(!result.text.contains("Muller"))
        #expect(!result.text.contains("04/05/2023"))
        #expect(count(result, .names) > 100_000)
    }

    @Test func chunksCutAtLineBreaksAndKeepEveryCharacter() {
        let text = String(repeating: "line of text é 😀\n", count: 20_000)
        let chunks = TextScrubber.chunks(of: text, limit: 4096)
        #expect(chunks.count > 1)
        #expect(chunks.joined() == text)
        for chunk in chunks.dropLast() { #expect(chunk.hasSuffix("\n")) }
    }
}

@Suite struct TextScrubberTextCleanerTests {
    @Test func cleansDICOMTextRemovingNamesAndValuesThatNoLongerFit() {
        var identity = PatientIdentity()
        identity.addName("Li Wu")
        let cleaner: any TextCleaner = TextScrubber(identity: identity, dateShift: DateShift(days: -1))
        #expect(cleaner.clean("WU^LI", vr: .PN, tag: Tag(0x0010_0010)) == nil)
        #expect(cleaner.clean("CT chest for Li Wu 2023-04-05", vr: .LO, tag: Tag(0x0008_1030))
            == "CT chest for [NAME] 2023-04-04")
        #expect(cleaner.clean("ABDOMEN\\Dr. Wu", vr: .LO, tag: Tag(0x0008_1030)) == "ABDOMEN\\Dr. [NAME]")
        #expect(cleaner.clean("Li", vr: .SH, tag: Tag(0x0008_0050)) == "[NAME]")
        #expect(cleaner.clean("Li; Wu; Li; Wu", vr: .SH, tag: Tag(0x0008_0050)) == nil)  // 30 characters scrubbed
        #expect(cleaner.clean("T2 weighted", vr: .LO, tag: Tag(0x0008_103E)) == "T2 weighted")
    }
}
