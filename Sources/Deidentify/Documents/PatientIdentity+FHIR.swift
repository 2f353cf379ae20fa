import Foundation

extension PatientIdentity {
    /// Adds the identifiers written in a FHIR R4 resource or Bundle (https://hl7.org/fhir/R4/patient.html): the
    /// HumanName `family`, `given` and `text` of every name, ContactPoint values (phone, fax, e-mail), Address
    /// `line`, `city` and `postalCode`, Identifier values, resource ids and `birthDate`.
    ///
    /// ```swift
    /// var identity = PatientIdentity()
    /// try identity.addFHIRPatient(json: bytes, fileName: "patient.json")
    /// ```
    /// - Parameters:
    ///   - json: The resource, UTF-8 JSON.
    ///   - fileName: The name errors report.
    /// - Throws: ``DeidentifyError`` with code `.invalidDocument` if the JSON is too large, too deeply nested or
    ///   invalid, `.unsupportedDocument` if it has no `resourceType`.
    public mutating func addFHIRPatient(json: [UInt8], fileName: String) throws(DeidentifyError) {
        guard json.count <= DocumentDeidentifier.maximumJSONBytes else {
            throw DeidentifyError(
                .invalidDocument, input: fileName,
                "JSON document of \(json.count) bytes exceeds the limit of \(DocumentDeidentifier.maximumJSONBytes) bytes")
        }
        try DocumentDeidentifier.checkNesting(json, fileName: fileName)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(json), options: [])
        } catch {
            throw DeidentifyError(.invalidDocument, input: fileName, "not valid JSON (RFC 8259)")
        }
        guard let root = parsed as? [String: Any], root["resourceType"] is String else {
            throw DeidentifyError(
                .unsupportedDocument, input: fileName, "JSON without a top-level 'resourceType': not a FHIR resource")
        }
        FHIRScrubber.collectIdentity(root, into: &self)
    }
}
