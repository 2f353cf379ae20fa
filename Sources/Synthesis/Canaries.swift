import DICOM
import Deidentify

/// One attribute of PS3.15 Table E.1-1 that a canary is planted in: a concrete tag and the VR to write it with.
struct CanaryTarget {
    /// The concrete tag: the row's own tag, or for a pattern one example it covers ((60xx,4000) → (6000,4000),
    /// (50xx,xxxx) → (5000,3000) Curve Data).
    var tag: Tag
    /// The dictionary's VR; the first one where PS3.6 lists several (`OB or OW` → OB).
    var vr: VR

    /// Every Table E.1-1 row that can hold a canary, in table order.
    ///
    /// Skipped: the private-attributes row (private blocks get their own canaries), and rows whose tag the data
    /// dictionary does not know (command-group elements and attributes newer than the dictionary), since their
    /// VR is unknown.
    static let all: [CanaryTarget] = ConfidentialityProfile.standard.entries.compactMap(target(for:))

    /// The target for one row, or `nil` when the row cannot hold a canary.
    static func target(for entry: ProfileEntry) -> CanaryTarget? {
        guard entry.mask != 0x0001_0000 else { return nil }
        var tag = entry.tag
        // A pattern over the whole element number, (50xx,xxxx): take the element the group is known for.
        if entry.mask & 0xFFFF == 0 { tag = Tag(group: tag.group, element: 0x3000) }
        guard !tag.isGroupLength, let dictionaryEntry = DataDictionary.entry(for: tag), !dictionaryEntry.vrs.isEmpty
        else { return nil }
        return CanaryTarget(tag: tag, vr: dictionaryEntry.vr)
    }

    /// Whether the target belongs in the file meta group (PS3.10 §7.1) rather than the data set.
    var isFileMeta: Bool { tag.group == 0x0002 }

    /// Whether the target may only appear at the top level: the file meta group, and Data Set Trailing
    /// Padding (FFFC,FFFC), which PS3.10 §7.2 allows only at the end of the top-level data set.
    var isTopLevelOnly: Bool { isFileMeta || tag == Tag(0xFFFC_FFFC) }
}

/// Makes values and elements, and records every planted value for the manifest.
///
/// Canary tokens are `CANARY-` and five base-32 letters of a corpus-wide counter (`CANARY_` for CS, whose
/// repertoire has no hyphen, PS3.5 §6.2): fixed width, so no token contains another. Dates and date-times share
/// one counter, so no canary date occurs inside a canary date-time; canary dates are 401 days apart from the year
/// 1000 on (so shifting one by up to a year never gives another, and the sweep stays before 1900); date-time
/// fractions start at 500000, above every canary time's.
///
/// Confined to the one task that writes a corpus.
final class Planter {
    private(set) var records: [Manifest.Planted] = []
    var random: SplitMix64
    /// The file being written, relative to the corpus root.
    var file = ""
    /// The Specific Character Set of the file being written.
    var characterSet = SpecificCharacterSet.default
    /// The (0008,0005) value of the file being written, terms joined by `\`, or `nil` for the default repertoire.
    var characterSetName: String?
    private var tokenCounter = 0
    private var dateCounter = 0
    private var timeCounter = 0
    private var ageCounter = 0
    private var numberCounter = 0

    init(random: SplitMix64) { self.random = random }

    // MARK: Recording

    /// Records a value planted in a DICOM file (or, with `attribute` "document", in a document).
    func record(
        _ value: String, kind: Manifest.Kind, attribute: String, path: String, detectable: Bool = true,
        characterSet: String? = nil, canary: Bool = false
    ) {
        records.append(
            Manifest.Planted(
                value: value, kind: kind, attribute: attribute, path: path, file: file,
                characterSet: characterSet, detectable: detectable, canary: canary))
    }

    /// Records a value planted in a DICOM element at `path`.
    func record(
        _ value: String, kind: Manifest.Kind, tag: Tag, path: String, detectable: Bool = true, canary: Bool = false
    ) {
        record(
            value, kind: kind, attribute: tag.description, path: path, detectable: detectable,
            characterSet: characterSetName, canary: canary)
    }

    // MARK: Values

