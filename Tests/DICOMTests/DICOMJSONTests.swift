import DICOM
import Foundation
import TestSupport
import Testing

@Suite struct DICOMJSONTests {
    static func text(_ dataset: Dataset, pretty: Bool = false) throws -> String {
        String(decoding: try DICOMJSON.encode(dataset, options: .init(pretty: pretty)), as: UTF8.self)
    }

    @Test func encodesEachVRKindPerPS3_18() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .specificCharacterSet, vr: .CS, string: "ISO_IR 192"))
        dataset.set(DataElement(tag: .patientName, vr: .PN, string: "Yamada^Tarou=山田^太郎"))
        dataset.set(DataElement(tag: Tag(0x0020_0032), vr: .DS, string: "-125\\+1.50\\.5\\\\1e3 "))
        dataset.set(DataElement(tag: Tag(0x0020_0013), vr: .IS, string: " 007"))
        dataset.set(DataElement(tag: .rows, vr: .US, uint16s: [512, 7]))
        dataset.set(DataElement(tag: Tag(0x0018_9087), vr: .FD, float64s: [.nan, -.infinity, 0.5]))
        dataset.set(DataElement(tag: Tag(0x0020_9165), tags: [.rows, .pixelData]))
        dataset.set(DataElement(tag: Tag(0x0009_1001), vr: .OB, bytes: [1, 2, 3]))
        dataset.set(DataElement(tag: .modality, vr: .CS, bytes: []))
        dataset.set(DataElement(tag: Tag(0x0008_1115), items: []))
        let json = try Self.text(dataset)
        #expect(json.contains(#""00100010":{"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎"}]}"#))
        #expect(json.contains(#""00200032":{"vr":"DS","Value":[-125,1.5,0.5,null,1e3]}"#))
        #expect(json.contains(#""00200013":{"vr":"IS","Value":[7]}"#))
        #expect(json.contains(#""00280010":{"vr":"US","Value":[512,7]}"#))
        #expect(json.contains(#""00189087":{"vr":"FD","Value":["NaN","-Infinity",0.5]}"#))
        #expect(json.contains(#""00209165":{"vr":"AT","Value":["00280010","7FE00010"]}"#))
        #expect(json.contains(#""00091001":{"vr":"OB","InlineBinary":"AQID"}"#))
        #expect(json.contains(#""00080060":{"vr":"CS"}"#))
        #expect(json.contains(#""00081115":{"vr":"SQ"}"#))
        // Keys in ascending tag order.
        let keys = json.matches(of: /"([0-9A-F]{8})":/).map { String($0.1) }
        #expect(keys == keys.sorted() && keys.count == 10)
    }

    @Test func invalidNumbersStayStrings() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: Tag(0x0020_0013), vr: .IS, string: "1A"))
        dataset.set(DataElement(tag: Tag(0x0028_1050), vr: .DS, string: "abc"))
        let json = try Self.text(dataset)
        #expect(json.contains(#""00200013":{"vr":"IS","Value":["1A"]}"#))
        #expect(json.contains(#""00281050":{"vr":"DS","Value":["abc"]}"#))
    }

    @Test func prettyOutputParsesToTheSameObject() throws {
        let file = try DICOMReader.read(contentsOf: DICOMFixtures.url("rtplan.dcm"))
        let compact = try DICOMJSON.encode(file.dataset)
        let pretty = try DICOMJSON.encode(file.dataset, options: .init(pretty: true))
        #expect(pretty.count > compact.count)
        #expect(try DICOMJSON.encode(try DICOMJSON.decode(pretty)) == compact)
    }

    @Test(arguments: DICOMFixtures.strictReadable + ["MR_truncated.dcm", "nested_priv_SQ.dcm"])
    func roundTripsDatasetThroughJSON(name: String) throws {
        let file = try DICOMReader.read(contentsOf: DICOMFixtures.url(name), options: .init(mode: .lenient, deferThreshold: 256))
        let json = try DICOMJSON.encode(file.dataset)
        let decoded = try DICOMJSON.decode(json)
        // JSON → data set → JSON is exact, pixel data and sequences included.
        #expect(try DICOMJSON.encode(decoded) == json)
        #expect(decoded.deepCount == file.dataset.deepCount)
        // The decoded data set writes and reads back to the same JSON (for valid files: the writer pads odd lengths).
        guard DICOMFixtures.strictReadable.contains(name) else { return }
        let written = try DICOMWriter.encode(DICOMFile(dataset: decoded, transferSyntax: file.transferSyntax.isEncapsulated ? file.transferSyntax : .explicitVRLittleEndian))
        #expect(try DICOMJSON.encode(try DICOMReader.read(bytes: written).dataset) == json)
    }

    @Test func decodesSpecificCharacterSetText() throws {
        let json = #"{"00080005":{"vr":"CS","Value":["ISO_IR 100"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller^Jörg"}]}}"#
        let dataset = try DICOMJSON.decode(Array(json.utf8))
        #expect(dataset[.patientName]?.bytes == Array("M\u{FC}ller^J\u{F6}rg".unicodeScalars.map { UInt8($0.value) }))
        #expect(dataset.string(for: .patientName) == "Müller^Jörg")
    }

    @Test(arguments: [
        (#"[]"#, "/"),
        (#"{"0010001":{"vr":"PN"}}"#, "/0010001"),
        (#"{"00100010":{"vr":"XX"}}"#, "/00100010/vr"),
        (#"{"00280010":{"vr":"US","Value":[70000]}}"#, "/00280010/Value/0"),
        (#"{"00081115":{"vr":"SQ","Value":[{"00100020":{"vr":"LO","Value":[1]}}]}}"#, "/00081115/Value/0/00100020/Value/0"),
        (#"{"7FE00010":{"vr":"OB","InlineBinary":"%%%"}}"#, "/7FE00010/InlineBinary"),
        (#"{"7FE00010":{"vr":"OB","BulkDataURI":"http://x"}}"#, "/7FE00010/BulkDataURI"),
        (#"{"00100010":{"vr":"PN","Value":["Secret^Name"]}}"#, "/00100010/Value/0"),
    ])
    func refusesInvalidInputNamingTheJSONPointer(json: String, pointer: String) {
        do {
            _ = try DICOMJSON.decode(Array(json.utf8))
            Issue.record("accepted invalid DICOM JSON")
        } catch {
            #expect(error.code == .invalidJSON)
            #expect(error.description.contains("DICOM JSON \(pointer):"), "\(error)")
            #expect(!error.description.contains("Secret"))
        }
    }

    @Test func refusesMalformedJSONWithTheByteOffset() {
        #expect { try DICOMJSON.decode(Array(#"{"00100010": {"vr": "PN",}}"#.utf8)) } throws: { error in
            (error as? DICOMError)?.code == .invalidJSON && "\(error)".contains("at byte 25")
        }
    }

    @Test func boundsNesting() {
        let deepArrays = String(repeating: "[", count: 100_000)
        #expect(throws: DICOMError.self) { try DICOMJSON.decode(Array(deepArrays.utf8)) }
        var nested = #"{"00100020":{"vr":"LO","Value":["x"]}}"#
        for _ in 0..<70 { nested = #"{"00081115":{"vr":"SQ","Value":["# + nested + "]}}" }
        #expect { try DICOMJSON.decode(Array(nested.utf8)) } throws: { error in
            (error as? DICOMError)?.code == .invalidJSON
        }
        #expect(throws: Never.self) { try DICOMJSON.decode(Array(nested.utf8), options: .init(maxSequenceDepth: 80)) }
    }
}
