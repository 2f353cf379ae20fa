import DICOM

/// The work of one ``DICOMDeidentifier/deidentify(_:)`` call: the record being built, the patient's date shift
/// and the first digest failure. Confined to the calling thread for the duration of the call.
final class DeidentificationSession {
    typealias Action = DeidentificationRecord.Action
    typealias Reason = DeidentificationRecord.Reason

    let deidentifier: DICOMDeidentifier
    let configuration: DeidentificationConfiguration
    let profile = ConfidentialityProfile.standard
    var builder = RecordBuilder()
    var dateShift: DateShift?
    /// The text cleaner for this instance (``TextCleaner/cleaner(for:dateShift:)``), made on first use: gathering
    /// the patient's identity costs more than many instances spend on text, and most have none to clean.
    private var instanceCleaner: (any TextCleaner)?
    /// The data set and date shift the instance's text cleaner is made for.
    private var cleanerSource: (dataset: Dataset, dateShift: DateShift?)?
    var failure: DeidentifyError?
    var bigEndianSource = false
    let modifiesDates: Bool
    let keepsFullDates: Bool
    let retainsUIDs: Bool
    let retainsSafePrivate: Bool

    init(_ deidentifier: DICOMDeidentifier) {
        self.deidentifier = deidentifier
        configuration = deidentifier.configuration
        let options = configuration.options
        modifiesDates = options.contains(.retainLongitudinalTemporalInformationModifiedDates)
        keepsFullDates = options.contains(.retainLongitudinalTemporalInformationFullDates)
        retainsUIDs = options.contains(.retainUIDs)
        retainsSafePrivate = options.contains(.retainSafePrivate)
    }

    /// The text cleaner for this instance: made once, for the original data set and the patient's date shift.
    var textCleaner: any TextCleaner {
        if let instanceCleaner { return instanceCleaner }
        guard let source = cleanerSource else { return configuration.textCleaner }
        let made = configuration.textCleaner.cleaner(for: source.dataset, dateShift: source.dateShift)
        instanceCleaner = made
        return made
    }

    // MARK: The instance

    func run(_ file: DICOMFile) -> DeidentificationOutcome {
        let original = file.dataset
        bigEndianSource = !file.transferSyntax.isLittleEndian
        let plan: PixelPlan
        switch PixelPlan.make(for: original, transferSyntax: file.transferSyntax, configuration: configuration) {
        case .failure(let reason): return .quarantined(reason)
        case .success(let made): plan = made
        }

        var record = DeidentificationRecord()
        record.dateShiftBasis = keyDateShift(original)
        cleanerSource = (original, modifiesDates ? dateShift : nil)
        var dataset = process(original, path: "")
        if let failure {
            return .quarantined(
                QuarantineReason(.keyedDigestFailed, "a keyed digest failed: \(failure.description)"))
        }

        var options = configuration.options
        if case .clean(let rule, let geometry) = plan {
            switch PixelBlanker.blank(original[.pixelData], geometry: geometry, rectangles: rule.rectangles) {
            case .failure(let reason): return .quarantined(reason)
            case .success(let cleaned):
                if dataset.contains(.pixelData) {
                    dataset.set(cleaned)
                    builder.note(Tag.pixelData.description, .blanked, .pixelCleaning)
                }
                let annotation = Tag(0x0028_0301)
                builder.note(annotation.description, dataset.contains(annotation) ? .replaced : .added, .pixelCleaning)
                dataset.set(DataElement(tag: annotation, vr: .CS, string: "NO"))
                record.pixelCleaningRule = rule.name
                record.blankedFrames = geometry.frames
                options.insert(.cleanPixelData)
            }
        }

        mark(&dataset, options: options)
        record.methodCodes = options.methodCodes

        guard let instanceUID = dataset.string(for: .sopInstanceUID), AttributeAllowlist.isValidUID(instanceUID) else {
            return .quarantined(
                QuarantineReason(
                    .missingSOPInstanceUID,
                    "the instance has no usable SOP Instance UID (0008,0018) after de-identification"))
        }
        let meta = rebuildFileMeta(file, dataset: dataset, instanceUID: instanceUID)
        record.notes = builder
        let output = DICOMFile(
            preamble: nil, fileMeta: meta, dataset: dataset, transferSyntax: file.transferSyntax, warnings: [],
            stoppedBeforePixels: file.stoppedBeforePixels)
        return .deidentified(output, record)
    }

