import Crypto
import DICOM
import Foundation
import Testing

@testable import Deidentify

@Suite struct DocumentDeidentifierTests {
    static let key = SecureBytes(Array(100..<132) as [UInt8])
    static let mrnSystem = "urn:oid:1.2.36.146.595.217.0.1"
    static let issuer = "HOSP"

    /// Values planted in the fixtures, each of which must be absent from every output byte.
    static let planted = [
        "Eleanor", "Whitfield", "WHITFIELD", "Ellie", "Theodore", "Whitfield-Brandt", "MRN-7734-2291", "77342291",
        "617-555-0187", "6175550187", "(617) 555-0187", "e.whitfield@example.net", "whitfield@", "48 Larkspur Lane",
        "Larkspur", "Brookhaven", "02446", "1941-08-23", "19410823", "08/23/1941", "123-45-6789", "Gregory",
        "Ashworth", "pat-9912", "obs-5531", "prac-0042", "4471-AA-9", "www.whitfield-family.example",
        "dGhpcyBpcyBhIHBob3Rv", "ab1f2c3d-0000-4e5f-8a9b-112233445566",
    ]

    static func deidentifier() throws -> DocumentDeidentifier {
        try DocumentDeidentifier(key: key, patientIdentifierSystems: [mrnSystem: issuer], csvPatientIDIssuer: issuer)
    }

    static func shift() throws -> DateShift {
        try DateShifter(key: key).shift(forPatientID: "MRN-7734-2291", issuer: issuer)
    }

    static func identity() -> PatientIdentity {
        var identity = PatientIdentity()
        identity.add(personName: PersonName(parsing: "WHITFIELD^ELEANOR"))
        identity.addIdentifier("MRN-7734-2291")
        identity.addPhone("617-555-0187")
        identity.addAddress(text: "48 Larkspur Lane, Brookhaven, MA 02446")
        identity.addBirthDate(DICOMDate(year: 1941, month: 8, day: 23)!)
        return identity
    }

    func output(_ outcome: DocumentOutcome) throws -> (bytes: [UInt8], kind: DocumentKind, findings: [ScrubFinding]) {
        guard case .deidentified(let bytes, let kind, let findings) = outcome else {
            Issue.record("quarantined: \(outcome)")
            throw CancellationError()
        }
        return (bytes, kind, findings)
    }

    func reason(_ outcome: DocumentOutcome) -> DeidentifyError? {
        if case .quarantined(let error) = outcome { return error }
        return nil
    }

    func expectNoPlantedValue(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let text = String(decoding: bytes, as: UTF8.self)
        for value in Self.planted {
            #expect(!text.contains(value), "leaked \(value)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Plain text

    @Test func scrubsPlainTextWithThePatientsIdentityAndShift() throws {
        let note = """
            Patient: Eleanor Whitfield (MRN-7734-2291), DOB 08/23/1941, seen 2024-02-10 and 2024-03-01.
            eleanor whitfield lives at 48 Larkspur Lane, Brookhaven, MA 02446; tel (617) 555-0187.
            Referred by Dr. Gregory Ashworth. SSN 123-45-6789. CT 5 mm slices, T2 weighted, Level 4.

            """
        let shift = try Self.shift()
        let result = try output(try Self.deidentifier().deidentify(
            bytes: Array(note.utf8), fileName: "note.txt", identity: Self.identity(), dateShift: shift))
        #expect(result.kind == .plainText)
        expectNoPlantedValue(result.bytes)
        let text = String(decoding: result.bytes, as: UTF8.self)
        #expect(text.contains("CT 5 mm slices, T2 weighted, Level 4."))
        let first = DICOMDate(year: 2024, month: 2, day: 10)!.adding(days: shift.days)!
        let second = DICOMDate(year: 2024, month: 3, day: 1)!.adding(days: shift.days)!
        func iso(_ date: DICOMDate) -> String {
            String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
        }
        #expect(text.contains("seen \(iso(first)) and \(iso(second))"))
        #expect(result.findings.contains { $0.category == .names })
        #expect(result.findings.contains { $0.category == .socialSecurityNumbers && $0.count == 1 })
    }

    @Test func keepsAByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("Call 617-555-0187".utf8)
        let result = try output(try Self.deidentifier().deidentify(
            bytes: bytes, fileName: "a.TXT", identity: nil, dateShift: nil))
        #expect(result.bytes == [0xEF, 0xBB, 0xBF] + Array("Call [PHONE]".utf8))
    }

    @Test func quarantinesInvalidUTF8AndBinaryText() throws {
        let documents = try Self.deidentifier()
        let invalid = Array("Eleanor Whitfield ".utf8) + [0xC3, 0x28]
        let error = try #require(reason(documents.deidentify(bytes: invalid, fileName: "n.txt", identity: nil, dateShift: nil)))
        #expect(error.code == .invalidDocument)
        #expect(error.description.contains("n.txt"))
        #expect(error.description.contains("offset 18"))
        #expect(!error.description.contains("Whitfield"))
        let binary = Array("abc".utf8) + [0, 1, 2]
        #expect(reason(documents.deidentify(bytes: binary, fileName: "b.txt", identity: nil, dateShift: nil))?.code
            == .invalidDocument)
    }

