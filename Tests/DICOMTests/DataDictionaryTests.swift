import DICOM
import Testing

@Suite struct DataDictionaryTests {
    @Test func findsPublicTagsByTagAndKeyword() throws {
        let entry = try #require(DataDictionary.entry(for: .patientName))
        #expect(entry.keyword == "PatientName")
        #expect(entry.vr == .PN)
        #expect(entry.name == "Patient's Name")
        #expect(DataDictionary.tag(forKeyword: "Rows") == .rows)
    }

    @Test func coversTheWholeGeneratedTable() {
        #expect(DataDictionary.count == 5129)
        #expect(DataDictionary.edition == "2024b")
    }

    @Test func resolvesRepeatingGroups() throws {
        let overlay = try #require(DataDictionary.entry(for: Tag(0x6002_3000)))
        #expect(overlay.keyword == "OverlayData")
        let curve = try #require(DataDictionary.entry(for: Tag(0x5004_3000)))
        #expect(curve.keyword == "CurveData")
        #expect(curve.isRetired)
    }

    @Test func givesAmbiguousVRsInOrder() throws {
        let entry = try #require(DataDictionary.entry(for: Tag(0x0028_0106)))  // Smallest Image Pixel Value
        #expect(entry.vrs == [.US, .SS])
    }

    @Test func knowsGroupLengthsAndPrivateCreators() throws {
        #expect(DataDictionary.entry(for: Tag(0x0009_0000))?.vr == .UL)
        #expect(DataDictionary.entry(for: Tag(0x0009_0010))?.vr == .LO)
        #expect(DataDictionary.entry(for: Tag(0x0009_1001)) == nil)
    }
}