    /// Keys the patient's date shift by the original Patient ID and issuer, or by the Study Instance UID.
    private func keyDateShift(_ dataset: Dataset) -> DeidentificationRecord.DateShiftBasis {
        guard modifiesDates else { return .notApplicable }
        do throws(DeidentifyError) {
            if let patientID = dataset.string(for: .patientID).map(PixelRiskPolicy.trimmed), !patientID.isEmpty {
                dateShift = try deidentifier.dates.shift(
                    forPatientID: patientID, issuer: dataset.string(for: Tag(0x0010_0021)))
                return .patientID
            }
            if let study = dataset.string(for: .studyInstanceUID).map(PixelRiskPolicy.trimmed), !study.isEmpty {
                dateShift = try deidentifier.dates.shift(forStudyInstanceUID: study)
                return .studyInstanceUID
            }
        } catch {
            failure = failure ?? error
        }
        return .none
    }

    /// PS3.15 §E.1.1 steps 5-6 and §E.3.6.
    private func mark(_ dataset: inout Dataset, options: ProfileOptions) {
        func put(_ element: DataElement) {
            builder.note(element.tag.description, dataset.contains(element.tag) ? .replaced : .added, .marking)
            dataset.set(element)
        }
        put(DataElement(tag: Tag(0x0012_0062), vr: .CS, string: "YES"))
        put(
            DataElement(
                tag: Tag(0x0012_0063), vr: .LO, string: deidentifier.deidentificationMethod.joined(separator: "\\")))
        let items = options.methodCodes.map { code in
            Dataset([
                DataElement(tag: Tag(0x0008_0100), vr: .SH, string: code.codeValue),
                DataElement(tag: Tag(0x0008_0102), vr: .SH, string: code.codingSchemeDesignator),
                DataElement(tag: Tag(0x0008_0104), vr: .LO, string: code.codeMeaning),
            ])
        }
        put(DataElement(tag: Tag(0x0012_0064), items: items))
        // PS3.3 §C.7.6.1.1: UNMODIFIED, MODIFIED or REMOVED; without a Retain Longitudinal option, the Basic
        // Profile removes or replaces dates, so REMOVED.
        put(
            DataElement(
                tag: Tag(0x0028_0303), vr: .CS, string: options.longitudinalTemporalInformationModified ?? "REMOVED"))
    }

    /// PS3.10 §7.1, rebuilt: version, Media Storage SOP Class and Instance UIDs, Transfer Syntax UID and this
    /// implementation; everything else (AE titles, private information, …) is dropped.
    private func rebuildFileMeta(_ file: DICOMFile, dataset: Dataset, instanceUID: String) -> Dataset {
        let rebuilt: Set<Tag> = [
            .fileMetaInformationGroupLength, .fileMetaInformationVersion, .mediaStorageSOPClassUID,
            .mediaStorageSOPInstanceUID, .transferSyntaxUID, .implementationClassUID, .implementationVersionName,
        ]
        for element in file.fileMeta {
            let path = "meta." + element.tag.description
            builder.note(path, rebuilt.contains(element.tag) ? .replaced : .removed, .fileMeta)
        }
        var meta = Dataset()
        meta.set(DataElement(tag: .fileMetaInformationVersion, vr: .OB, bytes: [0x00, 0x01]))
        if let classUID = dataset.string(for: .sopClassUID), AttributeAllowlist.isValidUID(classUID) {
            meta.set(DataElement(tag: .mediaStorageSOPClassUID, vr: .UI, string: classUID))
        } else if let classUID = file.fileMeta.string(for: .mediaStorageSOPClassUID),
            AttributeAllowlist.isValidUID(classUID)
        {
            meta.set(DataElement(tag: .mediaStorageSOPClassUID, vr: .UI, string: classUID))
        }
        meta.set(DataElement(tag: .mediaStorageSOPInstanceUID, vr: .UI, string: instanceUID))
        meta.set(DataElement(tag: .transferSyntaxUID, vr: .UI, string: file.transferSyntax.uid))
        meta.set(DataElement(tag: .implementationClassUID, vr: .UI, string: FedLakeImplementation.classUID))
        meta.set(DataElement(tag: .implementationVersionName, vr: .SH, string: FedLakeImplementation.versionName))
        return meta
    }

    // MARK: Data sets