    @Test func quarantinesUnsupportedFormats() throws {
        let documents = try Self.deidentifier()
        var dicom = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        dicom += [0x02, 0x00]
        let cases: [([UInt8], String)] = [
            (Array("%PDF-1.7 Eleanor Whitfield".utf8), "report.pdf"),
            (Array("%PDF-1.7".utf8), "disguised.txt"),
            ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], "letter.docx"),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A], "photo.png"),
            ([0xFF, 0xD8, 0xFF, 0xE0], "scan.jpg"),
            (dicom, "image.dcm"),
            (Array("plain words".utf8), "notes.rtfd"),
            (Array("plain words".utf8), "README"),
        ]
        for (bytes, name) in cases {
            let error = try #require(reason(documents.deidentify(bytes: bytes, fileName: name, identity: nil, dateShift: nil)))
            #expect(error.code == .unsupportedDocument, "\(name)")
            #expect(error.description.contains("unsupported document format"))
            #expect(!error.description.contains("Whitfield"))
        }
    }

    // MARK: CSV

    @Test func deidentifiesCSVByColumnAndCell() throws {
        let csv = "patient_name,MRN,DOB,Phone,zip,age,study_date,notes\r\n"
            + "\"Whitfield, Eleanor\",MRN-7734-2291,1941-08-23,617-555-0187,02446,93,2024-02-10,"
            + "\"Seen by Dr. Gregory Ashworth, \"\"urgent\"\"\nline two: Eleanor called 617-555-0187\"\r\n"
            + "Theodore Whitfield-Brandt,pat-9912,08/23/1941,,03601,45,2024-03-01,CT 5 mm slices\r\n"
        let shift = try Self.shift()
        let result = try output(try Self.deidentifier().deidentify(
            bytes: Array(csv.utf8), fileName: "export.csv", identity: Self.identity(), dateShift: shift))
        #expect(result.kind == .csv)
        expectNoPlantedValue(result.bytes)
        let table = try CSVTable.parse(String(decoding: result.bytes, as: UTF8.self), fileName: "out.csv")
        #expect(table.lineEnding == "\r\n")
        #expect(table.rows.count == 3)
        #expect(table.rows[0] == ["patient_name", "MRN", "DOB", "Phone", "zip", "age", "study_date", "notes"])
        let pseudonym = try PatientPseudonymizer(key: Self.key).pseudonym(forPatientID: "MRN-7734-2291", issuer: Self.issuer)
        let birth = try #require(DICOMDate(year: 1941, month: 8, day: 23)?.adding(days: shift.days))
        let study = try #require(DICOMDate(year: 2024, month: 2, day: 10)?.adding(days: shift.days))
        #expect(table.rows[1][0] == "[NAME]")
        #expect(table.rows[1][1] == pseudonym)
        #expect(table.rows[1][2] == String(format: "%04d-%02d-%02d", birth.year, birth.month, birth.day))
        #expect(table.rows[1][3] == "[PHONE]")
        #expect(table.rows[1][4] == "024")
        #expect(table.rows[1][5] == "[90+]")
        #expect(table.rows[1][6] == String(format: "%04d-%02d-%02d", study.year, study.month, study.day))
        #expect(table.rows[1][7] == "Seen by Dr. [NAME], \"urgent\"\nline two: [NAME] called [PHONE]")
        #expect(table.rows[2][3] == "")
        #expect(table.rows[2][4] == "000")
        #expect(table.rows[2][5] == "45")
        #expect(table.rows[2][7] == "CT 5 mm slices")
    }

    @Test func parsesAndWritesRFC4180QuotingExactly() throws {
        let text = "a,b,c\n\"x, y\",\"line\nbreak\",\"say \"\"hi\"\"\"\n1,,3"
        let table = try CSVTable.parse(text, fileName: "t.csv")
        #expect(table.rows == [["a", "b", "c"], ["x, y", "line\nbreak", "say \"hi\""], ["1", "", "3"]])
        #expect(table.serialized() == text)
    }

    @Test func quarantinesCSVWithAnUnterminatedQuote() throws {
        let csv = "name,notes\nEleanor,\"never closed\n"
        let error = try #require(reason(try Self.deidentifier().deidentify(
            bytes: Array(csv.utf8), fileName: "bad.csv", identity: nil, dateShift: nil)))
        #expect(error.code == .invalidDocument)
        #expect(error.description.contains("record 2"))
        #expect(!error.description.contains("Eleanor"))
    }

    @Test func classifiesHeaders() {
        #expect(CSVColumnRule.forHeader("PatientName") == .surrogate("[NAME]", .names))
        #expect(CSVColumnRule.forHeader("Patient") == .surrogate("[NAME]", .names))
        #expect(CSVColumnRule.forHeader("e-mail") == .surrogate("[EMAIL]", .emailAddresses))
        #expect(CSVColumnRule.forHeader("Date of Birth") == .birthDate)
        #expect(CSVColumnRule.forHeader("patient_id") == .patientID)
        #expect(CSVColumnRule.forHeader("Street Address") == .surrogate("[ADDRESS]", .geographic))
        #expect(CSVColumnRule.forHeader("visit_date") == .text)
        #expect(CSVColumnRule.forHeader("accession_number") == .surrogate("[ID]", .otherIdentifiers))
        #expect(CSVColumnRule.forHeader("patient_age") == .age)
        #expect(CSVColumnRule.forHeader("modality") == .text)
    }

    // MARK: FHIR

    static let patientJSON = """
        {"resourceType": "Patient", "id": "pat-9912",
         "meta": {"lastUpdated": "2024-02-10T09:15:00Z"},
         "text": {"status": "generated", "div": "<div xmlns=\\"http://www.w3.org/1999/xhtml\\"><p>Eleanor Whitfield, \
        born 23 Aug 1941, MRN-7734-2291</p><a href=\\"mailto:e.whitfield@example.net\\">mail</a></div>"},
         "identifier": [
           {"use": "usual", "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
            "system": "urn:oid:1.2.36.146.595.217.0.1", "value": "MRN-7734-2291"},
           {"system": "http://hl7.org/fhir/sid/us-ssn", "value": "123-45-6789"}],
         "active": true,
         "name": [{"use": "official", "family": "Whitfield", "given": ["Eleanor"]},
                  {"use": "nickname", "given": ["Ellie"]}],
         "telecom": [{"system": "phone", "value": "(617) 555-0187", "use": "home"},
                     {"system": "email", "value": "e.whitfield@example.net"}],
         "gender": "female", "birthDate": "1941-08-23",
         "address": [{"use": "home", "line": ["48 Larkspur Lane"], "city": "Brookhaven", "state": "MA",
                      "postalCode": "02446", "country": "US"}],
         "photo": [{"contentType": "image/jpeg", "data": "dGhpcyBpcyBhIHBob3Rv"}],
         "contact": [{"relationship": [{"text": "son"}], "name": {"family": "Whitfield-Brandt", "given": ["Theodore"]},
                      "telecom": [{"system": "phone", "value": "617-555-0187"}]}],
         "extension": [{"url": "http://example.org/fhir/StructureDefinition/note",
                        "valueString": "Family website www.whitfield-family.example, son Theodore visits"}]
        }
        """

    @Test func deidentifiesAPatientResourceByStructure() throws {
        let shift = try Self.shift()
        let result = try output(try Self.deidentifier().deidentify(
            bytes: Array(Self.patientJSON.utf8), fileName: "patient.json", identity: nil, dateShift: shift))
        #expect(result.kind == .fhirJSON)
        expectNoPlantedValue(result.bytes)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.bytes)) as? [String: Any])
        #expect(json["resourceType"] as? String == "Patient")
        #expect(json["telecom"] == nil)
        #expect(json["photo"] == nil)
        #expect(json["gender"] as? String == "female")
        #expect(json["active"] as? Bool == true)
        let address = try #require((json["address"] as? [[String: Any]])?.first)
        #expect(address["state"] as? String == "MA")
        #expect(address["postalCode"] as? String == "024")
        #expect(address["city"] == nil && address["line"] == nil)
        let names = try #require(json["name"] as? [[String: Any]])
        #expect(names.count == 2 && names.allSatisfy { $0["text"] as? String == "[NAME]" && $0["family"] == nil })
        // The birth date moves by the same offset as the patient's DICOM dates.
        let dicomShifted = try #require(shift.shiftedValue("19410823", vr: .DA))
        let birthDate = try #require(json["birthDate"] as? String)
        #expect(birthDate.filter { $0 != "-" } == dicomShifted)
        let identifiers = try #require(json["identifier"] as? [[String: Any]])
        let pseudonym = try PatientPseudonymizer(key: Self.key).pseudonym(forPatientID: "MRN-7734-2291", issuer: Self.issuer)
        #expect(identifiers[0]["value"] as? String == pseudonym)
        #expect(identifiers[0]["system"] as? String == Self.mrnSystem)
        #expect(identifiers[1]["value"] as? String == "[ID]")
        let id = try #require(json["id"] as? String)
        #expect(id == (try PatientPseudonymizer(key: Self.key).pseudonym(forPatientID: "pat-9912", issuer: "FHIR/Patient")))
        let div = try #require((json["text"] as? [String: Any])?["div"] as? String)
        #expect(div.hasPrefix("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>"))
        #expect(div.contains("[NAME]"))
        let extensionValue = try #require((json["extension"] as? [[String: Any]])?.first)
        #expect(extensionValue["url"] as? String == "http://example.org/fhir/StructureDefinition/note")
        #expect(result.findings.contains { $0.category == .photographs })
    }

    @Test func deidentifiesABundleConsistently() throws {
        let bundle = """
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"fullUrl": "https://ehr.example.org/fhir/Patient/pat-9912", "resource": \(Self.patientJSON),
               "request": {"method": "PUT", "url": "Patient/pat-9912"},
               "response": {"status": "201 Created", "location": "Patient/pat-9912/_history/1"}},
              {"resource": {"resourceType": "Basic", "id": "b1", "code": {"text": "note"}},
               "request": {"method": "POST", "url": "Basic", "ifNoneExist": "identifier=MRN-7734-2291"},
               "fullUrl": "urn:uuid:0f8e7d6c-5b4a-4321-8fed-cba987654321"},
              {"fullUrl": "urn:uuid:ab1f2c3d-0000-4e5f-8a9b-112233445566",
               "resource": {"resourceType": "Practitioner", "id": "prac-0042",
                            "name": [{"family": "Ashworth", "given": ["Gregory"], "prefix": ["Dr."]}]}},
              {"fullUrl": "https://ehr.example.org/fhir/Observation/obs-5531",
               "resource": {"resourceType": "Observation", "id": "obs-5531", "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2", "display": "Body height"}]},
                 "subject": {"reference": "Patient/pat-9912", "display": "Eleanor Whitfield"},
                 "performer": [{"reference": "urn:uuid:ab1f2c3d-0000-4e5f-8a9b-112233445566"}],
                 "effectiveDateTime": "2024-02-10T09:15:00+01:00", "issued": "2024-02-11T10:00:00Z",
                 "valueQuantity": {"value": 162.5, "unit": "cm"},
                 "device": {"display": "stadiometer S/N 4471-AA-9"},
                 "note": [{"text": "Measured by Ashworth (record pat-9912) after Gregory called Ellie on 617-555-0187"}]}}]}
            """
        let shift = try Self.shift()
        let result = try output(try Self.deidentifier().deidentify(
            bytes: Array(bundle.utf8), fileName: "bundle.json", identity: Self.identity(), dateShift: shift))
        expectNoPlantedValue(result.bytes)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.bytes)) as? [String: Any])
        let entries = try #require(json["entry"] as? [[String: Any]])
        #expect(entries.count == 4)
        let patient = try #require(entries[0]["resource"] as? [String: Any])
        let observation = try #require(entries[3]["resource"] as? [String: Any])
        let patientID = try #require(patient["id"] as? String)
        #expect((observation["subject"] as? [String: Any])?["reference"] as? String == "Patient/" + patientID)
        #expect(entries[0]["fullUrl"] as? String == FHIRScrubber.deidentifiedBase + "Patient/" + patientID)
        let performer = try #require((observation["performer"] as? [[String: Any]])?.first?["reference"] as? String)
        #expect(performer == entries[2]["fullUrl"] as? String)
        #expect((entries[0]["request"] as? [String: Any])?["url"] as? String == "Patient/" + patientID)
        #expect((entries[0]["response"] as? [String: Any])?["location"] as? String == "Patient/" + patientID)
        #expect((entries[1]["request"] as? [String: Any])?["url"] as? String == "Basic")
        #expect(performer.hasPrefix("urn:oid:2.25."))
        let coding = try #require(((observation["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first)
        #expect(coding["code"] as? String == "8302-2" && coding["display"] as? String == "Body height")
        #expect(coding["system"] as? String == "http://loinc.org")
        let effective = try #require(DICOMDate(year: 2024, month: 2, day: 10)?.adding(days: shift.days))
        #expect(observation["effectiveDateTime"] as? String
            == String(format: "%04d-%02d-%02dT09:15:00+01:00", effective.year, effective.month, effective.day))
        #expect((observation["valueQuantity"] as? [String: Any])?["value"] as? Double == 162.5)
    }

    @Test func refusesDeeplyNestedAndOversizedJSON() throws {
        let documents = try Self.deidentifier()
        let deep = "{\"resourceType\": \"Basic\", \"x\": " + String(repeating: "[", count: 5000)
            + String(repeating: "]", count: 5000) + "}"
        let error = try #require(reason(documents.deidentify(bytes: Array(deep.utf8), fileName: "deep.json",
                                                              identity: nil, dateShift: nil)))
        #expect(error.code == .invalidDocument)
        #expect(error.description.contains("nested deeper than 100"))
        let huge = [UInt8](repeating: 0x20, count: DocumentDeidentifier.maximumJSONBytes + 1)
        let hugeError = try #require(reason(documents.deidentify(bytes: huge, fileName: "huge.json", identity: nil,
                                                                  dateShift: nil)))
        #expect(hugeError.description.contains("exceeds the limit"))
        // Nesting inside strings does not count.
        let inString = "{\"resourceType\": \"Basic\", \"text\": {\"div\": \"" + String(repeating: "[", count: 500) + "\"}}"
        #expect(reason(documents.deidentify(bytes: Array(inString.utf8), fileName: "s.json", identity: nil,
                                            dateShift: nil)) == nil)
    }

    @Test func quarantinesJSONThatIsNotFHIR() throws {
        let documents = try Self.deidentifier()
        #expect(reason(documents.deidentify(bytes: Array("{\"name\": \"Eleanor\"}".utf8), fileName: "x.json",
                                            identity: nil, dateShift: nil))?.code == .unsupportedDocument)
        #expect(reason(documents.deidentify(bytes: Array("{\"resourceType\": ".utf8), fileName: "x.json",
                                            identity: nil, dateShift: nil))?.code == .invalidDocument)
    }
}
