import DICOM
import Foundation
import Synthesis
import Testing

/// One known answer from `Tests/Fixtures/vectors/charsets.json` (made by `tools/extract_charset_vectors.py`).
struct CharsetVector: Decodable, CustomTestStringConvertible {
    let source: String
    let tag: String?
    let terms: [String]
    let vr: String
    let hex: String
    let text: String
    let pydicomText: String?

    var bytes: [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    var valueRepresentation: VR { VR(rawValue: vr)! }
    var charset: SpecificCharacterSet { SpecificCharacterSet(terms: terms) }
    var testDescription: String { "\(source) \(tag ?? "") \(terms) \(vr)" }
}

struct CharsetVectorFile: Decodable {
    let files: [CharsetVector]
    let standard: [CharsetVector]
    let synthetic: [CharsetVector]

    static let shared: CharsetVectorFile = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/vectors/charsets.json")
        let data = try! Data(contentsOf: url)
        return try! JSONDecoder().decode(CharsetVectorFile.self, from: data)
    }()
}

/// pydicom's per-value trimming of decoded text: trailing spaces and NULs of each value for the VRs that use
/// Specific Character Set (the fixture holds values whose trailing padding is already removed).
private func trimmedLikePydicom(_ text: String, vr: VR) -> String {
    let parts = vr.allowsMultipleStringValues ? text.split(separator: "\\", omittingEmptySubsequences: false) : [text[...]]
    guard vr.usesSpecificCharacterSet else { return text }
    return parts.map { part -> String in
        var value = part
        while let last = value.last, last == " " || last == "\0" { value.removeLast() }
        // pydicom drops empty trailing component groups of a person name (PS3.5 §6.2.1).
        if vr == .PN { while value.last == "=" { value.removeLast() } }
        return String(value)
    }.joined(separator: "\\")
}

@Suite struct CharacterSetTests {
    @Test(arguments: CharsetVectorFile.shared.files)
    func decodesPydicomTestFilesLikePydicom(_ vector: CharsetVector) {
        let decoded = vector.charset.decode(vector.bytes, vr: vector.valueRepresentation)
        #expect(trimmedLikePydicom(decoded, vr: vector.valueRepresentation) == vector.text)
    }

    @Test(arguments: CharsetVectorFile.shared.standard)
    func decodesPS3_5AnnexExamples(_ vector: CharsetVector) {
        #expect(vector.charset.decode(vector.bytes, vr: .PN) == vector.text)
    }

    @Test(arguments: CharsetVectorFile.shared.standard)
    func encodesPS3_5AnnexExamplesToTheStandardsBytes(_ vector: CharsetVector) {
        #expect(vector.charset.encode(vector.text, vr: .PN) == vector.bytes)
    }

    @Test(arguments: CharsetVectorFile.shared.synthetic)
    func decodesSyntheticValuesLikePydicom(_ vector: CharsetVector) {
        #expect(vector.charset.decode(vector.bytes, vr: vector.valueRepresentation) == vector.text)
    }

    @Test(arguments: CharsetVectorFile.shared.files + CharsetVectorFile.shared.standard)
    func encodeThenDecodeReturnsTheText(_ vector: CharsetVector) throws {
        let vr = vector.valueRepresentation
        let text = vector.charset.decode(vector.bytes, vr: vr)
        guard !text.contains("\u{FFFD}") else { return }
        let encoded = try #require(vector.charset.encode(text, vr: vr))
        #expect(vector.charset.decode(encoded, vr: vr) == text)
    }

