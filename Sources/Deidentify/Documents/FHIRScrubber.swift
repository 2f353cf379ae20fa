import DICOM
import Foundation

/// De-identifies a FHIR R4 resource or Bundle parsed by `JSONSerialization`, by structure first
/// (https://hl7.org/fhir/R4/datatypes.html), then every remaining string through the ``TextScrubber``.
///
/// - HumanName (any `name` holding objects): `{"use": …, "text": "[NAME]"}`.
/// - Address: only `use`, `type`, `state`, `country` and `period` stay; `postalCode` becomes its three-digit
///   Safe Harbor form (US ZIP codes only, else removed); `line`, `city`, `district`, `text` are removed.
/// - ContactPoint (`telecom`) and `photo` are removed; Attachment `data` and `url` are removed unread.
/// - Identifier `value`: the keyed patient pseudonym when its `system` is a configured patient-ID system,
///   else `[ID]`.
/// - Resource `id`s and references (`Patient/123`, absolute URLs, `urn:uuid:`, Bundle request URLs and response
///   locations) are pseudonymised consistently, so references inside a Bundle still resolve; conditional
///   references (`Patient?identifier=…`) become `[REFERENCE]`; Reference `display` becomes `[NAME]`.
/// - date, dateTime and instant values (by element name, and any string in full-date form) are shifted by the
///   patient's offset or reduced to the year.
/// - Narrative `div`: the text between tags is scrubbed, tags are kept.
struct FHIRScrubber {
    var scrubber: TextScrubber
    let patients: PatientPseudonymizer
    let uids: UIDPseudonymizer
    let patientIdentifierSystems: [String: String]
    var counts: [SafeHarborIdentifier: Int] = [:]
    var failure: DeidentifyError?

    /// Elements whose string values are codes, URIs of code systems or structure, never free text.
    static let codeElements: Set<String> = [
        "resourceType", "system", "code", "unit", "status", "use", "gender", "language", "mode", "versionId",
        "profile", "contentType", "relation", "method", "mimeType", "comparator", "kind", "intent", "priority",
        "category", "valueCode", "valueBoolean", "security", "tag", "xmlns",
    ]

    /// Elements holding dates, dateTimes or instants (R4), besides those ending in `Date`, `DateTime`, `Instant`.
    static let dateElements: Set<String> = [
        "date", "issued", "start", "end", "lastUpdated", "authoredOn", "recorded", "created", "timestamp", "sent",
        "received", "occurrenceDateTime", "effectiveDateTime", "effectiveInstant", "onsetDateTime",
        "abatementDateTime", "recordedDate", "assertedDate", "performedDateTime", "deceasedDateTime", "birthDate",
        "valueDate", "valueDateTime", "valueInstant", "started", "dateWritten", "whenHandedOver", "whenPrepared",
        "expirationDate", "manufactureDate", "lastOccurrence", "onsetDate", "dateAsserted", "period",
    ]

    /// The patient identifiers written in the document's own structure (names of everyone, telecoms, addresses,
    /// identifier values, birth dates), so that free text elsewhere in it is scrubbed of them too.
    static func collectIdentity(_ value: Any, into identity: inout PatientIdentity) {
        if let array = value as? [Any] {
            for item in array { collectIdentity(item, into: &identity) }
            return
        }
        guard let object = value as? [String: Any] else { return }
        if object["resourceType"] is String, let id = object["id"] as? String { identity.addIdentifier(id) }
        for (key, child) in object {
            let items = (child as? [Any]) ?? [child]
            switch key {
            case "name":
                for case let name as [String: Any] in items {
                    identity.addName(family: name["family"] as? String, given: (name["given"] as? [String]) ?? [])
                    if let text = name["text"] as? String { identity.addName(text) }
                }
            case "telecom":
                for case let point as [String: Any] in items {
                    guard let value = point["value"] as? String else { continue }
                    if point["system"] as? String == "email" { identity.addEmail(value) } else { identity.addPhone(value) }
                }
            case "address":
                for case let address as [String: Any] in items {
                    identity.addAddress(lines: (address["line"] as? [String]) ?? [], city: address["city"] as? String,
                                        postalCode: address["postalCode"] as? String)
                    if let text = address["text"] as? String { identity.addAddress(text: text) }
                }
            case "identifier":
                for case let identifier as [String: Any] in items {
                    if let value = identifier["value"] as? String { identity.addIdentifier(value) }
                }
            case "birthDate":
                if let text = child as? String, text.count == 10,
                    let date = DICOMDate(parsing: text.filter { $0 != "-" })
                {
                    identity.addBirthDate(date)
                }
            default:
                break
            }
            collectIdentity(child, into: &identity)
        }
    }

