/// What ``DICOMDeidentifier`` did to one instance, attribute by attribute, without any value (STYLE.md R5).
///
/// Each entry names an attribute path — tags from the top-level data set down, `[*]` standing for every item of
/// a sequence, e.g. `(0008,1140)[*].(0008,1155)`; file meta elements are under `meta.` — the action applied, why,
/// and how often. It feeds the de-identification report.
///
/// ```swift
/// record.entries.filter { $0.action == .removed && $0.reason == .privateElement }.count
/// record.count(of: .replacedUID)     // UIDs replaced through the UID pseudonymizer
/// record.dateShiftBasis              // .patientID, or .studyInstanceUID when the instance had no Patient ID
/// ```
public struct DeidentificationRecord: Sendable, Hashable {
    /// What happened to an attribute.
    public enum Action: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
        /// Kept unchanged (sequences: kept, their items processed).
        case kept
        /// Removed.
        case removed
        /// Replaced by a zero-length value (sequences: emptied).
        case emptied
        /// Replaced by a dummy value consistent with the VR.
        case replacedWithDummy
        /// UIDs replaced by keyed pseudonyms.
        case replacedUID
        /// Dates and date-times shifted by the patient's keyed shift (times validated and kept).
        case shifted
        /// Patient ID replaced by its keyed pseudonym.
        case pseudonymized
        /// An age over 89 years replaced by `090Y`.
        case clamped
        /// Free text replaced by the text cleaner's output.
        case cleaned
        /// Added by the de-identifier (marking, Longitudinal Temporal Information Modified).
        case added
        /// Replaced by the de-identifier's own value (file meta, Burned In Annotation after cleaning).
        case replaced
        /// Pixel rectangles blanked on every frame.
        case blanked

        /// The action as a word.
        public var description: String { rawValue }

        /// Declaration order.
        public static func < (lhs: Action, rhs: Action) -> Bool {
            (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
        }
    }

    /// Which rule decided the action.
    public enum Reason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// PS3.15 Table E.1-1 (``Entry/tableAction`` and ``Entry/option`` say which cell).
        case profileTable
        /// Not in the table; a technical text attribute on the allowlist (built-in or configured).
        case textAllowlist
        /// Not in the table; a VR that cannot carry free text (binary, numbers, AT).
        case nonTextValue
        /// Not in the table; a coded string within the CS repertoire.
        case codedString
        /// Not in the table; a class or definition UID, or a well-known `1.2.840.10008.` UID.
        case classUID
        /// Not in the table; an instance UID, replaced like action U.
        case instanceUID
        /// Not in the table; a date, date-time or time handled like action C (shifted, kept with Full Dates, or
        /// removed).
        case temporalValue
        /// Not in the table; an age string, clamped.
        case ageValue
        /// Not in the table; a sequence, kept so that its items are processed by the same rules.
        case sequenceItems
        /// Not in the table, not allowlisted text.
        case notAllowlisted
        /// Not in the PS3.6 data dictionary.
        case unknownPublicTag
        /// A private element that is not a Safe Private Attribute, or Retain Safe Private is not selected.
        case privateElement
        /// A Safe Private Attribute of PS3.15 Table E.3.10-1 under Retain Safe Private.
        case safePrivateAttribute
        /// A Private Creator element: kept only when an element of its block is kept.
        case privateCreator
        /// Always removed, whatever the table and options say (original values, signatures, overlays comments,
        /// curves, icons, padding).
        case alwaysRemoved
        /// A group length (gggg,0000); the writer needs none.
        case groupLength
        /// The File Meta Information, rebuilt.
        case fileMeta
        /// The value could not be parsed (a date, a UID, a number, a code) and so is not passed through.
        case unparsableValue
        /// Action C on free text, decided by the ``TextCleaner``.
        case textCleaner
        /// A date to shift, but the instance has neither Patient ID nor Study Instance UID to key the shift.
        case noDateShiftKey
        /// The value is in a form that cannot be inspected (a UN value of a sequence, a value that failed to load).
        case undecodableValue
        /// De-identification marking (PS3.15 §E.1.1 steps 5-6, §E.3.6).
        case marking
        /// A ``PixelCleaningRule``.
        case pixelCleaning