    /// Converters are pooled across calls and threads: many threads decoding and encoding every vector at once,
    /// over and over, get what one thread gets alone (a converter's shift state never carries over).
    @Test func pooledConvertersGiveTheSameTextOnManyThreadsAtOnce() async {
        let vectors = CharsetVectorFile.shared.files + CharsetVectorFile.shared.standard
            + CharsetVectorFile.shared.synthetic
        let expected = vectors.map { $0.charset.decode($0.bytes, vr: $0.valueRepresentation) }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<5 {
                        for offset in vectors.indices {
                            // Each worker walks the vectors from a different place, so charsets interleave.
                            let index = (offset + worker * 7 + round) % vectors.count
                            let vector = vectors[index]
                            let text = vector.charset.decode(vector.bytes, vr: vector.valueRepresentation)
                            if text != expected[index] { wrong += 1 }
                            if let encoded = vector.charset.encode(text, vr: vector.valueRepresentation),
                                vector.charset.decode(encoded, vr: vector.valueRepresentation) != text,
                                !text.contains("\u{FFFD}")
                            {
                                wrong += 1
                            }
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func defaultRepertoireReadsHighBytesAsLatin1() {
        #expect(SpecificCharacterSet.default.decode([0x43, 0x61, 0x66, 0xE9], vr: .LO) == "Café")
        #expect(SpecificCharacterSet.default.terms == [])
        #expect(SpecificCharacterSet(terms: [""]) .decode([0xE9], vr: .PN) == "é")
    }

    @Test func valuesOfVRsWithoutSpecificCharacterSetUseTheDefaultRepertoire() {
        let utf8 = SpecificCharacterSet(terms: ["ISO_IR 192"])
        #expect(utf8.decode([0xC3, 0xA9], vr: .CS) == "Ã©")
        #expect(utf8.decode([0xC3, 0xA9], vr: .LO) == "é")
        #expect(utf8.encode("é", vr: .CS) == [0xE9])
    }

    @Test func recordsMisspelledTermsWithTheirCorrection() {
        let charset = SpecificCharacterSet(terms: ["ISO IR 100 ", "ISO 2022-IR 87"])
        #expect(charset.terms == ["ISO IR 100", "ISO 2022-IR 87"])
        #expect(
            charset.corrections == [
                .init(original: "ISO IR 100", corrected: "ISO_IR 100"),
                .init(original: "ISO 2022-IR 87", corrected: "ISO 2022 IR 87"),
            ])
        #expect(charset.unrecognizedTerms.isEmpty)
        #expect(SpecificCharacterSet(terms: ["ISO_IR_100"]).decode([0xE9], vr: .LO) == "é")
    }

    @Test func unknownTermsFallBackToTheDefaultRepertoire() {
        let charset = SpecificCharacterSet(terms: ["ISO_IR 999", "KLINGON"])
        #expect(charset.unrecognizedTerms == ["ISO_IR 999", "KLINGON"])
        #expect(charset.decode([0x41, 0xE9], vr: .LO) == "Aé")
    }

    @Test func standAloneTermsDropCodeExtensions() {
        let first = SpecificCharacterSet(terms: ["ISO_IR 192", "ISO 2022 IR 87"])
        #expect(first.ignoredTerms == ["ISO 2022 IR 87"])
        #expect(!first.usesCodeExtensions)
        let later = SpecificCharacterSet(terms: ["", "GB18030", "ISO 2022 IR 149"])
        #expect(later.ignoredTerms == ["GB18030"])
        #expect(later.usesCodeExtensions)
    }

    @Test func escapeToAnUnlistedSetIsNotHonoured() {
        let charset = SpecificCharacterSet(terms: ["ISO_IR 100"])
        #expect(charset.decode([0x1B, 0x2D, 0x4C, 0xBB], vr: .LO) == "\u{1B}-L»")
    }

    @Test func encodeReturnsNilForCharactersOutsideTheTerms() {
        #expect(SpecificCharacterSet(terms: ["ISO_IR 100"]).encode("山田", vr: .PN) == nil)
        #expect(SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"]).encode("홍 น", vr: .LO) == nil)
        #expect(SpecificCharacterSet.default.encode("Ж", vr: .LO) == nil)
    }

    @Test func encodeSwitchesBackToTheInitialSetBeforeEveryDelimiter() throws {
        let charset = SpecificCharacterSet(terms: ["ISO 2022 IR 100", "ISO 2022 IR 144"])
        let bytes = try #require(charset.encode("Жé^é\\Ж", vr: .PN))
        // ESC - L Ж ESC - A é ^ é \ ESC - L Ж ESC - A
        #expect(
            bytes == [0x1B, 0x2D, 0x4C, 0xB6, 0x1B, 0x2D, 0x41, 0xE9, 0x5E, 0xE9, 0x5C, 0x1B, 0x2D, 0x4C, 0xB6, 0x1B, 0x2D, 0x41])
        #expect(charset.decode(bytes, vr: .PN) == "Жé^é\\Ж")
    }

    @Test func encodesJapaneseWithJISX0212AndKatakana() throws {
        let charset = SpecificCharacterSet(terms: ["ISO 2022 IR 13", "ISO 2022 IR 87", "ISO 2022 IR 159"])
        let text = "ﾔﾏﾀﾞ^丂山=abc"
        let bytes = try #require(charset.encode(text, vr: .PN))
        #expect(charset.decode(bytes, vr: .PN) == text)
    }

    @Test func mixedRepertoiresRoundTripThroughEncode() throws {
        let charset = SpecificCharacterSet(terms: ["", "ISO 2022 IR 100", "ISO 2022 IR 144", "ISO 2022 IR 87", "ISO 2022 IR 149"])
        let alphabet = Array("abcXYZ 09éüßЖюя山田太郎やまだ홍길동洪^=".unicodeScalars)
        var generator = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let length = Int(generator.next() % 12)
            var text = String.UnicodeScalarView()
            for _ in 0..<length { text.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            let string = String(text)
            let bytes = try #require(charset.encode(string, vr: .PN))
            #expect(charset.decode(bytes, vr: .PN) == string)
        }
    }

    @Test func gbkAndGB18030EncodeWholeValues() throws {
        let gb18030 = SpecificCharacterSet(terms: ["GB18030"])
        let bytes = try #require(gb18030.encode("Wang^XiaoDong=王^小东=", vr: .PN))
        #expect(bytes == Array("Wang^XiaoDong=".utf8) + [0xCD, 0xF5, 0x5E, 0xD0, 0xA1, 0xB6, 0xAB, 0x3D])
        let gbk = SpecificCharacterSet(terms: ["GBK"])
        #expect(gbk.decode(bytes, vr: .PN) == "Wang^XiaoDong=王^小东=")
    }
}
