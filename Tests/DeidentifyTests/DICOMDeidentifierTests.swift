import Crypto
import DICOM
import Foundation
import Synthesis
import Testing
import TestSupport

@testable import Deidentify

@Suite struct DICOMDeidentifierTests {

    @Test func removesEveryPlantedValueFromTheOutputBytes() throws {
        let input = Planted.ctFile()
        let inputBytes = try DICOMWriter.encode(input)
        #expect(Planted.contains(inputBytes, Planted.marker), "the fixture must plant canaries")
        for options: ProfileOptions in [.nodeDefault, .basic, [.retainSafePrivate, .retainUIDs, .cleanGraphics]] {
            let (output, record) = try Planted.output(try Planted.deidentifier(options: options).deidentify(input))
            let bytes = try DICOMWriter.encode(output)
            #expect(!Planted.contains(bytes, Planted.marker), "a canary survived under \(options)")
            #expect(!Planted.contains(bytes, "19400101"), "birth date survived under \(options)")
            #expect(!Planted.contains(bytes, "20240301"), "a real date survived under \(options)")
            if !options.contains(.retainUIDs) {
                #expect(!Planted.contains(bytes, "1.2.826.0.1.3680043.9.9999"), "an original UID survived")
            }
            // The record names paths and actions, never values.
            let recordText = record.entries.map(\.description).joined(separator: "\n")
            #expect(!recordText.uppercased().contains(Planted.marker))
            #expect(record.entries.contains { $0.path == "(0040,A730)[*].(0040,A730)[*].(0040,A123)" })
        }
    }

    @Test func keepsTechnicalValuesTheAllowlistNames() throws {
        let (output, record) = try Planted.output(try Planted.deidentifier().deidentify(Planted.ctFile()))
        let dataset = output.dataset
        #expect(dataset.string(for: Tag(0x0008_0070)) == "ACME Medical")
        #expect(dataset.string(for: Tag(0x0008_1090)) == "Scanner 3000")
        #expect(dataset.string(for: Tag(0x0008_0008)) == "ORIGINAL\\PRIMARY\\AXIAL")
        #expect(dataset.string(for: Tag(0x0018_0050)) == "1.25")
        #expect(dataset.string(for: Tag(0x0010_0040)) == "F")  // Retain Patient Characteristics
        #expect(dataset.string(for: .sopClassUID) == Planted.ctClass)
        #expect(dataset[.pixelData]?.bytes == Array(repeating: 0x11, count: 32))
        #expect(dataset.string(for: .patientName) == "")
        #expect(dataset[Tag(0x0028_1055)] == nil)
        #expect(dataset[Tag(0x0030_0010)] == nil)
        #expect(record.entries(forPath: "(0030,0010)").first?.reason == .unknownPublicTag)
        #expect(record.entries(forPath: "(0028,1055)").first?.reason == .notAllowlisted)
        #expect(record.entries(forPath: "(0400,0561)").first?.reason == .alwaysRemoved)
        #expect(record.entries(forPath: "meta.(0002,0016)").first?.action == .removed)
        // Coded concepts in the SR tree survive at depth 8.
        var depth = 0
        var item: Dataset? = dataset
        while let current = item, let next = current[Tag(0x0040_A730)]?.items?.first {
            depth += 1
            #expect(next[Tag(0x0040_A043)]?.items?.first?.string(for: Tag(0x0008_0104)) == "Comment")
            #expect(next[Tag(0x0040_A160)] == nil, "free text is removed until a scrubber exists")
            #expect(next.string(for: Tag(0x0040_A123)) == DummyValues.text)
            item = next
        }
        #expect(depth == 8)
    }