        /// The reason as a word.
        public var description: String { rawValue }
    }

    /// One attribute path with one action and reason, and how many elements it covered.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// The attribute path, e.g. `(0008,1140)[*].(0008,1155)`.
        public let path: String
        /// What was done.
        public let action: Action
        /// Why.
        public let reason: Reason
        /// For ``Reason/profileTable``: the table's action code (possibly composite, e.g. `X/Z/D`).
        public let tableAction: DeidentificationAction?
        /// For ``Reason/profileTable``: the option column that decided, `nil` for the Basic Profile column.
        public let option: ProfileOption?
        /// How many elements at this path were treated so (items of sequences add up).
        public internal(set) var count: Int

        /// `(0010,0010) emptied by profileTable Z ×1`.
        public var description: String {
            var text = "\(path) \(action) by \(reason)"
            if let tableAction { text += " \(tableAction)" }
            if let option { text += " [\(option.rawValue)]" }
            return text + " ×\(count)"
        }
    }

    /// How the patient's date shift was keyed.
    public enum DateShiftBasis: String, Sendable, Hashable, CustomStringConvertible {
        /// By the original Patient ID (0010,0020) and Issuer of Patient ID (0010,0021).
        case patientID
        /// The instance had no Patient ID: by its Study Instance UID (0020,000D), so one study keeps its intervals.
        case studyInstanceUID
        /// Neither was present; dates that would be shifted were removed.
        case none
        /// No shift was needed (the options do not modify dates).
        case notApplicable

        /// The basis as a word.
        public var description: String { rawValue }
    }

    /// The entries, sorted by path, then action and reason. Merged from the notes when asked for, so that a
    /// caller that only needs the de-identified instance (the lake's ingest) does not pay for sorting them.
    public var entries: [Entry] { notes.entries() }
    /// What the session noted, attribute by attribute, in the order it happened.
    var notes = RecordBuilder()
    /// How the date shift was keyed.
    public internal(set) var dateShiftBasis: DateShiftBasis
    /// The name of the pixel cleaning rule applied, if any.
    public internal(set) var pixelCleaningRule: String?
    /// The number of frames whose rectangles were blanked.
    public internal(set) var blankedFrames: Int
    /// The method codes written to De-identification Method Code Sequence (0012,0064).
    public internal(set) var methodCodes: [DeidentificationMethodCode]

    init() {
        dateShiftBasis = .notApplicable
        pixelCleaningRule = nil
        blankedFrames = 0
        methodCodes = []
    }

    /// The number of elements that received `action`.
    public func count(of action: Action) -> Int {
        entries.reduce(0) { $0 + ($1.action == action ? $1.count : 0) }
    }

    /// The number of elements per action.
    public var counts: [Action: Int] {
        entries.reduce(into: [:]) { $0[$1.action, default: 0] += $1.count }
    }

    /// The entries for one path.
    public func entries(forPath path: String) -> [Entry] { entries.filter { $0.path == path } }

    /// Calls `body` with the path and the action's position in declaration order of every element noted, in the
    /// order they were noted (what ``entries`` merges and counts).
    func forEachNote(_ body: (String, Int) -> Void) { notes.forEachNote(body) }

    /// Records are equal when their entries are, whatever order the notes behind them came in.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.entries == rhs.entries && lhs.dateShiftBasis == rhs.dateShiftBasis
            && lhs.pixelCleaningRule == rhs.pixelCleaningRule && lhs.blankedFrames == rhs.blankedFrames
            && lhs.methodCodes == rhs.methodCodes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries)
        hasher.combine(dateShiftBasis)
        hasher.combine(pixelCleaningRule)
        hasher.combine(blankedFrames)
        hasher.combine(methodCodes)
    }
}

