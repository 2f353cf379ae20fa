import DICOM
import Foundation
import Synthesis
import TestSupport
import Testing

@Suite struct SyntheticStudyTests {
    @Test func sameSeedGivesByteIdenticalFiles() throws {
        let first = try SyntheticStudy(seed: 42, slices: 3, size: 16).files().map { try DICOMWriter.encode($0) }
        let second = try SyntheticStudy(seed: 42, slices: 3, size: 16).files().map { try DICOMWriter.encode($0) }
        #expect(first == second)
        let other = try SyntheticStudy(seed: 43, slices: 3, size: 16).files().map { try DICOMWriter.encode($0) }
        #expect(first != other)
    }

    @Test func slicesShareTheStudyAndSeriesButNotTheInstance() throws {
        let files = SyntheticStudy(seed: 1, slices: 4, size: 16).files()
        #expect(Set(files.map { $0.dataset.string(for: .studyInstanceUID) }).count == 1)
        #expect(Set(files.map { $0.dataset.string(for: .seriesInstanceUID) }).count == 1)
        #expect(Set(files.map { $0.dataset.string(for: .sopInstanceUID) }).count == 4)
    }

    @Test func uidsAreValidAndShort() throws {
        let uidPattern = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/
        for file in SyntheticStudy(seed: 9, slices: 2, size: 16).files() {
            for tag in [Tag.studyInstanceUID, .seriesInstanceUID, .sopInstanceUID] {
                let uid = try #require(file.dataset.string(for: tag))
                #expect(uid.count <= 64)
                #expect(uid.wholeMatch(of: uidPattern) != nil, "\(tag)")
            }
        }
    }

    @Test func latin1NamesSurviveTheRoundTrip() throws {
        let study = SyntheticStudy(seed: 5, slices: 1, size: 16)
        let bytes = try DICOMWriter.encode(try #require(study.files().first))
        let read = try DICOMReader.read(bytes: bytes)
        #expect(read.dataset.string(for: .patientName) == study.patientName)
        #expect(read.dataset.string(for: Tag(0x0008_0080)) == "Hôpital Synthétique")
        #expect(read.dataset.element(for: .pixelData)?.valueLength == 16 * 16 * 2)
    }

    @Test func dcmdumpReadsTheFilesWithoutComplaint() throws {
        guard ToolLocator.find("dcmdump") != nil || ToolLocator.isContinuousIntegration else { return }
        let folder = try TemporaryDirectory(prefix: "synth")
        let file = folder.file("slice.dcm")
        try DICOMWriter.write(try #require(SyntheticStudy(seed: 3, slices: 1, size: 16).files().first), to: file)
        let result = try ProcessRunner.run(tool: "dcmdump", [file.path])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty, "\(result.standardError)")
        #expect(result.standardOutput.contains("(0010,0010) PN"))
    }
}
