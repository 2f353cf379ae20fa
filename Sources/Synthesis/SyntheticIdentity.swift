import DICOM

/// A made-up patient: names in several scripts, identifiers, dates, contact details and studies.
///
/// Everything is drawn from a seeded generator and from syllable tables, so it looks plausible and belongs to
/// no one. Numbers and UIDs use the digits 1-9 only, so they cannot contain by chance a date or time with a 0
/// (most canary dates and every canary time have one).
struct SyntheticIdentity {
    /// A name in Latin letters: display form with diacritics, and an ASCII twin for e-mail addresses.
    struct LatinName {
        var family: String
        var given: String
        var asciiFamily: String
        var asciiGiven: String
        /// `Family^Given` (PS3.5 §6.2.1).
        var dicom: String { "\(family)^\(given)" }
        /// `Given Family`, as text writes it.
        var text: String { "\(given) \(family)" }
    }

    /// A name in a script written without spaces: family and given components.
    struct ScriptName {
        var family: String
        var given: String
        var dicom: String { "\(family)^\(given)" }
    }

    struct Study {
        var modality: String
        var studyInstanceUID: String
        var accessionNumber: String
        var studyDate: String
        var studyTime: String
        var studyID: String
    }

    var index: Int
    var name: LatinName
    var romaji: ScriptName
    var kanji: ScriptName
    var cyrillic: ScriptName
    var chinese: ScriptName
    var physician: LatinName
    var mrn: String
    var ssn: String
    var birthDate: String
    var sex: String
    var age: Int
    var street: String
    var city: String
    var zip: String
    var phone: String
    var fax: String
    var email: String
    var ipAddress: String
    var licencePlate: String
    var portalURL: String
    var studies: [Study]

    var folder: String { "patient-" + SyntheticIdentity.pad(index + 1, 4) }

    func study(_ modality: String) -> Study {
        studies.first { $0.modality == modality } ?? studies[0]
    }

    static let modalities = ["CT", "MR", "CR", "US", "NM", "SR"]

    var manifestEntry: Manifest.Patient {
        Manifest.Patient(
            folder: folder, familyName: name.family, givenName: name.given, romajiName: romaji.dicom,
            kanjiName: kanji.dicom, cyrillicName: cyrillic.dicom, chineseName: chinese.dicom, mrn: mrn, ssn: ssn,
            birthDate: birthDate, sex: sex, age: age, street: street, city: city, zip: zip, phone: phone, fax: fax,
            email: email,
            studies: studies.map {
                Manifest.Study(
                    studyInstanceUID: $0.studyInstanceUID, accessionNumber: $0.accessionNumber,
                    studyDate: $0.studyDate, modality: $0.modality)
            })
    }

    // MARK: Drawing

