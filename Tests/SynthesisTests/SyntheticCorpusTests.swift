import DICOM
import Deidentify
import Foundation
import Synthesis
import TestSupport
import Testing

/// One corpus of three patients, written once and shared by the read-only tests.
private enum SharedCorpus {
    struct Written: Sendable {
        let folder: TemporaryDirectory
        let manifest: Manifest
    }

    static let written: Result<Written, any Error> = Result {
        let folder = try TemporaryDirectory(prefix: "synth-corpus")
        let manifest = try SyntheticCorpus(seed: 11, patients: 3).write(to: folder.url)
        return Written(folder: folder, manifest: manifest)
    }

    static func get() throws -> Written { try written.get() }
}

@Suite struct SyntheticCorpusTests {
    private func allFiles(under folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count))
            result[relative] = try Data(contentsOf: url)
        }
        return result
    }

    @Test func sameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws {
        let first = try TemporaryDirectory(prefix: "synth-a")
        let second = try TemporaryDirectory(prefix: "synth-b")
        let third = try TemporaryDirectory(prefix: "synth-c")
        let manifestA = try SyntheticCorpus(seed: 5, patients: 2).write(to: first.url)
        let manifestB = try SyntheticCorpus(seed: 5, patients: 2).write(to: second.url)
        _ = try SyntheticCorpus(seed: 6, patients: 2).write(to: third.url)
        #expect(manifestA == manifestB)
        let filesA = try allFiles(under: first.url)
        let filesB = try allFiles(under: second.url)
        let filesC = try allFiles(under: third.url)
        #expect(filesA.count == manifestA.files.count + 1)
        #expect(filesA == filesB)
        #expect(Set(filesA.keys) == Set(filesC.keys))
        #expect(filesA["/manifest.json"] != filesC["/manifest.json"])
        #expect(filesA["/patient-0001/ct-1.dcm"] != filesC["/patient-0001/ct-1.dcm"])
    }

    @Test func manifestOnDiskDecodesToTheReturnedManifest() throws {
        let corpus = try SharedCorpus.get()
        let data = try Data(contentsOf: corpus.folder.file("manifest.json"))
        #expect(try Manifest.decode(data) == corpus.manifest)
        #expect(corpus.manifest.patients.count == 3)
        #expect(corpus.manifest.seed == 11)
    }

    /// The eligible rows are derived here from the table itself: every row but the private-attributes row whose
    /// (pattern-expanded) tag the data dictionary knows.
    @Test func everyEligibleTableRowHasACanaryAtTheTopLevelAndAtDepth1And3And8() throws {
        let corpus = try SharedCorpus.get()
        let canaries = corpus.manifest.planted.filter(\.canary)
        var byAttributeAndFile: [String: [String]] = [:]
        for value in canaries { byAttributeAndFile["\(value.attribute) \(value.file)", default: []].append(value.path) }
        var eligible = 0
        var skipped: [String] = []
        for entry in ConfidentialityProfile.standard.entries where entry.mask != 0x0001_0000 {
            var tag = entry.tag
            if entry.mask & 0xFFFF == 0 { tag = Tag(group: tag.group, element: 0x3000) }
            guard !tag.isGroupLength, DataDictionary.entry(for: tag) != nil else {
                skipped.append(entry.patternDescription)
                continue
            }
            eligible += 1
            let top = byAttributeAndFile["\(tag) canaries/top-level.dcm"] ?? []
            #expect(top.contains { $0 == tag.description || $0.hasPrefix(tag.description + "[0].") }, "\(entry)")
            if tag.group == 0x0002 || tag.rawValue == 0xFFFC_FFFC { continue }
            for depth in SyntheticCorpus.nestingDepths {
                let paths = byAttributeAndFile["\(tag) canaries/depth-\(depth).dcm"] ?? []
                for sequence in ["(0040,A730)", "(0008,1115)"] {
                    let prefix = String(repeating: sequence + "[0].", count: depth) + tag.description
                    #expect(paths.contains { $0 == prefix || $0.hasPrefix(prefix + "[0].") }, "\(entry) depth \(depth)")
                }
            }
        }
        #expect(eligible > 550)
        // Only rows the dictionary does not know: command-group elements and attributes newer than it.
        #expect(skipped.count < 40, "\(skipped)")
        #expect(skipped.contains("(0010,0010)") == false)
    }

    @Test func canariesAreUniqueAndDetectableOnesAreNotSubstringsOfEachOther() throws {
        let corpus = try SharedCorpus.get()
        let tokens = corpus.manifest.planted.filter { $0.canary && $0.value.hasPrefix("CANARY") }.map(\.value)
        #expect(Set(tokens).count == tokens.count)
        #expect(tokens.allSatisfy { $0.count == 12 })
        let dates = corpus.manifest.planted.filter { $0.canary && $0.kind == .date }.map(\.value)
        #expect(Set(dates).count == dates.count)
        #expect(dates.allSatisfy { DICOMDate(parsing: $0) != nil })
        // Before any identity date, and far enough apart that a date shift of up to a year never maps one
        // canary date onto another.
        #expect(dates.allSatisfy { $0 < "1900" })
        let days = dates.compactMap { DICOMDate(parsing: $0)?.daysSinceEpoch }.sorted()
        #expect(zip(days, days.dropFirst()).allSatisfy { $1 - $0 > 365 })
    }

    @Test func privateBlocksSRContentAndFileMetaHoldCanaries() throws {
        let corpus = try SharedCorpus.get()
        let planted = corpus.manifest.planted
        for file in corpus.manifest.files where file.kind == "dicom" {
            let here = planted.filter { $0.file == file.path }
            #expect(here.contains { $0.attribute == "(0002,0016)" }, "\(file.path)")
            #expect(here.contains { $0.attribute == "(0002,0102)" && $0.kind == .binary }, "\(file.path)")
            if file.path.hasPrefix("patient-") {
                #expect(here.contains { $0.attribute == "(0009,1001)" && $0.path == "(0009,1001)" }, "\(file.path)")
                #expect(
                    here.contains { $0.path == "(0009,1010)[0].(0009,1010)[0].(0009,1010)[0].(0010,0010)" },
                    "\(file.path)")
            }
        }
        let safeBlock = planted.filter { $0.attribute.hasPrefix("(0019,10") }
        #expect(!safeBlock.isEmpty)
        for value in safeBlock {
            let element = UInt16(value.attribute.dropFirst(6).prefix(4), radix: 16) ?? 0
            #expect(
                SafePrivateAttributes.attribute(
                    group: 0x0019, creator: "GEMS_ACQU_01", elementOffset: UInt8(truncatingIfNeeded: element)) == nil)
        }
        let srContent = planted.filter { $0.file.hasSuffix("sr-1.dcm") && $0.path.hasPrefix("(0040,A730)") }
        for attribute in ["(0040,A160)", "(0040,A123)", "(0040,A121)", "(0040,A124)"] {
            #expect(srContent.contains { $0.attribute == attribute }, "\(attribute)")
        }
        #expect(srContent.contains { $0.kind == .name && $0.attribute == "(0040,A160)" })
    }

    @Test func instancesCoverModalitiesCharacterSetsFramesAndBurnedInAnnotation() throws {
        let corpus = try SharedCorpus.get()
        let dicom = corpus.manifest.files.filter { $0.kind == "dicom" }
        #expect(Set(dicom.compactMap(\.modality)).isSuperset(of: ["CT", "MR", "CR", "US", "SR"]))
        #expect(
            Set(dicom.compactMap(\.characterSet)).isSuperset(of: [
                "ISO_IR 100", "ISO_IR 192", "ISO_IR 144", "GB18030", "ISO 2022 IR 6\\ISO 2022 IR 87",
            ]))
        let single = try DICOMReader.read(contentsOf: corpus.folder.file("patient-0001/us-1.dcm"))
        let multi = try DICOMReader.read(contentsOf: corpus.folder.file("patient-0001/us-2.dcm"))
        #expect(single.dataset.string(for: Tag(0x0028_0301)) == "YES")
        #expect(multi.dataset.string(for: Tag(0x0028_0301)) == nil)
        #expect(multi.dataset.string(for: Tag(0x0028_0008)) == "4")
        #expect(multi.dataset.element(for: .pixelData)?.valueLength == 32 * 32 * 4)
        let sr = try DICOMReader.read(contentsOf: corpus.folder.file("patient-0001/sr-1.dcm"))
        let patient = try #require(corpus.manifest.patients.first)
        #expect(sr.dataset.string(for: .patientName) == "\(patient.romajiName)=\(patient.kanjiName)")
        let cr = try DICOMReader.read(contentsOf: corpus.folder.file("patient-0001/cr-1.dcm"))
        #expect(cr.dataset.string(for: .patientName) == patient.cyrillicName)
    }

    @Test func everyDICOMFileReadsBackStrictlyWithoutWarnings() throws {
        let corpus = try SharedCorpus.get()
        for file in corpus.manifest.files where file.kind == "dicom" {
            let read = try DICOMReader.read(contentsOf: corpus.folder.file(file.path), options: .strict)
            #expect(read.warnings.isEmpty, "\(file.path)")
            #expect(read.dataset.string(for: .sopClassUID) == file.sopClassUID)
        }
    }

    @Test func dcmdumpReadsEveryFileWithoutComplaint() throws {
        guard ToolLocator.find("dcmdump") != nil || ToolLocator.isContinuousIntegration else { return }
        let corpus = try SharedCorpus.get()
        let paths = corpus.manifest.files.filter { $0.kind == "dicom" }.map { corpus.folder.file($0.path).path }
        let result = try ProcessRunner.run(tool: "dcmdump", ["-q"] + paths)
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty, "\(result.standardError)")
        #expect(result.standardOutput.contains("CANARY-"))
    }

    /// Text of every string element, decoded in its data set's character set, items included.
    private func decodedText(_ dataset: Dataset) -> String {
        var text = ""
        for element in dataset {
            if let items = element.items {
                for item in items { text += decodedText(item) + "\n" }
            } else if element.vr.isString, let bytes = element.bytes {
                text += dataset.characterSet.decode(bytes, vr: element.vr) + "\n"
            }
        }
        return text
    }

    @Test func everyPlantedValueOccursInItsFile() throws {
        let corpus = try SharedCorpus.get()
        var decoded: [String: String] = [:]
        var raw: [String: Data] = [:]
        for value in corpus.manifest.planted where value.detectable {
            let url = corpus.folder.file(value.file)
            let bytes = try raw[value.file] ?? Data(contentsOf: url)
            raw[value.file] = bytes
            let terms = value.characterSet.map { $0.split(separator: "\\").map(String.init) } ?? []
            // Documents are UTF-8; DICOM values are in their file's character set.
            let encoded =
                value.file.hasSuffix(".dcm")
                ? SpecificCharacterSet(terms: terms).encode(value.value, vr: .LO).map { Data($0) }
                : Data(value.value.utf8)
            if let encoded, bytes.range(of: encoded) != nil { continue }
            if value.file.hasSuffix(".dcm") {
                if decoded[value.file] == nil {
                    let file = try DICOMReader.read(contentsOf: url)
                    decoded[value.file] = decodedText(file.fileMeta) + decodedText(file.dataset)
                }
                #expect(decoded[value.file]?.contains(value.value) == true, "\(value.file) \(value.path)")
            } else {
                Issue.record("\(value.file) \(value.path): \(value.kind) not found")
            }
        }
    }
}