    private static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    /// A new canary token: `CANARY-XXXXX`, or `CANARY_XXXXX` when `code` (CS values).
    func token(code: Bool = false) -> String {
        var value = tokenCounter
        tokenCounter += 1
        var letters: [Character] = []
        for _ in 0..<5 {
            letters.append(Self.base32[value & 31])
            value >>= 5
        }
        return (code ? "CANARY_" : "CANARY-") + String(letters.reversed())
    }

    /// Days between consecutive canary dates: more than the default date shift of up to a year (DateShifter), so
    /// a shifted canary date never equals another canary date.
    static let canaryDateSpacing = 401

    /// The `index`th canary date: 1000-01-01 plus `index` × ``canaryDateSpacing`` days, a valid DA (PS3.5 §6.2)
    /// centuries before any identity date.
    static func canaryDate(_ index: Int) -> String {
        let start = DICOMDate(year: 1000, month: 1, day: 1)?.daysSinceEpoch ?? 0
        return DICOMDate(daysSinceEpoch: start + index * canaryDateSpacing)?.description ?? "10000101"
    }

    /// A new canary date (DA).
    func canaryDate() -> String {
        dateCounter += 1
        return Self.canaryDate(dateCounter)
    }

    /// A valid TM with a unique fraction: `101500.nnnnnn`, `nnnnnn` below 500000.
    func canaryTime() -> String {
        timeCounter += 1
        return "101500." + SyntheticIdentity.pad(timeCounter, 6)
    }

    /// A valid DT: a new canary date, and a time whose fraction (500000 and up) no canary time has.
    func canaryDateTime() -> String {
        dateCounter += 1
        return Self.canaryDate(dateCounter) + "101500." + SyntheticIdentity.pad(500_000 + dateCounter, 6)
    }

    func uid() -> String { SyntheticIdentity.uid(&random) }

    // MARK: Elements

    /// Encodes `text` for `vr` in the file's character set.
    ///
    /// - Throws: ``SynthesisError`` `.cannotEncode` when the character set cannot represent the text.
    func encode(_ text: String, vr: VR, tag: Tag) throws(SynthesisError) -> [UInt8] {
        guard let bytes = characterSet.encode(text, vr: vr) else {
            throw SynthesisError.cannotEncode(tag: tag, characterSet: characterSetName ?? "default", file: file)
        }
        return bytes
    }

    /// Whether the file's character set can represent `text`.
    func canEncode(_ text: String, vr: VR) -> Bool { characterSet.encode(text, vr: vr) != nil }

    /// A canary element for `target` at `path` (the element's own path), recorded; `nil` for a VR that cannot
    /// hold one.
    func canary(tag: Tag, vr: VR, path: String) throws(SynthesisError) -> DataElement? {
        func text(_ value: String, _ recorded: String, _ kind: Manifest.Kind, detectable: Bool = true)
            throws(SynthesisError) -> DataElement
        {
            let element = DataElement(tag: tag, vr: vr, bytes: try encode(value, vr: vr, tag: tag))
            record(recorded, kind: kind, tag: tag, path: path, detectable: detectable, canary: true)
            return element
        }
        switch vr {
        case .AE, .LO, .SH, .LT, .ST, .UT, .UC:
            let value = token()
            return try text(value, value, .text)
        case .CS:
            let value = token(code: true)
            return try text(value, value, .code)
        case .PN:
            let value = token()
            return try text(value + "^PN", value, .name)
        case .DA:
            let value = canaryDate()
            return try text(value, value, .date)
        case .TM:
            let value = canaryTime()
            return try text(value, value, .time)
        case .DT:
            let value = canaryDateTime()
            return try text(value, value, .datetime)
        case .UI:
            let value = uid()
            return try text(value, value, .uid)
        case .AS:
            ageCounter += 1
            // Over 89 (100-199 years), so identifying under every option (PS3.15 §E.3.5; HIPAA Safe Harbor).
            let value = "1" + SyntheticIdentity.pad(ageCounter % 100, 2) + "Y"
            return try text(value, value, .age)
        case .UR:
            let value = token()
            return try text("https://example.org/" + value, value, .url)
        case .DS:
            numberCounter += 1
            let value = "\(70_000 + numberCounter).5"
            return try text(value, value, .number, detectable: false)
        case .IS:
            numberCounter += 1
            let value = String(70_000 + numberCounter)
            return try text(value, value, .number, detectable: false)
        case .US, .SS:
            numberCounter += 1
            let value = UInt16(truncatingIfNeeded: 7_000 + numberCounter)
            record(String(value), kind: .number, tag: tag, path: path, detectable: false, canary: true)
            return DataElement(tag: tag, vr: vr, uint16s: [value])
        case .UL, .SL:
            numberCounter += 1
            let value = UInt32(truncatingIfNeeded: 70_000 + numberCounter)
            record(String(value), kind: .number, tag: tag, path: path, detectable: false, canary: true)
            return DataElement(tag: tag, vr: vr, uint32s: [value])
        case .OB, .OW, .UN, .OD, .OF, .OL, .OV:
            let value = token()
            record(value, kind: .binary, tag: tag, path: path, canary: true)
            var bytes = Array(value.utf8)
            while bytes.count % 8 != 0 { bytes.append(0x20) }
            return DataElement(tag: tag, vr: vr, bytes: bytes)
        case .SQ:
            // The item holds a canary name: a leak whichever way a de-identifier treats the sequence.
            let inner = Tag(0x0010_0010)
            let value = token()
            let element = DataElement(tag: inner, vr: .PN, bytes: try encode(value + "^SQ", vr: .PN, tag: inner))
            record(value, kind: .name, tag: tag, path: path + "[0]." + inner.description, canary: true)
            return DataElement(tag: tag, items: [Dataset([element])])
        default:
            return nil
        }
    }
}