    /// Latin syllables with one non-ASCII letter each (all in ISO 8859-1, so ISO_IR 100 can hold them), with
    /// their ASCII twins.
    private static let accented: [(String, String)] = [
        ("mü", "mu"), ("ré", "re"), ("ço", "co"), ("ña", "na"), ("lø", "lo"), ("bå", "ba"), ("dé", "de"),
        ("kö", "ko"), ("sä", "sa"), ("gü", "gu"), ("fé", "fe"), ("tè", "te"), ("vò", "vo"), ("jï", "ji"),
        ("hô", "ho"), ("pí", "pi"),
    ]
    private static let plain = [
        "ka", "lo", "mi", "ren", "tor", "van", "sel", "bra", "din", "gor", "lan", "mer", "nos", "pel", "rix",
        "sun", "tal", "vic", "wen", "zar",
    ]
    private static let romajiSyllables = [
        "ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "ta", "to", "na", "ni", "ha", "hi", "ma", "mi", "ya",
        "yo", "ra", "ri", "wa",
    ]
    private static let kanjiFamily = safe(Array("山田中川高木林森石松井村本藤原野小大佐伊"), in: "ISO 2022 IR 87")
    private static let kanjiGiven = safe(Array("太郎花子一美恵健翔真由香雄和明智"), in: "ISO 2022 IR 87")
    private static let cyrillicSyllables = ["ко", "ла", "ми", "ре", "со", "ва", "ни", "до", "бе", "жу", "ры", "ше"]
    private static let chineseFamily = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙"].filter {
        safe(Array($0), in: "GB18030").count == 2
    }
    private static let chineseGiven = safe(Array("小红明华伟芳丽强军静敏杰磊洋艳勇"), in: "GB18030")

    /// The characters whose encoding in `term` has no byte that a reader could take for a delimiter (`\`,
    /// `^`, `=`): JIS X 0208 and GB18030 use 0x5C and 0x5E inside two-byte characters, which naive readers split.
    private static func safe(_ characters: [Character], in term: String) -> [Character] {
        let characterSet = SpecificCharacterSet(terms: term == "GB18030" ? [term] : ["ISO 2022 IR 6", term])
        return characters.filter { character in
            guard let bytes = characterSet.encode(String(character), vr: .LO) else { return false }
            return !bytes.contains { $0 == 0x5C || $0 == 0x5E || $0 == 0x3D }
        }
    }
    private static let streetKinds = ["Street", "Avenue", "Lane", "Road", "Way"]
    private static let cityEndings = ["bourg", "ville", "stadt", "haven", "field"]
    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// Draws patient `index`; `used` keeps names and identifiers unique across the corpus.
    init(index: Int, random: inout SplitMix64, used: inout Set<String>) {
        self.index = index
        let name = Self.latinName(&random, used: &used)
        self.name = name
        physician = Self.latinName(&random, used: &used)
        romaji = Self.unique(&random, used: &used) { random in
            ScriptName(
                family: Self.capitalized(Self.syllables(3, from: Self.romajiSyllables, &random)),
                given: Self.capitalized(Self.syllables(3, from: Self.romajiSyllables, &random)))
        }
        kanji = Self.unique(&random, used: &used) { random in
            ScriptName(
                family: String([random.pick(Self.kanjiFamily), random.pick(Self.kanjiFamily)]),
                given: String([random.pick(Self.kanjiGiven), random.pick(Self.kanjiGiven)]))
        }
        cyrillic = Self.unique(&random, used: &used) { random in
            let family = Self.syllables(3, from: Self.cyrillicSyllables, &random) + random.pick(["ов", "ева", "ин"])
            return ScriptName(
                family: Self.capitalized(family),
                given: Self.capitalized(Self.syllables(3, from: Self.cyrillicSyllables, &random)))
        }
        chinese = Self.unique(&random, used: &used) { random in
            ScriptName(
                family: random.pick(Self.chineseFamily),
                given: String([random.pick(Self.chineseGiven), random.pick(Self.chineseGiven)]))
        }
        mrn = Self.unique(&random, used: &used) { "MRN" + Self.digits(8, &$0) }
        ssn = Self.unique(&random, used: &used) {
            "9" + Self.digits(2, &$0) + "-" + Self.digits(2, &$0) + "-" + Self.digits(4, &$0)
        }
        sex = random.pick(["F", "M"])
        // Every third patient is over 89 (PS3.15 and HIPAA treat such ages as identifying).
        let birthYear = index % 3 == 0 ? random.int(in: 1924...1930) : random.int(in: 1940...2005)
        birthDate = Self.date(year: birthYear, month: random.int(in: 1...12), day: random.int(in: 1...28))
        var studies: [Study] = []
        for modality in Self.modalities {
            let year = random.int(in: 2021...2025)
            let date = Self.date(year: year, month: random.int(in: 1...12), day: random.int(in: 1...28))
            let time =
                Self.pad(random.int(in: 7...18), 2) + Self.pad(random.int(in: 0...59), 2)
                + Self.pad(random.int(in: 0...59), 2)
            studies.append(
                Study(
                    modality: modality, studyInstanceUID: Self.uid(&random),
                    accessionNumber: Self.unique(&random, used: &used) { "ACC" + Self.digits(9, &$0) },
                    studyDate: date, studyTime: time,
                    studyID: Self.unique(&random, used: &used) { "ST" + Self.digits(6, &$0) }))
        }
        studies.sort { ($0.studyDate, $0.modality) < ($1.studyDate, $1.modality) }
        self.studies = studies
        let firstYear = Int(studies[0].studyDate.prefix(4)) ?? 2021
        age = firstYear - birthYear
        street = Self.unique(&random, used: &used) { random in
            Self.digits(random.int(in: 1...3), &random) + " "
                + Self.capitalized(random.pick(Self.accented).0 + random.pick(Self.plain) + random.pick(Self.plain))
                + " " + random.pick(Self.streetKinds)
        }
        city = Self.capitalized(random.pick(Self.plain) + random.pick(Self.accented).0 + random.pick(Self.cityEndings))
        zip = Self.unique(&random, used: &used) { Self.digits(5, &$0) }
        phone = Self.unique(&random, used: &used) { "(555) " + Self.digits(3, &$0) + "-" + Self.digits(4, &$0) }
        fax = Self.unique(&random, used: &used) { "(555) " + Self.digits(3, &$0) + "-" + Self.digits(4, &$0) }
        email = Self.unique(&random, used: &used) {
            "\(Self.lowercased(name.asciiGiven)).\(Self.lowercased(name.asciiFamily))\(Self.digits(2, &$0))@example.org"
        }
        ipAddress = Self.unique(&random, used: &used) {
            "192.168." + Self.digits(2, &$0) + "." + Self.digits(2, &$0)
        }
        licencePlate = Self.unique(&random, used: &used) { random in
            let letters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")
            return String([random.pick(letters), random.pick(letters)]) + "-" + Self.digits(3, &random) + "-"
                + String([random.pick(letters), random.pick(letters)])
        }
        portalURL = "https://portal.example.org/patients/" + mrn
    }

    private static func latinName(_ random: inout SplitMix64, used: inout Set<String>) -> LatinName {
        unique(&random, used: &used) { random in
            let first = random.pick(accented)
            let second = random.pick(plain)
            let third = random.pick(plain)
            let givenFirst = random.pick(plain)
            let givenSecond = random.pick(accented)
            return LatinName(
                family: capitalized(first.0 + second + third), given: capitalized(givenFirst + givenSecond.0),
                asciiFamily: capitalized(first.1 + second + third), asciiGiven: capitalized(givenFirst + givenSecond.1))
        }
    }

    /// Draws until the value's description is new, giving up after 50 tries (then a repeat is accepted).
    private static func unique<T>(
        _ random: inout SplitMix64, used: inout Set<String>, _ draw: (inout SplitMix64) -> T
    ) -> T {
        var value = draw(&random)
        var tries = 0
        while used.contains(String(describing: value)), tries < 50 {
            value = draw(&random)
            tries += 1
        }
        used.insert(String(describing: value))
        return value
    }

    private static func syllables(_ count: Int, from table: [String], _ random: inout SplitMix64) -> String {
        (0..<count).map { _ in random.pick(table) }.joined()
    }

    static func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    static func lowercased(_ text: String) -> String { text.lowercased() }

    /// `count` digits from 1-9.
    static func digits(_ count: Int, _ random: inout SplitMix64) -> String {
        String((0..<count).map { _ in Character(String(random.int(in: 1...9))) })
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func date(year: Int, month: Int, day: Int) -> String { pad(year, 4) + pad(month, 2) + pad(day, 2) }

    /// A UID under the 2.25 arc (PS3.5 §B.2): "2.25." and 38 digits from 1-9, a number below 2^128.
    static func uid(_ random: inout SplitMix64) -> String { "2.25." + digits(38, &random) }

    /// The forms a date takes in free text: `2023-04-05`, `05/04/2023`, `April 5, 2023`, `5 Apr 2023`.
    static func textForms(of date: String) -> [String] {
        let characters = Array(date)
        guard characters.count == 8, let month = Int(String(characters[4...5])),
            let day = Int(String(characters[6...7])),
            (1...12).contains(month)
        else { return [date] }
        let year = String(characters[0...3])
        let monthName = months[month - 1]
        return [
            "\(year)-\(pad(month, 2))-\(pad(day, 2))", "\(pad(day, 2))/\(pad(month, 2))/\(year)",
            "\(monthName) \(day), \(year)", "\(day) \(monthName.prefix(3)) \(year)",
        ]
    }
}