    @Test func removesInvalidCodedStringsAndUnparsableDates() throws {
        var input = Planted.ctFile()
        input.dataset.set(Planted.text(0x0008_0008, .CS, "ORIGINAL\\lower case"))
        input.dataset.set(Planted.text(0x0008_0020, .DA, "2024-03-01x"))
        input.dataset.set(Planted.text(0x0018_0050, .DS, "1.25mm"))
        let (output, record) = try Planted.output(try Planted.deidentifier().deidentify(input))
        #expect(output.dataset[Tag(0x0008_0008)] == nil)
        #expect(output.dataset[Tag(0x0008_0020)] == nil)
        #expect(output.dataset[Tag(0x0018_0050)] == nil)
        #expect(record.entries(forPath: "(0008,0020)").first?.reason == .unparsableValue)
    }

    @Test func keepsReferencesConsistentAcrossFiles() throws {
        let deidentifier = try Planted.deidentifier()
        let first = Planted.UIDs()
        var second = Planted.UIDs()
        second.instance = "1.2.826.0.1.3680043.9.9999.1.2.5"
        let (a, _) = try Planted.output(deidentifier.deidentify(Planted.ctFile(uids: first)))
        let (b, _) = try Planted.output(
            deidentifier.deidentify(Planted.ctFile(uids: second, referencedInstanceUID: first.instance)))
        let newA = try #require(a.dataset.string(for: .sopInstanceUID))
        #expect(newA != first.instance)
        let referenced = b.dataset[Tag(0x0008_1140)]?.items?.first?.string(for: Tag(0x0008_1155))
        #expect(referenced == newA)
        // The SR reference at depth 8 too.
        var item = b.dataset
        for _ in 0..<8 { item = try #require(item[Tag(0x0040_A730)]?.items?.first) }
        #expect(item[Tag(0x0008_1199)]?.items?.first?.string(for: Tag(0x0008_1155)) == newA)
        #expect(a.dataset.string(for: .studyInstanceUID) == b.dataset.string(for: .studyInstanceUID))
        #expect(a.dataset.string(for: Tag(0x0020_0052)) == b.dataset.string(for: Tag(0x0020_0052)))
        // Class UIDs are never pseudonymised.
        #expect(b.dataset[Tag(0x0008_1140)]?.items?.first?.string(for: Tag(0x0008_1150)) == Planted.ctClass)
        #expect(
            a.dataset[Tag(0x0008_1111)]?.items?.first?.string(for: Tag(0x0008_1150)) == "1.2.840.10008.3.1.2.3.3")
    }

