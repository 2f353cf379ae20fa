import DICOM
import Testing

@Suite struct DatasetTests {
    @Test func keepsElementsInTagOrderWhateverTheInsertionOrder() {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .rows, vr: .US, uint16s: [1]))
        dataset.set(DataElement(tag: .patientName, vr: .PN, string: "A"))
        dataset.set(DataElement(tag: .modality, vr: .CS, string: "CT"))
        dataset.set(DataElement(tag: .columns, vr: .US, uint16s: [2]))
        #expect(dataset.tags == [.modality, .patientName, .rows, .columns])
        #expect(dataset.map(\.tag) == dataset.tags)
    }

    @Test func replacesAndRemovesByTag() {
        var dataset = Dataset([DataElement(tag: .rows, vr: .US, uint16s: [1])])
        dataset[.rows] = DataElement(tag: .rows, vr: .US, uint16s: [9])
        #expect(dataset.count == 1)
        #expect(dataset[.rows]?.uint16s == [9])
        #expect(dataset.removeElement(for: .rows) != nil)
        #expect(dataset.isEmpty)
        #expect(dataset.removeElement(for: .rows) == nil)
        dataset[.modality] = DataElement(tag: .modality, vr: .CS, string: "MR")
        dataset[.modality] = nil
        #expect(!dataset.contains(.modality))
    }

    @Test func laterDuplicatesWinWhenBuildingFromElements() {
        let dataset = Dataset([
            DataElement(tag: .modality, vr: .CS, string: "CT"), DataElement(tag: .modality, vr: .CS, string: "MR"),
        ])
        #expect(dataset.string(for: .modality) == "MR")
    }

    @Test func typedAccessorsRoundTripEveryBinaryVR() {
        #expect(DataElement(tag: Tag(1), vr: .SS, int16s: [-2, 3]).int16s == [-2, 3])
        #expect(DataElement(tag: Tag(1), vr: .UL, uint32s: [.max]).uint32s == [.max])
        #expect(DataElement(tag: Tag(1), vr: .SL, int32s: [-7]).int32s == [-7])
        #expect(DataElement(tag: Tag(1), vr: .UV, uint64s: [1 << 40]).uint64s == [1 << 40])
        #expect(DataElement(tag: Tag(1), vr: .SV, int64s: [-(1 << 40)]).int64s == [-(1 << 40)])
        #expect(DataElement(tag: Tag(1), vr: .FL, float32s: [1.5]).float32s == [1.5])
        #expect(DataElement(tag: Tag(1), vr: .FD, float64s: [-2.25]).float64s == [-2.25])
        #expect(DataElement(tag: Tag(1), tags: [.pixelData]).tags == [.pixelData])
        #expect(DataElement(tag: Tag(1), vr: .US, uint16s: [0x0102]).bytes == [0x02, 0x01])
        #expect(DataElement(tag: Tag(1), vr: .US, bytes: [1, 2, 3]).uint16s == nil)
    }

    @Test func stringsDropPaddingAndSplitOnBackslash() {
        let dataset = Dataset([
            DataElement(tag: Tag(0x0008_0008), vr: .CS, string: "ORIGINAL\\PRIMARY "),
            DataElement(tag: .sopInstanceUID, vr: .UI, bytes: Array("1.2\0".utf8)),
            DataElement(tag: Tag(0x0010_4000), vr: .LT, string: "  a\\b "),
        ])
        #expect(dataset.strings(for: Tag(0x0008_0008)) == ["ORIGINAL", "PRIMARY"])
        #expect(dataset.string(for: .sopInstanceUID) == "1.2")
        #expect(dataset.strings(for: Tag(0x0010_4000)) == ["  a\\b"])
    }

    @Test func itemsInheritTheCharacterSetUnlessTheyHaveTheirOwn() {
        let dataset = Dataset(
            [DataElement(tag: .specificCharacterSet, vr: .CS, string: "\\ISO 2022 IR 87")],
            inheritedCharacterSetTerms: ["ISO_IR 100"])
        #expect(dataset.characterSetTerms == ["", "ISO 2022 IR 87"])
        #expect(Dataset([DataElement](), inheritedCharacterSetTerms: ["ISO_IR 192"]).characterSetTerms == ["ISO_IR 192"])
    }

    @Test func dumpsLikeDcmdump() throws {
        var item = Dataset()
        item.set(DataElement(tag: Tag(0x0040_0007), vr: .LO, string: "Chest"))
        var dataset = Dataset()
        dataset.set(DataElement(tag: .patientName, vr: .PN, string: "Doe^John"))
        dataset.set(DataElement(tag: .rows, vr: .US, uint16s: [512]))
        dataset.set(DataElement(tag: Tag(0x0040_0275), items: [item]))
        #expect(
            dataset.dump() == """
                (0010,0010) PN [Doe^John]  # 8, 1 PatientName
                (0028,0010) US 512  # 2, 1 Rows
                (0040,0275) SQ (Sequence #=1)  # 1, 1 RequestAttributesSequence
                  (FFFE,E000) na (Item #=1)
                    (0040,0007) LO [Chest]  # 5, 1 ScheduledProcedureStepDescription

                """)
        let file = try DICOMReader.read(contentsOf: DICOMFixtures.url("rtplan.dcm"))
        #expect(file.dataset.dump().split(separator: "\n").count > 126)
    }
}

@Suite struct DataElementDescriptionTests {
    @Test func descriptionsNeverShowValues() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .patientName, vr: .PN, string: "Planted^Secret"))
        dataset.set(DataElement(tag: Tag(0x0040_0275), items: [dataset]))
        let file = DICOMFile(dataset: dataset)
        for text in [
            "\(dataset)", String(reflecting: dataset), "\(file)", String(reflecting: file),
            "\(dataset[.patientName]!)", "\(dataset[.patientName]!.value)",
        ] {
            #expect(!text.contains("Planted"))
            #expect(!text.contains("80, 108"))  // the bytes "Pl"
        }
        #expect("\(dataset[.patientName]!)" == "(0010,0010) PN, 14 bytes")
    }
}