/// Collects record entries while one instance is processed, merging equal paths.
///
/// Notes are appended as they come (no hashing per element) and merged once, in ``entries()``, by sorting them in
/// the record's order and counting runs of equal notes.
struct RecordBuilder: Sendable {
    private struct Note: Sendable {
        let path: String
        let action: DeidentificationRecord.Action
        /// The position of `action` in declaration order (the order ``DeidentificationRecord/Action`` sorts by).
        let actionRank: Int
        let reason: DeidentificationRecord.Reason
        let tableAction: DeidentificationAction?
        let option: ProfileOption?

        func isSameEntry(as other: Note) -> Bool {
            action == other.action && reason == other.reason && tableAction == other.tableAction
                && option == other.option && path == other.path
        }
    }

    private static let actionOrder = DeidentificationRecord.Action.allCases

    private var notes: [Note] = []

    mutating func note(
        _ path: String, _ action: DeidentificationRecord.Action, _ reason: DeidentificationRecord.Reason,
        table: ResolvedAction? = nil
    ) {
        let rank = Self.actionOrder.firstIndex(of: action) ?? 0
        notes.append(
            Note(path: path, action: action, actionRank: rank, reason: reason, tableAction: table?.action,
                 option: table?.option))
    }

    /// Calls `body` with each note's path and action rank, in the order noted.
    func forEachNote(_ body: (String, Int) -> Void) {
        for note in notes { body(note.path, note.actionRank) }
    }

    /// One entry per distinct note with its count, sorted by path, action, reason, table action and option.
    func entries() -> [DeidentificationRecord.Entry] {
        let sorted = notes.sorted { first, second in
            let byPath = Self.compare(first.path, second.path)
            if byPath != 0 { return byPath < 0 }
            if first.actionRank != second.actionRank { return first.actionRank < second.actionRank }
            if first.reason != second.reason { return first.reason.rawValue < second.reason.rawValue }
            return (first.tableAction?.rawValue ?? "", first.option?.rawValue ?? "")
                < (second.tableAction?.rawValue ?? "", second.option?.rawValue ?? "")
        }
        var entries: [DeidentificationRecord.Entry] = []
        entries.reserveCapacity(sorted.count)
        var index = 0
        while index < sorted.count {
            let note = sorted[index]
            var end = index + 1
            while end < sorted.count, sorted[end].isSameEntry(as: note) { end += 1 }
            entries.append(
                DeidentificationRecord.Entry(
                    path: note.path, action: note.action, reason: note.reason, tableAction: note.tableAction,
                    option: note.option, count: end - index))
            index = end
        }
        return entries
    }

    /// Orders two paths as `String`'s `<` does, on their UTF-8 bytes: for ASCII text (every path the session makes:
    /// tags, `[*]`, `.`, `meta.`) that order is the order of the bytes; anything else is left to `String`.
    /// Returns a negative number, zero or a positive number.
    private static func compare(_ first: String, _ second: String) -> Int {
        var first = first, second = second
        let byBytes: Int? = first.withUTF8 { left in
            second.withUTF8 { right in
                let common = min(left.count, right.count)
                var index = 0
                while index < common, left[index] == right[index], left[index] < 0x80 { index += 1 }
                if index < common {
                    return left[index] < 0x80 && right[index] < 0x80 ? Int(left[index]) - Int(right[index]) : nil
                }
                let longer = left.count > right.count ? left : right
                guard longer[common...].allSatisfy({ $0 < 0x80 }) else { return nil }
                return left.count - right.count
            }
        }
        return byBytes ?? stringOrder(first, second)
    }

    private static func stringOrder(_ first: String, _ second: String) -> Int {
        first < second ? -1 : (second < first ? 1 : 0)
    }
}