    // MARK: Walking

    mutating func resource(_ object: [String: Any], contained: Bool) -> [String: Any] {
        let type = object["resourceType"] as? String ?? "Resource"
        var output: [String: Any] = [:]
        for (key, value) in object {
            if key == "id", let id = value as? String {
                output[key] = contained ? id : pseudonym(id, type: type)
                if !contained { count(.otherIdentifiers) }
                continue
            }
            if let kept = element(value, key: key, parent: object) { output[key] = kept }
        }
        return output
    }

    /// The de-identified value of one element, `nil` to remove it.
    mutating func element(_ value: Any, key: String, parent: [String: Any]) -> Any? {
        switch key {
        case "telecom":
            for case let point as [String: Any] in (value as? [Any]) ?? [value] {
                count(point["system"] as? String == "email" ? .emailAddresses
                    : point["system"] as? String == "fax" ? .faxNumbers : .telephoneNumbers)
            }
            return nil
        case "photo":
            count(.photographs)
            return nil
        case "data" where parent["contentType"] != nil:
            return nil
        case "url" where parent["contentType"] != nil:
            count(.urls)
            return nil
        case "url" where parent.keys.contains(where: { $0.hasPrefix("value") || $0 == "extension" }):
            return value  // an extension's definition URL
        case "name" where Self.isObjectOrObjects(value):
            let (names, single) = Self.objects(value)
            var mapped: [[String: Any]] = []
            for name in names {
                count(.names)
                var output: [String: Any] = ["text": "[NAME]"]
                if let use = name["use"] { output["use"] = use }
                mapped.append(output)
            }
            return single ? mapped.first ?? [:] : mapped
        case "address" where Self.isObjectOrObjects(value):
            let (addresses, single) = Self.objects(value)
            var mapped: [[String: Any]] = []
            for address in addresses { mapped.append(reducedAddress(address)) }
            return single ? mapped.first ?? [:] : mapped
        case "identifier" where Self.isObjectOrObjects(value):
            let (identifiers, single) = Self.objects(value)
            var mapped: [[String: Any]] = []
            for identifier in identifiers { mapped.append(self.identifier(identifier)) }
            return single ? mapped.first ?? [:] : mapped
        case "url" where parent["method"] != nil, "location" where parent["status"] != nil:
            // Bundle.entry.request.url and Bundle.entry.response.location: references, possibly conditional.
            guard let text = value as? String else { return walk(value, key: key, parent: parent) }
            return reference(text)
        case "reference", "fullUrl":
            guard let text = value as? String else { return walk(value, key: key, parent: parent) }
            return reference(text)
        case "display" where parent["reference"] != nil || parent["identifier"] != nil:
            count(.names)
            return "[NAME]"
        case "div":
            guard let text = value as? String else { return walk(value, key: key, parent: parent) }
            return narrative(text)
        case "contained":
            guard let array = value as? [Any] else { return walk(value, key: key, parent: parent) }
            return array.map { item -> Any in
                guard let object = item as? [String: Any] else { return item }
                return resource(object, contained: true)
            }
        default:
            return walk(value, key: key, parent: parent)
        }
    }

