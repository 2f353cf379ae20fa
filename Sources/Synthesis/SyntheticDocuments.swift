import Foundation

/// The documents of a corpus: a free-text radiology report, a CSV of studies and FHIR R4 JSON per patient.
extension CorpusWriter {
    /// Writes `report.txt`, `studies.csv`, `patient.fhir.json` and `bundle.fhir.json` of `identity`.
    func writeDocuments(of identity: SyntheticIdentity) throws {
        try writeReportText(of: identity)
        try writeCSV(of: identity)
        try writeFHIR(of: identity)
    }

    /// A document being written line by line; each planted value is recorded with the line it is on.
    private struct TextDocument {
        let planter: Planter
        var lines: [String] = []

        mutating func line(_ text: String, _ planted: [(String, Manifest.Kind)] = []) {
            lines.append(text)
            for (value, kind) in planted {
                precondition(text.contains(value), "a planted value is on its line")
                planter.record(
                    value, kind: kind, attribute: "document", path: "line \(lines.count)",
                    detectable: kind != .zip)
            }
        }

        var data: Data { Data((lines.joined(separator: "\n") + "\n").utf8) }
    }

    private func writeReportText(of identity: SyntheticIdentity) throws {
        let path = "\(identity.folder)/report.txt"
        beginDocument(path, kind: "report")
        let name = identity.name
        let physician = identity.physician
        let ct = identity.study("CT")
        let mr = identity.study("MR")
        let us = identity.study("US")
        let ctDates = SyntheticIdentity.textForms(of: ct.studyDate)
        let mrDate = SyntheticIdentity.textForms(of: mr.studyDate)[2]
        let usDate = SyntheticIdentity.textForms(of: us.studyDate)[3]
        let birth = SyntheticIdentity.textForms(of: identity.birthDate)[0]
        let title = identity.sex == "F" ? "Mrs." : "Mr."
        let serial = "SN-" + SyntheticIdentity.digits(8, &planter.random)
        let relativeAge = 90 + planter.random.int(in: 0...9)
        var report = TextDocument(planter: planter)
        report.line("RADIOLOGY REPORT - Hôpital Synthétique", [("Hôpital Synthétique", .institution)])
        report.line("")
        report.line(
            "Patient: \(name.given) \(name.family), born \(birth), \(identity.age) years old",
            [(name.given, .name), (name.family, .name), (birth, .date)]
                + (identity.age > 89 ? [("\(identity.age) years", .age)] : []))
        report.line(
            "MRN: \(identity.mrn)    SSN: \(identity.ssn)    Accession: \(ct.accessionNumber)",
            [(identity.mrn, .mrn), (identity.ssn, .ssn), (ct.accessionNumber, .accession)])
        report.line(
            "Address: \(identity.street), \(identity.city) \(identity.zip)",
            [(identity.street, .address), (identity.city, .address), (identity.zip, .zip)])
        report.line(
            "Phone: \(identity.phone)    Fax: \(identity.fax)    E-mail: \(identity.email)",
            [(identity.phone, .phone), (identity.fax, .fax), (identity.email, .email)])
        report.line("Patient portal: \(identity.portalURL)", [(identity.portalURL, .url)])
        report.line(
            "Referring physician: Dr. \(physician.given) \(physician.family)",
            [(physician.given, .name), (physician.family, .name)])
        report.line("")
        report.line(
            "EXAM: CT THORAX, \(ctDates[0]) (requested \(ctDates[1])).", [(ctDates[0], .date), (ctDates[1], .date)])
        report.line("COMPARISON: MR of \(mrDate); ultrasound of \(usDate).", [(mrDate, .date), (usDate, .date)])
        report.line(
            "TECHNIQUE: scanner serial number \(serial), images sent from \(identity.ipAddress).",
            [(serial, .device), (identity.ipAddress, .ip)])
        report.line(
            "HISTORY: \(title) \(name.family) arrived by car (licence plate \(identity.licencePlate)). "
                + "Family history: grandmother died aged \(relativeAge).",
            [(name.family, .name), (identity.licencePlate, .plate), ("aged \(relativeAge)", .age)])
        // About a third of the patients have a finding, chosen from the MRN so the corpus's random draws stay as
        // they were: cohorts over report text ("mentions nodule") have something to find.
        let hasNodule = (identity.mrn.utf8.last ?? 0) % 3 == 0
        report.line(
            (hasNodule ? "FINDINGS: A 6 mm solid nodule in the right upper lobe. " : "FINDINGS: No acute abnormality. ")
                + "\(name.given) tolerated the examination well.", [(name.given, .name)])
        report.line(
            (hasNodule ? "IMPRESSION: Pulmonary nodule, follow-up CT advised" : "IMPRESSION: Normal study")
                + "; discussed with Dr. \(physician.family).", [(physician.family, .name)])
        report.line("")
        report.line(
            "Signed: Dr. \(physician.given) \(physician.family), \(ctDates[2]) (\(ctDates[3]))",
            [(physician.given, .name), (physician.family, .name), (ctDates[2], .date), (ctDates[3], .date)])
        try writeFile(report.data, to: path)
    }

