import DICOM
import Synthesis
import Testing

@Suite struct PersonNameTests {
    @Test func parsesThreeGroupsOfFiveComponents() {
        let name = PersonName(parsing: "Yamada^Tarou=山田^太郎=やまだ^たろう")
        #expect(name.alphabetic.familyName == "Yamada")
        #expect(name.alphabetic.givenName == "Tarou")
        #expect(name.ideographic.familyName == "山田")
        #expect(name.phonetic.givenName == "たろう")
        let full = PersonName(parsing: "Adams^John Robert Quincy^^Rev.^B.A. M.Div.")
        #expect(full.alphabetic.components == ["Adams", "John Robert Quincy", "", "Rev.", "B.A. M.Div."])
    }

    @Test(arguments: ["", "Smith", "Smith^John", "^^^^", "=山田", "Wang^XiaoDong=王^小東=", "A^B^C^D^E^F", "a=b=c=d"])
    func descriptionGivesBackTheParsedText(_ text: String) {
        #expect(PersonName(parsing: text).description == text)
    }

    @Test func jsonFormDropsTrailingEmptyGroupsLikePydicom() {
        #expect(PersonName(parsing: "Wang^XiaoDong=王^小東=").jsonComponents == ["Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小東"])
        #expect(PersonName(parsing: "=山田").jsonComponents == ["Alphabetic": "", "Ideographic": "山田"])
        #expect(PersonName(parsing: "Smith==").jsonComponents == ["Alphabetic": "Smith"])
        #expect(PersonName(parsing: "").jsonComponents == [:])
        let json = ["Alphabetic": "Hong^Gildong", "Ideographic": "洪^吉洞", "Phonetic": "홍^길동"]
        #expect(PersonName(jsonComponents: json).jsonComponents == json)
        #expect(PersonName(jsonComponents: json).description == "Hong^Gildong=洪^吉洞=홍^길동")
    }

    @Test func buildsGroupsWithoutTrailingEmptyComponents() {
        let group = PersonName.ComponentGroup(familyName: "Doe", givenName: "Jane")
        #expect(group.description == "Doe^Jane")
        #expect(PersonName(alphabetic: group).description == "Doe^Jane")
        #expect(PersonName.ComponentGroup("^^").isEmpty)
    }
}

@Suite struct DICOMDateTests {
    @Test(arguments: ["19700101", "20240229", "00010101", "99991231", "19000228"])
    func descriptionRoundTrips(_ text: String) throws {
        #expect(try #require(DICOMDate(parsing: text)).description == text)
    }

    @Test(arguments: ["20230229", "19000229", "20241301", "20240001", "20240431", "2024010", "2024-01-01", "abcdefgh", ""])
    func rejectsInvalidDates(_ text: String) {
        #expect(DICOMDate(parsing: text) == nil)
    }

    @Test func acceptsLegacyDottedFormAndPadding() {
        #expect(DICOMDate(parsing: "1993.08.22")?.description == "19930822")
        #expect(DICOMDate(parsing: "20000229 ")?.description == "20000229")
    }

    @Test func countsDaysFromTheEpoch() {
        #expect(DICOMDate(parsing: "19700101")?.daysSinceEpoch == 0)
        #expect(DICOMDate(parsing: "20000301")?.daysSinceEpoch == 11_017)
        #expect(DICOMDate(parsing: "19691231")?.daysSinceEpoch == -1)
        #expect(DICOMDate(daysSinceEpoch: 19_782)?.description == "20240229")
        #expect(DICOMDate(parsing: "00000101")?.daysSinceEpoch == -719_528)
    }