    private mutating func walk(_ value: Any, key: String, parent: [String: Any]) -> Any? {
        if let text = value as? String { return string(text, key: key) }
        if let array = value as? [Any] {
            return array.compactMap { element($0, key: key, parent: parent) }
        }
        if let object = value as? [String: Any] {
            if object["resourceType"] is String { return resource(object, contained: false) }
            var output: [String: Any] = [:]
            for (childKey, child) in object {
                if let kept = element(child, key: childKey, parent: object) { output[childKey] = kept }
            }
            return output
        }
        return value  // numbers, booleans, null
    }

    private mutating func string(_ text: String, key: String) -> Any {
        if Self.codeElements.contains(key) { return text }
        let isDateElement = Self.dateElements.contains(key) || key.hasSuffix("Date") || key.hasSuffix("DateTime")
            || key.hasSuffix("Instant")
        if let shifted = shiftedDate(text, partialAllowed: isDateElement) {
            count(.dates)
            return shifted
        }
        let result = scrubber.scrub(text)
        ScrubFinding.add(result.findings, to: &counts)
        return result.text
    }

    // MARK: Data types

    private mutating func reducedAddress(_ address: [String: Any]) -> [String: Any] {
        count(.geographic)
        var output: [String: Any] = [:]
        for key in ["use", "type", "state", "country"] { if let value = address[key] { output[key] = value } }
        if let period = address["period"], let kept = element(period, key: "period", parent: address) {
            output["period"] = kept
        }
        if let code = address["postalCode"] as? String, let zip = scrubber.zipPolicy.truncated(code) {
            output["postalCode"] = zip
        }
        return output
    }

    private mutating func identifier(_ identifier: [String: Any]) -> [String: Any] {
        var output: [String: Any] = [:]
        for (key, value) in identifier where key != "value" {
            if let kept = element(value, key: key, parent: identifier) { output[key] = kept }
        }
        if let value = identifier["value"] as? String {
            if let system = identifier["system"] as? String, let issuer = patientIdentifierSystems[system] {
                do {
                    output["value"] = try patients.pseudonym(forPatientID: value, issuer: issuer)
                } catch {
                    failure = failure ?? error
                }
                count(.medicalRecordNumbers)
            } else {
                output["value"] = "[ID]"
                count(.otherIdentifiers)
            }
        }
        return output
    }

    /// Pseudonymises a reference: `Type/id` (relative, or absolute with a base), optionally `/_history/v`,
    /// `urn:uuid:` and `urn:oid:`; local `#id` references stay. Anything else is replaced.
    private mutating func reference(_ text: String) -> String {
        if text.hasPrefix("#") { return text }
        if text.first?.isUppercase == true, text.allSatisfy({ $0.isASCII && $0.isLetter }) { return text }  // a type
        if text.hasPrefix("urn:uuid:") || text.hasPrefix("urn:oid:") {
            count(.otherIdentifiers)
            do { return "urn:oid:" + (try uids.pseudonym(for: text)) } catch {
                failure = failure ?? error
                return "[ID]"
            }
        }
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 4, parts[parts.count - 2] == "_history" { parts.removeLast(2) }
        guard parts.count >= 2, let type = parts.dropLast().last, let id = parts.last,
            type.first?.isUppercase == true, type.allSatisfy({ $0.isASCII && $0.isLetter }),
            (1...64).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
        else {
            count(.otherIdentifiers)
            return "[REFERENCE]"
        }
        count(.otherIdentifiers)
        let relative = type + "/" + pseudonym(id, type: type)
        return parts.count > 2 ? Self.deidentifiedBase + relative : relative
    }

    /// The base that replaces the server address in absolute references (RFC 2606 reserves `.invalid`).
    static let deidentifiedBase = "https://deidentified.invalid/fhir/"

    private mutating func pseudonym(_ id: String, type: String) -> String {
        do {
            return try patients.pseudonym(forPatientID: id, issuer: "FHIR/" + type)
        } catch {
            failure = failure ?? error
            return "[ID]"
        }
    }

