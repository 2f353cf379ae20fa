import DICOM
public import Deidentify
public import Foundation

/// Searches output bytes for the planted values of a synthetic corpus: the oracle of every leak test, the demo and
/// the leak benchmark's rules.
///
/// Every detectable value that the profile options do not keep on purpose is searched for, ASCII case folded, in
/// UTF-8 and encoded in the character set it was planted in. A DICOM file is searched twice: as bytes, and as
/// the UTF-8 DICOM JSON of its file meta and data set, so a value written in a code-switching character set
/// (ISO 2022) is found even when it runs on from the text around it, where its encoding alone shares no escape
/// sequence with the file.
///
/// ```swift
/// let search = PlantedValueSearch(manifest: manifest, options: .nodeDefault)
/// let leaks = search.leaks(inFile: output, name: "patient-0001/ct-1.dcm")
/// ```
public struct PlantedValueSearch: Sendable {
    /// A planted value found in an output.
    public struct Leak: Sendable, CustomStringConvertible {
        /// The value found.
        public let planted: Manifest.Planted
        /// The output it was found in.
        public let output: String
        /// `"name from patient-0001/ct-1.dcm (0010,0010) in <output>"`.
        public var description: String { "\(planted.kind) from \(planted.file) \(planted.path) in \(output)" }
    }

    /// The values searched for (planted, detectable, not kept on purpose).
    public let values: [Manifest.Planted]
    /// The byte patterns, with the index of their value, grouped by their first three bytes.
    private let patterns: [UInt32: [(value: Int, bytes: [UInt8])]]

    /// Prepares the search for `manifest`'s values that a de-identifier with `options` must remove.
    public init(manifest: Manifest, options: ProfileOptions) {
        var values: [Manifest.Planted] = []
        var patterns: [UInt32: [(value: Int, bytes: [UInt8])]] = [:]
        for planted in manifest.planted where planted.detectable && !Self.isRetainedOnPurpose(planted, options: options) {
            var encodings: Set<[UInt8]> = [Array(planted.value.utf8)]
            if let terms = planted.characterSet {
                let characterSet = SpecificCharacterSet(
                    terms: terms.split(separator: "\\", omittingEmptySubsequences: false).map(String.init))
                for vr in [VR.LO, .PN] {
                    if let encoded = characterSet.encode(planted.value, vr: vr) { encodings.insert(encoded) }
                }
            }
            for pattern in encodings.map(Self.fold) where pattern.count >= 3 {
                patterns[Self.key(pattern, 0), default: []].append((values.count, pattern))
            }
            values.append(planted)
        }
        self.values = values
        self.patterns = patterns
    }

    /// Whether a de-identifier with `options` keeps the value by design: times of day (whole-day date shifting
    /// keeps them, PS3.15 E.3.6) and values of attributes whose Table E.1-1 action under `options` is K.
    public static func isRetainedOnPurpose(_ planted: Manifest.Planted, options: ProfileOptions) -> Bool {
        if planted.kind == .time { return true }
        guard planted.attribute.hasPrefix("("), let tag = Tag(parsing: planted.attribute) else { return false }
        guard let resolved = ConfidentialityProfile.standard.action(for: tag, options: options) else { return false }
        return resolved.action == .keep
    }

    /// The planted values found in `bytes`, an output named `name`. A date or date-time counts only between
    /// non-digits (it can occur by chance inside the digits of a pseudonymous UID). One pass over the bytes.
    public func leaks(in bytes: [UInt8], name: String) -> [Leak] {
        let haystack = Self.fold(bytes)
        guard haystack.count >= 3 else { return [] }
        var found: [Int: Leak] = [:]
        for offset in 0...(haystack.count - 3) {
            guard let candidates = patterns[Self.key(haystack, offset)] else { continue }
            for (value, pattern) in candidates where found[value] == nil {
                let end = offset + pattern.count
                guard end <= haystack.count, haystack[offset..<end].elementsEqual(pattern) else { continue }
                let planted = values[value]
                if planted.kind == .date || planted.kind == .datetime {
                    let before = offset > 0 ? haystack[offset - 1] : 0x20
                    let after = end < haystack.count ? haystack[end] : 0x20
                    if (0x30...0x39).contains(before) || (0x30...0x39).contains(after) { continue }
                }
                found[value] = Leak(planted: planted, output: name)
            }
        }
        return found.keys.sorted().compactMap { found[$0] }
    }

    /// The planted values found in the file at `url`: in its bytes and, for a DICOM file, in the DICOM JSON of its
    /// file meta and data set (text decoded from its character set into UTF-8).
    ///
    /// - Parameters:
    ///   - name: The output's name in the leaks.
    ///   - mirrored: For an output tree that mirrors the corpus, the corpus path this file was made from: dates
    ///     then count only in their own file, as a shifted date can equal another patient's original date.
    public func leaks(inFile url: URL, name: String, mirrored: String? = nil) throws -> [Leak] {
        let bytes = [UInt8](try Data(contentsOf: url))
        var leaks = self.leaks(in: bytes, name: name)
        if let file = try? DICOMReader.read(bytes: bytes, options: .lenient) {
            var decoded = (try? DICOMJSON.encode(file.fileMeta)) ?? []
            decoded += (try? DICOMJSON.encode(file.dataset)) ?? []
            let known = Set(leaks.map(\.planted))
            leaks += self.leaks(in: decoded, name: name + " (decoded)").filter { !known.contains($0.planted) }
        }
        guard let mirrored else { return leaks }
        return leaks.filter { leak in
            (leak.planted.kind != .date && leak.planted.kind != .datetime) || leak.planted.file == mirrored
        }
    }

    private static func key(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 16 | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2])
    }

    private static func fold(_ bytes: [UInt8]) -> [UInt8] { bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 } }
}