/// The elements of one data set or item under construction, with the path that locates them in the file.
struct DatasetBuilder {
    let planter: Planter
    /// The path of the enclosing item plus a dot (`(0040,A730)[0].`), empty at the top level.
    let prefix: String
    private(set) var elements: [DataElement] = []

    init(planter: Planter, prefix: String = "") {
        self.planter = planter
        self.prefix = prefix
    }

    var dataset: Dataset { Dataset(elements) }

    /// The path of `tag` in this data set.
    func path(_ tag: Tag) -> String { prefix + tag.description }

    mutating func add(_ element: DataElement) { elements.append(element) }

    /// Adds a text element that is not recorded (structural values: SOP Class, modality, sizes).
    mutating func add(_ tag: UInt32, _ vr: VR, _ text: String) throws(SynthesisError) {
        elements.append(DataElement(tag: Tag(tag), vr: vr, bytes: try planter.encode(text, vr: vr, tag: Tag(tag))))
    }

    mutating func add(_ tag: UInt32, _ vr: VR, uint16 value: UInt16) {
        elements.append(DataElement(tag: Tag(tag), vr: vr, uint16s: [value]))
    }

    /// Adds a text element and records `recorded` (the values a leak would show, each with a kind).
    ///
    /// When the file's character set cannot represent `text`, nothing is added: each file holds the values its
    /// character set can carry.
    @discardableResult
    mutating func plant(
        _ tag: UInt32, _ vr: VR, _ text: String, _ recorded: [(String, Manifest.Kind)], detectable: Bool = true
    ) throws(SynthesisError) -> Bool {
        guard planter.canEncode(text, vr: vr) else { return false }
        try add(tag, vr, text)
        for (value, kind) in recorded {
            planter.record(value, kind: kind, tag: Tag(tag), path: path(Tag(tag)), detectable: detectable)
        }
        return true
    }

    /// Adds a text element whose whole value is recorded with `kind`.
    @discardableResult
    mutating func plant(_ tag: UInt32, _ vr: VR, _ text: String, _ kind: Manifest.Kind, detectable: Bool = true)
        throws(SynthesisError) -> Bool
    {
        try plant(tag, vr, text, [(text, kind)], detectable: detectable)
    }

    /// Adds a canary element for `tag` (recorded by the planter).
    mutating func plantCanary(_ tag: Tag, _ vr: VR) throws(SynthesisError) {
        if let element = try planter.canary(tag: tag, vr: vr, path: path(tag)) {
            elements.append(element)
        }
    }
}