    private func writeCSV(of identity: SyntheticIdentity) throws {
        let path = "\(identity.folder)/studies.csv"
        beginDocument(path, kind: "csv")
        let header = [
            "patient_id", "family_name", "given_name", "birth_date", "sex", "ssn", "phone", "email", "street", "city",
            "zip", "study_instance_uid", "accession_number", "study_date", "modality",
        ]
        let kinds: [Manifest.Kind?] = [
            .mrn, .name, .name, .date, nil, .ssn, .phone, .email, .address, .address, .zip, .uid, .accession, .date,
            nil,
        ]
        var lines = [header.joined(separator: ",")]
        for study in identity.studies {
            let row = [
                identity.mrn, identity.name.family, identity.name.given, identity.birthDate, identity.sex,
                identity.ssn, identity.phone, identity.email, identity.street, identity.city, identity.zip,
                study.studyInstanceUID, study.accessionNumber, study.studyDate, study.modality,
            ]
            for (column, value) in row.enumerated() {
                guard let kind = kinds[column] else { continue }
                planter.record(
                    value, kind: kind, attribute: "document", path: "row \(lines.count), column \(header[column])",
                    detectable: kind != .zip)
            }
            lines.append(row.map(Self.csvField).joined(separator: ","))
        }
        try writeFile(Data((lines.joined(separator: "\r\n") + "\r\n").utf8), to: path)
    }

