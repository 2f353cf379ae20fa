import Foundation
import Testing

@testable import Deidentify

@Suite struct BatchReportTests {
    /// The report's own writer must give the bytes `JSONSerialization` gives, so reports stay comparable.
    @Test func writesTheBytesJSONSerializationWrites() throws {
        let paths = ["(003A,001A)", "(003A,0004)", "(0008,1140)[0](0008,1150)", "(0010,0010)", "(00e1,0010)", "b", "B", "a10",
            "a9", "Z"]
        var json = ReportJSON()
        let tricky = "q\"/\\\n\r\t\u{8}\u{c}\u{1}\u{1f} é 😀"
        json.object(indent: 0, keys: ["z", "empty", "list", "none", "counts"]) { json, key, indent in
            switch key {
            case "empty": json.object(indent: indent, keys: []) { _, _, _ in }
            case "none": json.array(indent: indent, count: 0) { _, _, _ in }
            case "list":
                json.array(indent: indent, count: 2) { json, index, indent in
                    if index == 0 { json.string(tricky) } else {
                        json.object(indent: indent, keys: ["x"]) { json, _, _ in json.number(-4) }
                    }
                }
            case "counts":
                json.object(indent: indent, keys: paths) { json, path, _ in json.number(path.count) }
            default: json.number(7)
            }
        }
        let object: [String: Any] = [
            "z": 7, "empty": [String: Int](), "none": [Any](), "list": [tricky, ["x": -4]],
            "counts": Dictionary(uniqueKeysWithValues: paths.map { ($0, $0.count) }),
        ]
        let expected = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    /// The keys' order is Foundation's, whether the byte order guessed it (attribute paths) or not (keys where
    /// the guess and Foundation disagree: punctuation, leading zeros, non-ASCII letters).
    @Test(arguments: [false, true])
    func sortsKeysAsFoundationDoes(withTrickyKeys: Bool) {
        var random = SystemRandomNumberGenerator()
        let hex = Array("0123456789ABCDEFabcdef")
        func tag() -> String {
            "(" + String((0..<4).map { _ in hex.randomElement(using: &random)! }) + ","
                + String((0..<4).map { _ in hex.randomElement(using: &random)! }) + ")"
        }
        var keys: Set<String> = []
        while keys.count < 2_000 {
            var key = tag()
            for _ in 0..<Int.random(in: 0...2, using: &random) { key += ["[*].", ".", "meta."].randomElement(using: &random)! + tag() }
            keys.insert(key)
        }
        if withTrickyKeys {
            keys.formUnion(["a-1", "a_1", "a01", "a1", "A1", "é", "e", "E", "ä", "z", "10", "9", "09", "0009", "", " ", "#", "~"])
        }
        let locale = Locale(identifier: "")
        let expected = Array(keys).sorted { lhs, rhs in
            lhs.compare(rhs, options: [.numeric, .caseInsensitive, .forcedOrdering], range: lhs.startIndex..<lhs.endIndex,
                locale: locale) == .orderedAscending
        }
        #expect(ReportJSON.sortedAsJSONSerialization(Array(keys)) == expected)
    }
}