    /// Processes every element of a data set (the top level, or an item at `path`, e.g. `(0040,A730)[*]`).
    func process(_ dataset: Dataset, path: String) -> Dataset {
        var output: [DataElement] = []
        output.reserveCapacity(dataset.count)
        var creators: [DataElement] = []
        var keptBlocks: Set<Tag> = []
        for element in dataset {
            let tag = element.tag
            let elementPath = path.isEmpty ? tag.recordPath : path + "." + tag.recordPath
            if tag.isGroupLength {
                builder.note(elementPath, .removed, .groupLength)
                continue
            }
            if tag.isPrivate {
                if tag.isPrivateCreator {
                    creators.append(element)
                } else if let kept = processPrivate(element, in: dataset, path: elementPath),
                    let creatorTag = tag.privateCreatorTag
                {
                    output.append(kept)
                    keptBlocks.insert(creatorTag)
                }
                continue
            }
            if let kept = processPublic(element, in: dataset, path: elementPath) { output.append(kept) }
        }
        for creator in creators {
            let creatorPath = path.isEmpty ? creator.tag.recordPath : path + "." + creator.tag.recordPath
            if keptBlocks.contains(creator.tag) {
                output.append(creator)
                builder.note(creatorPath, .kept, .privateCreator)
            } else {
                builder.note(creatorPath, .removed, .privateCreator)
            }
        }
        return Dataset(output, inheritedCharacterSetTerms: dataset.inheritedCharacterSetTerms)
    }

    func processItems(of element: DataElement, _ items: [Dataset], path: String) -> DataElement {
        var copy = element
        copy.vr = .SQ
        copy.value = .sequence(items.map { process($0, path: path + "[*]") })
        return copy
    }

    // MARK: Private elements

    /// PS3.15 §E.3.10: only Safe Private Attributes under Retain Safe Private, matched by group, creator and offset.
    private func processPrivate(_ element: DataElement, in dataset: Dataset, path: String) -> DataElement? {
        guard retainsSafePrivate, let creatorTag = element.tag.privateCreatorTag,
            let creator = dataset[creatorTag]?.string,
            let safe = SafePrivateAttributes.attribute(for: element.tag, creator: creator)
        else {
            builder.note(path, .removed, .privateElement)
            return nil
        }
        var element = element
        if element.vr == .UN, let vr = safe.vr, vr != .SQ, !isSequence(element),
            !(bigEndianSource && vr.binaryValueSize != nil)
        {
            element.vr = vr
        }
        if let items = element.items { return noted(processItems(of: element, items, path: path), path, .kept, .safePrivateAttribute) }
        switch element.vr {
        case .UI:
            return retainsUIDs
                ? keepValidated(element, path: path, reason: .safePrivateAttribute, table: nil)
                : replaceUIDs(element, path: path, reason: .safePrivateAttribute, table: nil)
        case .DA, .DT, .TM:
            return temporal(element, path: path, reason: .safePrivateAttribute, table: nil)
        default:
            return keepValidated(element, path: path, reason: .safePrivateAttribute, table: nil)
        }
    }

    // MARK: Public elements

    private func processPublic(_ element: DataElement, in dataset: Dataset, path: String) -> DataElement? {
        let tag = element.tag
        if AttributeAllowlist.isAlwaysRemoved(tag) {
            builder.note(path, .removed, .alwaysRemoved)
            return nil
        }
        if tag.isFileMeta {
            builder.note(path, .removed, .fileMeta)
            return nil
        }
        var element = element
        if element.vr == .UN, let vr = DataDictionary.vr(for: tag), vr != .UN {
            if isSequence(element) {
                element.vr = .SQ
            } else if vr != .SQ, !(bigEndianSource && vr.binaryValueSize != nil) {
                element.vr = vr
            }
        }
        if let resolved = profile.action(for: tag, options: configuration.options) {
            return apply(resolved, to: element, in: dataset, path: path)
        }
        return allowlisted(element, in: dataset, path: path)
    }