    /// A CSV field (RFC 4180 §2): quoted when it holds a comma, quote or line break.
    private static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// FHIR R4 JSON: a Patient resource, and a collection Bundle with the Patient, an Observation and a
    /// DiagnosticReport whose narrative names the patient (https://hl7.org/fhir/R4/).
    private func writeFHIR(of identity: SyntheticIdentity) throws {
        let name = identity.name
        let birth = SyntheticIdentity.textForms(of: identity.birthDate)[0]
        let ct = identity.study("CT")
        let ctDate = SyntheticIdentity.textForms(of: ct.studyDate)[0]
        let physician = identity.physician
        let reference = "Patient/\(identity.folder)"

        func patient(_ pointer: String) -> JSONText {
            let record: (String, Manifest.Kind, String) -> Void = { value, kind, path in
                self.planter.record(
                    value, kind: kind, attribute: "document", path: pointer + path, detectable: kind != .zip)
            }
            record(identity.ssn, .ssn, "/identifier/0/value")
            record(identity.mrn, .mrn, "/identifier/1/value")
            record(name.family, .name, "/name/0/family")
            record(name.given, .name, "/name/0/given/0")
            record(identity.kanji.family, .name, "/name/1/family")
            record(identity.kanji.given, .name, "/name/1/given/0")
            record(identity.phone, .phone, "/telecom/0/value")
            record(identity.fax, .fax, "/telecom/1/value")
            record(identity.email, .email, "/telecom/2/value")
            record(birth, .date, "/birthDate")
            record(identity.street, .address, "/address/0/line/0")
            record(identity.city, .address, "/address/0/city")
            record(identity.zip, .zip, "/address/0/postalCode")
            return .object([
                ("resourceType", .string("Patient")),
                ("id", .string(identity.folder)),
                (
                    "identifier",
                    .array([
                        .object([
                            ("system", .string("http://hl7.org/fhir/sid/us-ssn")), ("value", .string(identity.ssn)),
                        ]),
                        .object([
                            ("type", .object([("text", .string("Medical record number"))])),
                            ("system", .string("https://hospital.example.org/mrn")), ("value", .string(identity.mrn)),
                        ]),
                    ])
                ),
                (
                    "name",
                    .array([
                        .object([
                            ("use", .string("official")), ("family", .string(name.family)),
                            ("given", .array([.string(name.given)])),
                        ]),
                        .object([
                            ("use", .string("usual")), ("family", .string(identity.kanji.family)),
                            ("given", .array([.string(identity.kanji.given)])),
                        ]),
                    ])
                ),
                (
                    "telecom",
                    .array([
                        .object([
                            ("system", .string("phone")), ("value", .string(identity.phone)), ("use", .string("home")),
                        ]),
                        .object([("system", .string("fax")), ("value", .string(identity.fax))]),
                        .object([("system", .string("email")), ("value", .string(identity.email))]),
                    ])
                ),
                ("gender", .string(identity.sex == "F" ? "female" : "male")),
                ("birthDate", .string(birth)),
                (
                    "address",
                    .array([
                        .object([
                            ("use", .string("home")), ("line", .array([.string(identity.street)])),
                            ("city", .string(identity.city)), ("postalCode", .string(identity.zip)),
                            ("country", .string("US")),
                        ])
                    ])
                ),
            ])
        }

        let patientPath = "\(identity.folder)/patient.fhir.json"
        beginDocument(patientPath, kind: "fhir")
        try writeFile(Data((patient("").rendered() + "\n").utf8), to: patientPath)

        let bundlePath = "\(identity.folder)/bundle.fhir.json"
        beginDocument(bundlePath, kind: "fhir")
        let patientEntry = patient("/entry/0/resource")
        let subject = JSONText.object([
            ("reference", .string(reference)), ("display", .string("\(name.given) \(name.family)")),
        ])
        for index in 1...2 {
            planter.record(
                name.given, kind: .name, attribute: "document", path: "/entry/\(index)/resource/subject/display")
            planter.record(
                name.family, kind: .name, attribute: "document", path: "/entry/\(index)/resource/subject/display")
            planter.record(
                ctDate, kind: .date, attribute: "document", path: "/entry/\(index)/resource/effectiveDateTime")
        }
        let weight = 50 + planter.random.int(in: 0...40)
        let observation = JSONText.object([
            ("resourceType", .string("Observation")),
            ("id", .string("\(identity.folder)-weight")),
            ("status", .string("final")),
            (
                "code",
                .object([
                    (
                        "coding",
                        .array([
                            .object([
                                ("system", .string("http://loinc.org")), ("code", .string("29463-7")),
                                ("display", .string("Body weight")),
                            ])
                        ])
                    )
                ])
            ),
            ("subject", subject),
            ("effectiveDateTime", .string(ctDate)),
            (
                "valueQuantity",
                .object([
                    ("value", .integer(weight)), ("unit", .string("kg")),
                    ("system", .string("http://unitsofmeasure.org")),
                    ("code", .string("kg")),
                ])
            ),
            ("note", .array([.object([("text", .string("Weighed by Dr. \(physician.family) before the CT."))])])),
        ])
        planter.record(physician.family, kind: .name, attribute: "document", path: "/entry/1/resource/note/0/text")
        let narrative =
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>CT thorax of \(name.given) \(name.family) "
            + "(MRN \(identity.mrn)) on \(ctDate): no acute abnormality. Reported by Dr. \(physician.given) "
            + "\(physician.family).</p></div>"
        for (value, kind) in [
            (name.given, Manifest.Kind.name), (name.family, .name), (identity.mrn, .mrn), (ctDate, .date),
            (physician.given, .name), (physician.family, .name),
        ] {
            planter.record(value, kind: kind, attribute: "document", path: "/entry/2/resource/text/div")
        }
        planter.record(
            ct.accessionNumber, kind: .accession, attribute: "document", path: "/entry/2/resource/identifier/0/value")
        planter.record(
            name.family, kind: .name, attribute: "document", path: "/entry/2/resource/conclusion")
        let diagnosticReport = JSONText.object([
            ("resourceType", .string("DiagnosticReport")),
            ("id", .string("\(identity.folder)-ct")),
            ("text", .object([("status", .string("generated")), ("div", .string(narrative))])),
            (
                "identifier",
                .array([
                    .object([
                        ("system", .string("https://hospital.example.org/accession")),
                        ("value", .string(ct.accessionNumber)),
                    ])
                ])
            ),
            ("status", .string("final")),
            ("code", .object([("text", .string("CT THORAX"))])),
            ("subject", subject),
            ("effectiveDateTime", .string(ctDate)),
            ("conclusion", .string("No acute abnormality; \(name.family) may be discharged.")),
        ])
        let bundle = JSONText.object([
            ("resourceType", .string("Bundle")),
            ("id", .string("\(identity.folder)-bundle")),
            ("type", .string("collection")),
            (
                "entry",
                .array([patientEntry, observation, diagnosticReport].map { .object([("resource", $0)]) })
            ),
        ])
        try writeFile(Data((bundle.rendered() + "\n").utf8), to: bundlePath)
    }
}
