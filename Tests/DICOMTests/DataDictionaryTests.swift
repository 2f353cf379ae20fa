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

    @Test func keywordLookupAgreesWithTheEntryTable() {
        // Exact rows across every group, repeating groups (60xx, 50xx), group length, Private Creator and
        // private tags, and tags the dictionary does not list.
        var tags: [DICOM.Tag] = [.patientName, .sopClassUID, .pixelData, Tag(0x6002_3000), Tag(0x5010_0005), Tag(0x0008_0000),
            Tag(0x0009_0010), Tag(0x0009_1001), Tag(0x0008_0001), Tag(0xFFFE_E000), Tag(0x7FE1_0010), Tag(0x0002_0010)]
        for group in stride(from: UInt32(0x0002), through: 0x0072, by: 2) {
            for element in stride(from: UInt32(0), through: 0x0130, by: 1) { tags.append(Tag(group << 16 | element)) }
        }
        for tag in tags {
            #expect(DataDictionary.keyword(for: tag) == DataDictionary.entry(for: tag)?.keyword, "\(tag)")
        }
        #expect(DataDictionary.keyword(for: .patientName) == "PatientName")
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

    @Test func vrLookupAgreesWithTheEntryTable() {
        // Every exact row, plus repeating groups, group lengths, private creators and unknown private tags.
        var tags: [DICOM.Tag] = []
        // Groups 0008 (general), 0028 (image pixel: "US or SS", "OB or OW", "US or OW" rows).
        for group: UInt16 in [0x0008, 0x0028] {
            for element in 0...UInt16(0x9FFF) where DataDictionary.entry(for: Tag(group: group, element: element)) != nil {
                tags.append(Tag(group: group, element: element))
            }
        }
        tags += [
            .patientName, .pixelData, Tag(0x6002_3000), Tag(0x5004_3000), Tag(0x7F02_0010), Tag(0x0009_0000),
            Tag(0x0009_0010), Tag(0x0009_1001), Tag(0x0028_0106), Tag(0x0028_3006), Tag(0xFFFE_E000), Tag(0x0011_0000),
            Tag(0x0123_4567),
        ]
        for keyword in ["ImageType", "Rows", "LUTData", "OverlayData", "RedPaletteColorLookupTableData"] {
            if let tag = DataDictionary.tag(forKeyword: keyword) { tags.append(tag) }
        }
        for tag in tags {
            #expect(DataDictionary.vr(for: tag) == DataDictionary.entry(for: tag)?.vr, "\(tag)")
        }
        #expect(tags.count > 400)
    }
}