    @Test func shiftingThenUnshiftingGivesTheOriginalAndKeepsIntervals() throws {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let a = Int(generator.next() % 3_000_000) - 700_000  // years ~ 0054...9999
            let b = a + Int(generator.next() % 40_000)
            let offset = Int(generator.next() % 20_000) - 10_000
            guard let first = DICOMDate(daysSinceEpoch: a), let second = DICOMDate(daysSinceEpoch: b),
                let shiftedFirst = first.adding(days: offset), let shiftedSecond = second.adding(days: offset)
            else { continue }
            #expect(shiftedFirst.adding(days: -offset) == first)
            #expect(shiftedSecond.daysSinceEpoch - shiftedFirst.daysSinceEpoch == b - a)
            #expect(DICOMDate(parsing: shiftedFirst.description) == shiftedFirst)
        }
    }

    @Test func shiftingOutOfFourDigitYearsGivesNil() {
        #expect(DICOMDate(parsing: "99991231")?.adding(days: 1) == nil)
    }
}

@Suite struct DICOMTimeTests {
    @Test(arguments: ["07", "0930", "093015", "093015.1", "093015.123456", "235960", "000000.000000"])
    func descriptionRoundTripsAtTheOriginalPrecision(_ text: String) throws {
        #expect(try #require(DICOMTime(parsing: text)).description == text)
    }

    @Test(arguments: ["24", "0960", "093061", "093015.1234567", "9", "093", "0930.5", "ab", "093015."])
    func rejectsInvalidTimes(_ text: String) {
        #expect(DICOMTime(parsing: text) == nil)
    }

    @Test func readsPrecisionAndLegacyColons() throws {
        let time = try #require(DICOMTime(parsing: "09:30:15.25"))
        #expect(time.description == "093015.25")
        #expect(time.precision == .fraction)
        #expect(time.microsecond == 250_000)
        #expect(DICOMTime(parsing: "0930 ")?.precision == .minute)
        #expect(DICOMTime(parsing: "12:05")?.description == "1205")
        #expect(DICOMTime(parsing: "010203")?.secondsSinceMidnight == 3723)
    }
}

@Suite struct DICOMDateTimeTests {
    @Test(arguments: [
        "2024", "202402", "20240229", "2024022909", "202402290930", "20240229093015", "20240229093015.5",
        "20240229093015.123456+0100", "1999-0500", "20240229093015+1400", "20240229-1200",
    ])
    func descriptionRoundTrips(_ text: String) throws {
        #expect(try #require(DICOMDateTime(parsing: text)).description == text)
    }

    @Test(arguments: ["202", "20241", "20240230", "2024022925", "20240229+01", "20240229+1500", "20240229-1201", "2024.5", "20240229093015.1234567"])
    func rejectsInvalidValues(_ text: String) {
        #expect(DICOMDateTime(parsing: text) == nil)
    }

    @Test func keepsPrecisionAndOffset() throws {
        let value = try #require(DICOMDateTime(parsing: "20240229093000.5+0100"))
        #expect(value.precision == .fraction)
        #expect(value.utcOffsetMinutes == 60)
        #expect(value.adding(days: 1)?.description == "20240301093000.5+0100")
        #expect(DICOMDateTime(parsing: "202402")?.adding(days: 40)?.description == "202403")
        #expect(DICOMDateTime(parsing: "20240101000000+0100")?.microsecondsSinceEpoch == 1_704_063_600_000_000)
    }

    @Test func shiftingPreservesIntervalsAndReverses() throws {
        var generator = SplitMix64(seed: 11)
        let texts = ["20240229", "2024022909", "19991231235960", "20000101000000.25-0500", "20110315124501.123456"]
        for _ in 0..<500 {
            let offset = Int(generator.next() % 40_000) - 20_000
            let values = texts.compactMap { DICOMDateTime(parsing: $0) }
            let shifted = values.compactMap { $0.adding(days: offset) }
            try #require(shifted.count == values.count)
            for (original, moved) in zip(values, shifted) {
                #expect(moved.adding(days: -offset) == original)
                #expect(moved.precision == original.precision)
                #expect(DICOMDateTime(parsing: moved.description) == moved)
            }
            for i in values.indices.dropFirst() {
                #expect(
                    shifted[i].microsecondsSinceEpoch - shifted[0].microsecondsSinceEpoch
                        == values[i].microsecondsSinceEpoch - values[0].microsecondsSinceEpoch)
            }
        }
    }
}

