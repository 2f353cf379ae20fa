public import DICOM
import Synchronization

/// The text scrubber as the DICOM de-identifier's cleaner for action C on free text (PS3.15 §E.3.4, §E.3.5).
///
/// Person Name (PN) values are removed whole: a name attribute holds nothing but a name. Other values are scrubbed
/// (each `\`-separated value apart) and kept only if every value still fits its VR's maximum length (PS3.5
/// Table 6.2-1), since surrogates can be longer than what they replace; otherwise the attribute is removed.
/// Build the scrubber per patient — with their ``PatientIdentity`` and ``DateShift`` — so that their names and
/// identifiers are found and dates in text move with the rest of their dates.
///
/// ```swift
/// var configuration = DeidentificationConfiguration(...)
/// configuration.textCleaner = TextScrubber(identity: identity, dateShift: shift)
/// ```
extension TextScrubber: TextCleaner {
    /// The scrubbed text, or `nil` to remove the attribute (PN values, and values that no longer fit their VR).
    public func clean(_ text: String, vr: VR, tag: Tag) -> String? {
        if vr == .PN { return nil }
        var values: [String] = []
        for value in text.dicomValues {
            let scrubbed = scrub(String(value)).text
            if let limit = Self.maximumLength(of: vr), scrubbed.count > limit { return nil }
            values.append(scrubbed)
        }
        return values.joined(separator: "\\")
    }

    /// A scrubber for one instance: this one's identity plus the patient identity the instance carries, and
    /// the patient's date shift (or this scrubber's own when none is given).
    ///
    /// The identity and its matcher are made once for each distinct set of patient values
    /// (``PatientIdentity/datasetSourceKey(_:)``) and reused for the next instances that carry the same ones.
    public func cleaner(for dataset: Dataset, dateShift: DateShift?) -> any TextCleaner {
        let made = instanceIdentities.entry(for: PatientIdentity.datasetSourceKey(dataset)) {
            var identity = self.identity ?? PatientIdentity()
            identity.add(dataset: dataset)
            return (identity, Self.matcher(identity, zipPolicy))
        }
        return TextScrubber(
            identity: made.identity, matcher: made.matcher, dateShift: dateShift ?? self.dateShift, zipPolicy: zipPolicy)
    }

    /// The maximum length in characters of one value of a text VR (PS3.5 Table 6.2-1); `nil` when unbounded.
    static func maximumLength(of vr: VR) -> Int? {
        switch vr {
        case .AE, .SH: 16
        case .LO: 64
        case .ST: 1024
        case .LT: 10240
        default: nil
        }
    }
}

/// The identities (with their matchers) a ``TextScrubber`` made for instances, by the bytes they were made from.
/// Holds at most ``capacity`` entries and starts over when full: a batch or an ingest run meets one patient's
/// instances together, and an entry is only a saving, never needed.
final class InstanceIdentityCache: Sendable {
    typealias Entry = (identity: PatientIdentity, matcher: IdentityMatcher?)
    static let capacity = 512
    private let entries = Mutex<[[UInt8]: Entry]>([:])

    /// The entry made from `key`, made by `make` (outside the lock) when missing; with no key, `make`'s result.
    func entry(for key: [UInt8]?, make: () -> Entry) -> Entry {
        guard let key else { return make() }
        if let found = entries.withLock({ $0[key] }) { return found }
        let made = make()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = made
        }
        return made
    }

    /// The number of entries held.
    var count: Int { entries.withLock { $0.count } }
}
