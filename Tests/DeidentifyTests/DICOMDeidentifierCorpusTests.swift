import Crypto
import DICOM
import Foundation
import Testing
import TestSupport

@testable import Deidentify

/// The engine over every file pydicom bundles, and its outputs checked by pydicom and dcmdump.
@Suite(.serialized) struct DICOMDeidentifierCorpusTests {
    /// No instance is quarantined for its pixels here: the point is what happens to every other element.
    static let noPixelRisk = PixelRiskPolicy(highRiskSOPClassUIDs: [], highRiskSOPClassPrefixes: [], highRiskModalities: [])

    static func readable() throws -> [(String, DICOMFile)] {
        try DeidOracle.bundledFiles().compactMap { path in
            (try? DICOMReader.read(path: path, options: .init(mode: .lenient, deferThreshold: 4096))).map { (path, $0) }
        }
    }

    static func hasPrivate(_ dataset: Dataset) -> Bool {
        var found = false
        Planted.walk(dataset) { element, _ in if element.tag.isPrivate { found = true } }
        return found
    }

    @Test(.enabled(if: DeidOracle.enabled)) func removesEveryPrivateElementOfTheCorpus() throws {
        try DeidOracle.requireTools()
        let deidentifier = try Planted.deidentifier(policy: Self.noPixelRisk)
        let safe = try Planted.deidentifier(options: [.retainSafePrivate], policy: Self.noPixelRisk)
        var withPrivate = 0
        var processed = 0
        var retainedSafe = 0
        for (path, file) in try Self.readable() where Self.hasPrivate(file.dataset) {
            withPrivate += 1
            guard case .deidentified(let output, let record) = deidentifier.deidentify(file) else { continue }
            processed += 1
            Planted.walk(output.dataset) { element, elementPath in
                #expect(!element.tag.isPrivate, "\(path): \(elementPath) survived")
            }
            #expect(output.fileMeta.allSatisfy { !$0.tag.isPrivate })
            #expect(record.entries.contains { $0.reason == .privateElement && $0.action == .removed })
            guard case .deidentified(let kept, _) = safe.deidentify(file) else { continue }
            Self.checkOnlySafePrivate(kept.dataset, path: path, retained: &retainedSafe)
        }
        #expect(withPrivate >= 20, "the corpus should have many files with private tags")
        #expect(processed >= withPrivate / 2)
        #expect(retainedSafe > 0, "GE, Siemens and Philips files carry Safe Private Attributes")
    }

    /// Every private element left is a Safe Private Attribute of its block's creator; every creator left has one.
    static func checkOnlySafePrivate(_ dataset: Dataset, path: String, retained: inout Int) {
        var creatorsUsed: Set<DICOM.Tag> = []
        for element in dataset where element.tag.isPrivate && !element.tag.isPrivateCreator {
            guard let creatorTag = element.tag.privateCreatorTag, let creator = dataset[creatorTag]?.string else {
                Issue.record("\(path): \(element.tag) kept without its creator")
                continue
            }
            #expect(
                SafePrivateAttributes.attribute(for: element.tag, creator: creator) != nil,
                "\(path): \(element.tag) \(creator) is not a Safe Private Attribute")
            creatorsUsed.insert(creatorTag)
            retained += 1
        }
        for element in dataset where element.tag.isPrivateCreator {
            #expect(creatorsUsed.contains(element.tag), "\(path): creator \(element.tag) kept without elements")
        }
        for element in dataset {
            for item in element.items ?? [] { checkOnlySafePrivate(item, path: path, retained: &retained) }
        }
    }

    @Test(.enabled(if: DeidOracle.enabled)) func outputsAreReadByPydicomAndDcmdump() throws {
        try DeidOracle.requireTools()
        let folder = try TemporaryDirectory(prefix: "deid-corpus")
        let deidentifier = try Planted.deidentifier(policy: Self.noPixelRisk)
        var written: [String] = []
        for (index, (_, file)) in try Self.readable().enumerated() {
            // Only inputs our writer can write back (some corpus files are deliberately broken).
            guard (try? DICOMWriter.encode(file)) != nil,
                case .deidentified(let output, _) = deidentifier.deidentify(file)
            else { continue }
            let url = folder.file("out\(index).dcm")
            try DICOMWriter.write(output, to: url)
            written.append(url.path)
        }
        // The planted instances too, in every profile configuration used above.
        for (index, options) in ([.nodeDefault, .basic, [.retainSafePrivate]] as [ProfileOptions]).enumerated() {
            let (output, _) = try Planted.output(try Planted.deidentifier(options: options).deidentify(Planted.ctFile()))
            let url = folder.file("planted\(index).dcm")
            try DICOMWriter.write(output, to: url)
            written.append(url.path)
        }
        #expect(written.count > 50)
        let dcmdump = try DeidOracle.dcmdumpProblems(written)
        #expect(dcmdump.isEmpty, "\(dcmdump.prefix(10).joined(separator: "\n"))")
        let pydicom = try DeidOracle.pydicomProblems(written)
        #expect(pydicom.isEmpty, "\(pydicom.prefix(10).joined(separator: "\n"))")
    }
}