    /// Applies the table's action, composite actions resolved with the Type unknown.
    private func apply(_ resolved: ResolvedAction, to element: DataElement, in dataset: Dataset, path: String)
        -> DataElement?
    {
        let reason = Reason.profileTable
        let isPatientID = element.tag == .patientID
        switch resolved.resolved(for: nil) {
        case .remove:
            builder.note(path, .removed, reason, table: resolved)
            return nil
        case .zeroLength:
            if isPatientID { return pseudonymizePatientID(element, in: dataset, path: path, table: resolved) }
            var copy = element
            copy.value = isSequence(element) || element.vr == .SQ ? .sequence([]) : .bytes([])
            if case .sequence = copy.value { copy.vr = .SQ }
            return noted(copy, path, .emptied, reason, table: resolved)
        case .dummy:
            if isPatientID { return pseudonymizePatientID(element, in: dataset, path: path, table: resolved) }
            return dummy(element, path: path, table: resolved)
        case .keep:
            return keepValidated(element, path: path, reason: reason, table: resolved)
        case .clean:
            return clean(element, in: dataset, path: path, table: resolved)
        case .replaceUID:
            if let items = element.items {
                return noted(processItems(of: element, items, path: path), path, .kept, reason, table: resolved)
            }
            return replaceUIDs(element, path: path, reason: reason, table: resolved)
        case .zeroLengthOrDummy, .removeOrZeroLength, .removeOrDummy, .removeOrZeroLengthOrDummy,
            .removeOrZeroLengthOrReplaceUIDs:
            // resolved(for:) never returns a composite action; remove if it ever did.
            builder.note(path, .removed, reason, table: resolved)
            return nil
        }
    }

    /// Attributes the table does not list (``AttributeAllowlist``).
    private func allowlisted(_ element: DataElement, in dataset: Dataset, path: String) -> DataElement? {
        // A binary search over plain values; the keyword is read only for UI elements (below).
        guard DataDictionary.vr(for: element.tag) != nil else {
            builder.note(path, .removed, .unknownPublicTag)
            return nil
        }
        if let items = element.items {
            return noted(processItems(of: element, items, path: path), path, .kept, .sequenceItems)
        }
        if case .fragments = element.value { return noted(element, path, .kept, .nonTextValue) }
        switch element.vr {
        case .US, .SS, .UL, .SL, .UV, .SV, .FL, .FD, .AT, .OB, .OW, .OD, .OF, .OL, .OV:
            return noted(element, path, .kept, .nonTextValue)
        case .DS, .IS, .CS, .AS:
            return keepValidated(element, path: path, reason: element.vr == .AS ? .ageValue : .codedString, table: nil)
        case .UI:
            if retainsUIDs || AttributeAllowlist.isDefinitionUID(keyword: DataDictionary.keyword(for: element.tag) ?? "") {
                return keepValidated(element, path: path, reason: .classUID, table: nil)
            }
            return replaceUIDs(element, path: path, reason: .instanceUID, table: nil)
        case .DA, .DT, .TM:
            return temporal(element, path: path, reason: .temporalValue, table: nil)
        case .LO, .LT, .SH, .ST, .UT, .UC, .PN, .UR, .AE:
            if AttributeAllowlist.technicalText.contains(element.tag)
                || configuration.additionalTextAllowlist.contains(element.tag)
            {
                return noted(element, path, .kept, .textAllowlist)
            }
            // Text Value (0040,A160) is the text of SR TEXT content items; Table E.1-1 lists their container,
            // Content Sequence, with C under Clean Structured Content (PS3.15 E.3.5): the text is cleaned, which
            // also keeps the Type 1C Text Value that a TEXT item requires.
            if element.tag == Tag(0x0040_A160), configuration.options.contains(.cleanStructuredContent) {
                return cleanText(element, characterSet: dataset.characterSet, path: path, table: nil)
            }
            builder.note(path, .removed, .notAllowlisted)
            return nil
        case .UN, .SQ:
            builder.note(path, .removed, .undecodableValue)
            return nil
        }
    }

    // MARK: Actions on values