    /// A FHIR date, dateTime or instant moved by the shift (or reduced to the year); `nil` if `text` is not one.
    /// Partial dates (`2023`, `2023-04`) are recognised only in date elements.
    private func shiftedDate(_ text: String, partialAllowed: Bool) -> String? {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return nil
            }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard let year = digits(0..<4) else { return nil }
        if bytes.count == 4 {
            guard partialAllowed else { return nil }
            guard let shift = scrubber.dateShift else { return String(year) }
            return TextDates.shift(year: year, month: 1, by: shift).map { String($0.year) }
        }
        guard bytes.count >= 7, bytes[4] == 0x2D, let month = digits(5..<7), (1...12).contains(month) else { return nil }
        if bytes.count == 7 {
            guard partialAllowed else { return nil }
            guard let shift = scrubber.dateShift else { return String(year) }
            return TextDates.shift(year: year, month: month, by: shift).map {
                String($0.year) + "-" + TextDates.number($0.month, like: "00")
            }
        }
        guard bytes.count >= 10, bytes[7] == 0x2D, let day = digits(8..<10),
            bytes.count == 10 || bytes[10] == 0x54,
            DICOMDate(year: year, month: month, day: day) != nil
        else { return nil }
        guard let shift = scrubber.dateShift else { return String(year) }
        guard let moved = TextDates.shift(year: year, month: month, day: day, by: shift) else { return nil }
        let date = String(moved.year) + "-" + TextDates.number(moved.month, like: "00") + "-"
            + TextDates.number(moved.day, like: "00")
        return date + String(decoding: bytes[10...], as: UTF8.self)
    }

    /// Scrubs the text of an XHTML narrative between its tags; attribute values other than `xmlns` are scrubbed
    /// too (links, titles).
    private mutating func narrative(_ xhtml: String) -> String {
        var output = ""
        var text = ""
        var index = xhtml.startIndex
        while index < xhtml.endIndex {
            if xhtml[index] == "<", let close = xhtml[index...].firstIndex(of: ">") {
                output += scrubbed(text)
                text = ""
                output += tag(String(xhtml[index...close]))
                index = xhtml.index(after: close)
            } else {
                text.append(xhtml[index])
                index = xhtml.index(after: index)
            }
        }
        return output + scrubbed(text)
    }

    private mutating func tag(_ tag: String) -> String {
        let whole = NSRange(location: 0, length: tag.utf16.count)
        var output = ""
        var cursor = tag.startIndex
        for match in Self.attribute.matches(in: tag, range: whole) {
            guard let name = Range(match.range(at: 1), in: tag), let value = Range(match.range(at: 3), in: tag) else {
                continue
            }
            output += tag[cursor..<value.lowerBound]
            output += tag[name].lowercased().hasPrefix("xmlns") ? String(tag[value]) : scrubbed(String(tag[value]))
            cursor = value.upperBound
        }
        return output + tag[cursor...]
    }

    private static let attribute: NSRegularExpression = {
        do {
            return try NSRegularExpression(pattern: #"([A-Za-z_:][\w:.\-]*)\s*=\s*(["'])(.*?)\2"#)
        } catch {
            preconditionFailure("the attribute pattern does not compile: \(error)")
        }
    }()

    private mutating func scrubbed(_ text: String) -> String {
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else { return text }
        let result = scrubber.scrub(text)
        ScrubFinding.add(result.findings, to: &counts)
        return result.text
    }

    // MARK: Helpers

    private mutating func count(_ category: SafeHarborIdentifier) { counts[category, default: 0] += 1 }

    private static func isObjectOrObjects(_ value: Any) -> Bool {
        if value is [String: Any] { return true }
        if let array = value as? [Any] { return !array.isEmpty && array.allSatisfy { $0 is [String: Any] } }
        return false
    }

    /// The objects of a value that is an object or an array of objects, and whether it was a single object.
    private static func objects(_ value: Any) -> ([[String: Any]], Bool) {
        if let object = value as? [String: Any] { return ([object], true) }
        return (((value as? [Any]) ?? []).compactMap { $0 as? [String: Any] }, false)
    }
}