@Suite struct AgeStringTests {
    @Test(arguments: ["000D", "006W", "018M", "045Y", "999Y"])
    func descriptionRoundTrips(_ text: String) throws {
        #expect(try #require(AgeString(parsing: text)).description == text)
    }

    @Test func readsValueUnitAndYears() throws {
        let age = try #require(AgeString(parsing: "018M"))
        #expect(age.value == 18)
        #expect(age.unit == .months)
        #expect(age.years == 1.5)
        #expect(AgeString(parsing: "45Y")?.description == "045Y")
        #expect(AgeString(parsing: "1000Y") == nil)
        #expect(AgeString(parsing: "045") == nil)
        #expect(AgeString(parsing: "04XY") == nil)
        #expect(AgeString(value: 1000, unit: .days) == nil)
    }
}

@Suite struct NumberStringTests {
    @Test func parsesDecimalStrings() {
        #expect(DecimalString.parse(" -1.5e3 ") == -1500)
        #expect(DecimalString.parse("+.5") == 0.5)
        #expect(DecimalString.parse("5.") == 5)
        #expect(DecimalString.parse("1E-2") == 0.01)
        #expect(DecimalString.parse("1e") == nil)
        #expect(DecimalString.parse("nan") == nil)
        #expect(DecimalString.parse("0x10") == nil)
        #expect(DecimalString.parse("") == nil)
        #expect(DecimalString.parseValues("0.5\\ 1 \\-2") == [0.5, 1, -2])
        #expect(DecimalString.parseValues("") == [])
        #expect(DecimalString.isValid("12345678901234567") == false)
        #expect(DecimalString.isValid("1234567890123456"))
    }

    @Test func formatsDecimalsInSixteenCharacters() throws {
        var generator = SplitMix64(seed: 3)
        let fixed: [Double] = [0, -0.0, 1, 3, 0.1, 1.0 / 3.0, -2.0 / 3.0, 1e-300, -1.7976931348623157e308, 123456789012345680, 0.000012345678901234]
        var values = fixed
        for _ in 0..<1000 { values.append(Double(bitPattern: generator.next())) }
        for value in values where value.isFinite {
            let text = try #require(DecimalString.format(value))
            #expect(text.count <= 16, "\(text)")
            #expect(DecimalString.isValid(text), "\(text)")
            let back = try #require(DecimalString.parse(text))
            #expect(abs(back - value) <= abs(value) * 1e-8, "\(text)")
        }
        #expect(DecimalString.format(3) == "3")
        #expect(DecimalString.format(0.1) == "0.1")
        #expect(DecimalString.format(.nan) == nil)
        #expect(DecimalString.format(.infinity) == nil)
    }

    @Test func parsesAndFormatsIntegerStrings() {
        #expect(IntegerString.parse(" +42 ") == 42)
        #expect(IntegerString.parse("-7") == -7)
        #expect(IntegerString.parse("4.0") == nil)
        #expect(IntegerString.parse("") == nil)
        #expect(IntegerString.parseValues("1\\2\\ 3") == [1, 2, 3])
        #expect(IntegerString.isValid("2147483647"))
        #expect(!IntegerString.isValid("2147483648"))
        #expect(!IntegerString.isValid("0000000000001"))
        #expect(IntegerString.format(Int(Int32.max) + 1) == nil)
        #expect(IntegerString.format(-12) == "-12")
    }
}

@Suite struct MultipleValueTests {
    @Test func splitsAtEveryBackslashKeepingEmptyValues() {
        #expect("".dicomValues == [""])
        #expect("A".dicomValues == ["A"])
        #expect("A\\\\B\\".dicomValues == ["A", "", "B", ""])
        #expect("1.2.3\\4.5".dicomValues.map(String.init) == ["1.2.3", "4.5"])
        // A backslash before a combining mark is still a separator (a Character split would not split there).
        #expect("Ü\\\u{301}x".dicomValues.map(String.init) == ["Ü", "\u{301}x"])
        #expect("山田\\太郎".dicomValues.map(String.init) == ["山田", "太郎"])
    }
}