    /// K: keeps the value, after checking that values of parsable VRs parse (fail closed), clamping ages and
    /// processing the items of sequences.
    func keepValidated(_ element: DataElement, path: String, reason: Reason, table: ResolvedAction?) -> DataElement? {
        if let items = element.items {
            return noted(processItems(of: element, items, path: path), path, .kept, reason, table: table)
        }
        switch element.vr {
        case .DA, .DT, .TM:
            guard let text = asciiText(element) else { return undecodable(path) }
            guard DateShift(days: 0).shiftedValue(text, vr: element.vr) != nil else { return unparsable(path) }
        case .AS:
            guard let text = asciiText(element) else { return undecodable(path) }
            guard let clamped = AgeClamp.clampedValue(text) else { return unparsable(path) }
            if clamped != text {
                var copy = element
                copy.value = .bytes(Array(clamped.utf8))
                return noted(copy, path, .clamped, reason, table: table)
            }
        case .UI:
            guard let text = asciiText(element) else { return undecodable(path) }
            for value in text.dicomValues {
                let uid = PixelRiskPolicy.trimmed(String(value))
                guard uid.isEmpty || AttributeAllowlist.isValidUID(uid) else { return unparsable(path) }
            }
        case .CS:
            guard let text = asciiText(element) else { return undecodable(path) }
            guard AttributeAllowlist.isCodedString(text) else { return unparsable(path) }
        case .DS, .IS:
            guard let text = asciiText(element) else { return undecodable(path) }
            guard AttributeAllowlist.isNumberString(text, decimal: element.vr == .DS) else { return unparsable(path) }
        case .SQ, .UN:
            if case .fragments = element.value { break }
            return undecodable(path)
        default:
            break
        }
        return noted(element, path, .kept, reason, table: table)
    }

    /// C: dates shifted, time-zone offsets validated, coded strings removed, free text to the ``TextCleaner``,
    /// sequences processed; anything else removed.
    private func clean(_ element: DataElement, in dataset: Dataset, path: String, table: ResolvedAction)
        -> DataElement?
    {
        if let items = element.items {
            return noted(processItems(of: element, items, path: path), path, .kept, .profileTable, table: table)
        }
        if element.tag == Tag(0x0008_0201) {
            // Timezone Offset From UTC (&ZZXX, PS3.3 §C.12.1.1.8): a whole-day shift keeps it.
            guard let text = asciiText(element) else { return undecodable(path) }
            let bytes = Array(PixelRiskPolicy.trimmed(text).utf8)
            guard bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
                bytes[1...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return unparsable(path) }
            return noted(element, path, .kept, .profileTable, table: table)
        }
        switch element.vr {
        case .DA, .DT, .TM:
            return temporal(element, path: path, reason: .profileTable, table: table)
        case .CS:
            // C asks for "values of similar meaning known not to contain identifying information" (PS3.15
            // E.1.1). A coded string passes the CS repertoire check whatever it encodes (initials, an ID), and
            // without the attribute's defined terms nothing proves its meaning: fail closed and remove it.
            builder.note(path, .removed, .profileTable, table: table)
            return nil
        case .LO, .SH, .ST, .LT, .UT, .UC, .PN, .AE, .UR:
            return cleanText(element, characterSet: dataset.characterSet, path: path, table: table)
        default:
            builder.note(path, .removed, .profileTable, table: table)
            return nil
        }
    }

    private func cleanText(
        _ element: DataElement, characterSet: SpecificCharacterSet, path: String, table: ResolvedAction?
    ) -> DataElement? {
        guard case .bytes = element.value,
            let text = element.stringValue(using: { characterSet.decode($0, vr: $1) }),
            let cleaned = textCleaner.clean(text, vr: element.vr, tag: element.tag),
            let bytes = characterSet.encode(cleaned, vr: element.vr)
        else {
            builder.note(path, .removed, .textCleaner, table: table)
            return nil
        }
        var copy = element
        copy.value = .bytes(bytes)
        return noted(copy, path, .cleaned, .textCleaner, table: table)
    }

    /// Dates and times: shifted under Modified Dates, kept (when valid) under Full Dates, otherwise removed.
    func temporal(_ element: DataElement, path: String, reason: Reason, table: ResolvedAction?) -> DataElement? {
        guard let text = asciiText(element) else { return undecodable(path) }
        if modifiesDates {
            guard let shift = dateShift else {
                builder.note(path, .removed, .noDateShiftKey, table: table)
                return nil
            }
            guard let shifted = shift.shiftedValue(text, vr: element.vr) else { return unparsable(path) }
            var copy = element
            copy.value = .bytes(Array(shifted.utf8))
            return noted(copy, path, .shifted, reason, table: table)
        }
        if keepsFullDates {
            guard DateShift(days: 0).shiftedValue(text, vr: element.vr) != nil else { return unparsable(path) }
            return noted(element, path, .kept, reason, table: table)
        }
        builder.note(path, .removed, reason, table: table)
        return nil
    }