    @Test func everyUIDIsValidAndMediaStorageFollowsSOPInstance() throws {
        let (output, _) = try Planted.output(try Planted.deidentifier().deidentify(Planted.ctFile()))
        var checked = 0
        for dataset in [output.dataset, output.fileMeta] {
            Planted.walk(dataset) { element, path in
                guard element.vr == .UI, let text = element.string, !text.isEmpty else { return }
                for uid in text.split(separator: "\\") {
                    #expect(Planted.isValidUID(String(uid)), "\(path)")
                    checked += 1
                }
            }
        }
        #expect(checked > 20)
        let instance = try #require(output.dataset.string(for: .sopInstanceUID))
        #expect(instance.hasPrefix("2.25."))
        #expect(output.fileMeta.string(for: .mediaStorageSOPInstanceUID) == instance)
        #expect(output.fileMeta.string(for: .mediaStorageSOPClassUID) == Planted.ctClass)
        #expect(
            Set(output.fileMeta.tags) == [
                .fileMetaInformationVersion, .mediaStorageSOPClassUID, .mediaStorageSOPInstanceUID, .transferSyntaxUID,
                .implementationClassUID, .implementationVersionName,
            ])
        // Written, the file meta is what the writer emits for it, and reads back.
        let reread = try DICOMReader.read(bytes: try DICOMWriter.encode(output))
        #expect(reread.fileMeta.string(for: .mediaStorageSOPInstanceUID) == instance)
        #expect(reread.fileMeta[Tag(0x0002_0016)] == nil)
    }

    @Test func sameInputAndKeyGiveByteIdenticalOutput() throws {
        let input = Planted.ctFile()
        let (first, firstRecord) = try Planted.output(try Planted.deidentifier().deidentify(input))
        let (second, secondRecord) = try Planted.output(try Planted.deidentifier().deidentify(input))
        #expect(try DICOMWriter.encode(first) == DICOMWriter.encode(second))
        #expect(firstRecord == secondRecord)
        let (other, _) = try Planted.output(try Planted.deidentifier(key: Planted.otherKey).deidentify(input))
        #expect(other.dataset.string(for: .sopInstanceUID) != first.dataset.string(for: .sopInstanceUID))
        #expect(other.dataset.string(for: .studyInstanceUID) != first.dataset.string(for: .studyInstanceUID))
        #expect(other.dataset.string(for: .patientID) != first.dataset.string(for: .patientID))
    }

    @Test func pseudonymizesPatientIDWithinItsIssuer() throws {
        let (output, record) = try Planted.output(try Planted.deidentifier().deidentify(Planted.ctFile()))
        let expected = try PatientPseudonymizer(key: Planted.key).pseudonym(
            forPatientID: Planted.canary("PID4711"), issuer: Planted.canary("ISSUER"))
        #expect(output.dataset.string(for: .patientID) == expected)
        #expect(output.dataset[Tag(0x0010_0021)] == nil)
        #expect(output.dataset[Tag(0x0010_1002)] == nil)
        #expect(record.entries(forPath: "(0010,0020)").first?.action == .pseudonymized)
        #expect(record.dateShiftBasis == .patientID)
    }

    @Test func keysDateShiftByStudyWhenThereIsNoPatientID() throws {
        let (output, record) = try Planted.output(
            try Planted.deidentifier().deidentify(Planted.ctFile(patientID: nil)))
        #expect(record.dateShiftBasis == .studyInstanceUID)
        let shift = try DateShifter(key: Planted.key).shift(forStudyInstanceUID: Planted.UIDs().study)
        #expect(output.dataset.string(for: Tag(0x0008_0020)) == shift.shiftedValue("20240301", vr: .DA))
    }

    @Test func clampsAgesOver89AndKeepsYoungerOnes() throws {
        for (age, expected) in [("095Y", "090Y"), ("090Y", "090Y"), ("089Y", "089Y"), ("1200M", nil), ("006M", "006M")] {
            var input = Planted.ctFile()
            input.dataset.set(Planted.text(0x0010_1010, .AS, age))
            let (output, _) = try Planted.output(try Planted.deidentifier().deidentify(input))
            #expect(output.dataset.string(for: Tag(0x0010_1010)) == expected, "\(age)")
        }
        // Without Retain Patient Characteristics the age is removed (X).
        let (basic, _) = try Planted.output(try Planted.deidentifier(options: .basic).deidentify(Planted.ctFile()))
        #expect(basic.dataset[Tag(0x0010_1010)] == nil)
    }

    @Test func marksTheInstanceWithExactlyTheOptionsApplied() throws {
        let optionSets: [ProfileOptions] = [
            .basic, .nodeDefault, [.retainUIDs, .retainSafePrivate],
            [.retainLongitudinalTemporalInformationFullDates, .retainDeviceIdentity, .retainInstitutionIdentity],
        ]
        for options in optionSets {
            let deidentifier = try Planted.deidentifier(options: options)
            let (output, record) = try Planted.output(deidentifier.deidentify(Planted.ctFile()))
            let dataset = output.dataset
            #expect(dataset.string(for: Tag(0x0012_0062)) == "YES")
            let method = try #require(dataset.string(for: Tag(0x0012_0063)))
            #expect(method == "FedLake 0.1.0 PS3.15 Table E.1-1 \(ConfidentialityProfile.edition)")
            #expect(method.count <= 64)
            let items = try #require(dataset[Tag(0x0012_0064)]?.items)
            let codes = items.map {
                [$0.string(for: Tag(0x0008_0100)), $0.string(for: Tag(0x0008_0102)), $0.string(for: Tag(0x0008_0104))]
            }
            #expect(codes == options.methodCodes.map { [$0.codeValue, "DCM", $0.codeMeaning] })
            #expect(record.methodCodes == options.methodCodes)
            #expect(
                dataset.string(for: Tag(0x0028_0303)) == (options.longitudinalTemporalInformationModified ?? "REMOVED"))
        }
    }

    @Test func retainsOnlySafePrivateAttributesAndTheirCreators() throws {
        let (output, record) = try Planted.output(
            try Planted.deidentifier(options: [.retainSafePrivate]).deidentify(Planted.ctFile()))
        let dataset = output.dataset
        #expect(dataset.string(for: Tag(0x0019_1023)) == "1.375")
        #expect(dataset.string(for: Tag(0x0019_0010)) == "GEMS_ACQU_01")
        #expect(dataset[Tag(0x0019_1001)] == nil)
        #expect(dataset[Tag(0x0009_0010)] == nil)
        #expect(dataset[Tag(0x0009_1001)] == nil)
        #expect(record.entries(forPath: "(0019,1023)").first?.reason == .safePrivateAttribute)
        // Without the option, nothing private survives.
        let (basic, _) = try Planted.output(try Planted.deidentifier().deidentify(Planted.ctFile()))
        Planted.walk(basic.dataset) { element, path in #expect(!element.tag.isPrivate, "\(path)") }
    }

    @Test func textCleanerSeamReplacesCleanedText() throws {
        struct Redactor: TextCleaner {
            func clean(_ text: String, vr: VR, tag: DICOM.Tag) -> String? { vr == .LO ? "REDACTED" : nil }
        }
        var configuration = DeidentificationConfiguration(key: Planted.key)
        configuration.textCleaner = Redactor()
        let (output, record) = try Planted.output(
            try DICOMDeidentifier(configuration: configuration).deidentify(Planted.ctFile()))
        #expect(output.dataset.string(for: Tag(0x0008_1030)) == "REDACTED")  // Study Description, C
        #expect(output.dataset[Tag(0x0020_4000)] == nil)  // Image Comments (LT): the cleaner said nil
        #expect(record.entries(forPath: "(0008,1030)").first?.action == .cleaned)
    }

    @Test func refusesUnusableConfigurations() {
        #expect(throws: DeidentifyError.self) {
            try DICOMDeidentifier(configuration: DeidentificationConfiguration(key: SecureBytes([1, 2, 3])))
        }
        #expect(throws: DeidentifyError.self) {
            try DICOMDeidentifier(
                configuration: DeidentificationConfiguration(
                    key: Planted.key,
                    options: [.retainLongitudinalTemporalInformationFullDates,
                              .retainLongitudinalTemporalInformationModifiedDates]))
        }
    }

    @Test func quarantinesAnInstanceWithoutSOPInstanceUID() throws {
        var input = Planted.ctFile()
        input.dataset.set(Planted.text(0x0008_0018, .UI, "not-a-uid"))
        guard case .quarantined(let reason) = try Planted.deidentifier().deidentify(input) else {
            Issue.record("expected quarantine")
            return
        }
        #expect(reason.code == .missingSOPInstanceUID)
    }
}

@Suite struct UnknownTransferSyntaxTests {
    /// Found by fuzzing the de-identifier: a file whose transfer syntax UID is unknown was read leniently
    /// (as explicit VR little endian, encapsulated) and written out under that unknown UID.
    @Test func quarantinesAnInstanceWhoseTransferSyntaxIsUnknown() throws {
        var file = try #require(SyntheticStudy(seed: 4, slices: 1, size: 8).files().first)
        file.fileMeta.set(DataElement(tag: .transferSyntaxUID, vr: .UI, string: "1.2.3.4.5.6.7"))
        let bytes = try DICOMWriter.encode(file)
        let read = try DICOMReader.read(bytes: bytes, options: .lenient)
        let key = SecureBytes(Array("a test key that is long enough for HMAC".utf8))
        let outcome = try DICOMDeidentifier(configuration: DeidentificationConfiguration(key: key)).deidentify(read)
        guard case .quarantined(let reason) = outcome else {
            Issue.record("an unknown transfer syntax must be quarantined")
            return
        }
        #expect(reason.code == .unknownTransferSyntax)
    }
}