    /// U: every UID replaced by its keyed pseudonym, well-known `1.2.840.10008.` UIDs kept; a value that is not
    /// made of digits and dots is removed.
    func replaceUIDs(_ element: DataElement, path: String, reason: Reason, table: ResolvedAction?) -> DataElement? {
        guard element.vr == .UI else {
            builder.note(path, .removed, reason, table: table)
            return nil
        }
        guard let text = asciiText(element) else { return undecodable(path) }
        var values: [String] = []
        for value in text.dicomValues {
            let uid = PixelRiskPolicy.trimmed(String(value))
            if uid.isEmpty || AttributeAllowlist.isWellKnownUID(uid) {
                values.append(uid)
            } else if uid.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || ($0 >= 0x30 && $0 <= 0x39) }) {
                guard let pseudonym = pseudonym(forUID: uid) else { return nil }
                values.append(pseudonym)
            } else {
                return unparsable(path)
            }
        }
        var copy = element
        copy.value = .bytes(Array(values.joined(separator: "\\").utf8))
        return noted(copy, path, .replacedUID, reason, table: table)
    }

    /// D: a dummy of the VR (``DummyValues``); UIDs get their pseudonym, sequences keep their processed items.
    private func dummy(_ element: DataElement, path: String, table: ResolvedAction) -> DataElement? {
        if let items = element.items {
            return noted(processItems(of: element, items, path: path), path, .kept, .profileTable, table: table)
        }
        var copy = element
        if element.vr == .UI {
            let original = asciiText(element).map(PixelRiskPolicy.trimmed) ?? ""
            guard let pseudonym = pseudonym(forUID: original) else { return nil }
            copy.value = .bytes(Array(pseudonym.utf8))
            return noted(copy, path, .replacedUID, .profileTable, table: table)
        }
        guard let bytes = DummyValues.bytes(for: element.vr) else {
            builder.note(path, .removed, .undecodableValue, table: table)
            return nil
        }
        copy.value = .bytes(bytes)
        return noted(copy, path, .replacedWithDummy, .profileTable, table: table)
    }

    /// Patient ID (Z/D in the table): its keyed pseudonym, which satisfies both Z and D; an empty ID stays empty.
    private func pseudonymizePatientID(
        _ element: DataElement, in dataset: Dataset, path: String, table: ResolvedAction
    ) -> DataElement? {
        let patientID = dataset.string(for: .patientID).map(PixelRiskPolicy.trimmed) ?? ""
        var copy = element
        copy.vr = .LO
        if patientID.isEmpty {
            copy.value = .bytes([])
            return noted(copy, path, .emptied, .profileTable, table: table)
        }
        do throws(DeidentifyError) {
            let pseudonym = try deidentifier.patients.pseudonym(
                forPatientID: patientID, issuer: dataset.string(for: Tag(0x0010_0021)))
            copy.value = .bytes(Array(pseudonym.utf8))
            return noted(copy, path, .pseudonymized, .profileTable, table: table)
        } catch {
            failure = failure ?? error
            return nil
        }
    }

    // MARK: Helpers

    private func pseudonym(forUID uid: String) -> String? {
        do throws(DeidentifyError) {
            return try deidentifier.uids.pseudonym(for: uid)
        } catch {
            failure = failure ?? error
            return nil
        }
    }

    private func isSequence(_ element: DataElement) -> Bool {
        if case .sequence = element.value { return true }
        return false
    }

    /// The value of a default-repertoire string VR as text, padding removed; a deferred value is loaded (such
    /// values are small); `nil` for values that cannot be read.
    private func asciiText(_ element: DataElement) -> String? {
        var loaded = element
        if case .deferred = element.value {
            guard let bytes = try? element.loadBytes() else { return nil }
            loaded.value = .bytes(bytes)
        }
        return loaded.stringValue { bytes, _ in String(decoding: bytes, as: UTF8.self) }
    }

    private func noted(
        _ element: DataElement, _ path: String, _ action: Action, _ reason: Reason, table: ResolvedAction? = nil
    ) -> DataElement {
        builder.note(path, action, reason, table: table)
        return element
    }

    private func unparsable(_ path: String) -> DataElement? {
        builder.note(path, .removed, .unparsableValue)
        return nil
    }

    private func undecodable(_ path: String) -> DataElement? {
        builder.note(path, .removed, .undecodableValue)
        return nil
    }
}
