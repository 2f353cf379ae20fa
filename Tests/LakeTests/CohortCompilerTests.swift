import Foundation
@_spi(CohortTesting) @testable import Lake
import Storage
import Testing

@Suite struct CohortCompilerTests {
    @Test func everyExampleCohortParsesAndRunsOnASyntheticLake() throws {
        let lake = try CohortLake()
        let examples = try CohortExamples.all()
        #expect(examples.count >= 10)
        for (name, data) in examples {
            let query = try CohortQuery(json: data)
            let measurements = try lake.measurements(query)
            #expect(!measurements.isEmpty, "\(name)")
            for measurement in measurements {
                #expect(measurement.cells.count == measurement.values.count, "\(name)")
                #expect(measurement.sensitivity.l1 >= 1, "\(name)")
            }
        }
    }

    @Test func noiselessCountsEqualHandWrittenSQL() throws {
        let lake = try CohortLake()
        let chest = try lake.count(String(decoding: try Data(contentsOf: CohortExamples.folder.appending(path: "chest-ct-over-60.json")), as: UTF8.self))
        #expect(
            chest == (try lake.scalar(
                """
                SELECT count(DISTINCT st.patient_id) FROM series se JOIN studies st ON se.study_id = st.id
                WHERE se.modality = 'CT' AND se.body_part = 'CHEST' AND st.age_years >= 60
                """)))
        #expect(chest > 0)
        let nodule = try lake.count(
            #"{"version":1,"criteria":{"field":"reportText","op":"mentions","value":"nodule"},"statistic":{"kind":"count"}}"#)
        #expect(
            nodule == (try lake.scalar(
                "SELECT count(DISTINCT patient_id) FROM documents WHERE patient_id IS NOT NULL AND text LIKE '%nodule%'")))
        #expect(nodule > 0)
        let thin = try lake.count(String(decoding: try Data(contentsOf: CohortExamples.folder.appending(path: "thin-slice-siemens-ct.json")), as: UTF8.self))
        #expect(
            thin == (try lake.scalar(
                """
                SELECT count(DISTINCT st.patient_id) FROM series se JOIN studies st ON se.study_id = st.id
                WHERE se.modality = 'CT' AND lower(se.manufacturer) LIKE '%siemens%'
                AND EXISTS (SELECT 1 FROM instances i WHERE i.series_id = se.id AND i.slice_thickness <= 1.25)
                """)))
        #expect(thin > 0)
        let women = try lake.count(String(decoding: try Data(contentsOf: CohortExamples.folder.appending(path: "women-without-nodule-report.json")), as: UTF8.self))
        #expect(
            women == (try lake.scalar(
                """
                SELECT count(*) FROM patients p WHERE p.sex = 'F' AND NOT EXISTS (SELECT 1 FROM documents d
                WHERE d.patient_id = p.id AND (d.text LIKE '%nodule%' OR d.text LIKE '% mass%' OR d.text LIKE 'mass%'))
                """)))
        let either = try lake.count(String(decoding: try Data(contentsOf: CohortExamples.folder.appending(path: "fhir-or-old-ct.json")), as: UTF8.self))
        #expect(
            either == (try lake.scalar(
                """
                SELECT count(*) FROM patients p WHERE EXISTS (SELECT 1 FROM documents d WHERE d.patient_id = p.id
                AND d.kind = 'fhirJSON') OR EXISTS (SELECT 1 FROM studies st JOIN series se ON se.study_id = st.id
                WHERE st.patient_id = p.id AND se.modality = 'CT' AND st.study_year < 2010)
                """)))
        let everyone = try lake.count(#"{"version":1,"statistic":{"kind":"count"}}"#)
        #expect(everyone == Int64(lake.totals.patients))
        // `not` of a comparison on a missing value holds: patients with no CT row at all are in `not CT` only
        // through rows that are not CT (missing modality included).
        let notCT = try lake.count(
            #"{"version":1,"criteria":{"not":{"field":"modality","op":"eq","value":"CT"}},"statistic":{"kind":"count"}}"#)
        #expect(
            notCT == (try lake.scalar(
                """
                SELECT count(DISTINCT p.id) FROM patients p LEFT JOIN studies st ON st.patient_id = p.id
                LEFT JOIN series se ON se.study_id = st.id WHERE se.modality IS NULL OR se.modality <> 'CT'
                """)))
    }

    @Test func noiselessHistogramsEqualAnIndependentComputation() throws {
        let lake = try CohortLake()
        let rows = try ImagingRow.all(lake)
        // Sex of MR brain/head patients: a patient-level field, one cell per patient.
        let bySex = try lake.values(String(decoding: try Data(contentsOf: CohortExamples.folder.appending(path: "mr-brain-by-sex.json")), as: UTF8.self))
        var expected: [String: Set<Int64>] = [:]
        for row in rows where row.modality == "MR" && (row.bodyPart == "BRAIN" || row.bodyPart == "HEAD") {
            expected[["M", "F", "O"].contains(row.sex ?? "") ? row.sex ?? "" : "(other)", default: []].insert(row.patient)
        }
        for label in ["M", "F", "O", "(other)"] { #expect(bySex[label] == Int64(expected[label]?.count ?? 0), "\(label)") }
        #expect(bySex.count == 4)
        // Age band at the earliest CT.
        let bands = try lake.values(String(decoding: try Data(contentsOf: CohortExamples.folder.appending(path: "age-at-first-ct.json")), as: UTF8.self))
        var bandCounts: [String: Int64] = [:]
        for row in ImagingRow.picked(rows.filter { $0.modality == "CT" }, latest: false) {
            let label: String
            switch row.age {
            case nil: label = "(missing)"
            case .some(let age) where age < 18: label = "[0, 18)"
            case .some(let age) where age < 40: label = "[18, 40)"
            case .some(let age) where age < 65: label = "[40, 65)"
            default: label = "[65, 90]"
            }
            bandCounts[label, default: 0] += 1
        }
        for label in ["[0, 18)", "[18, 40)", "[40, 65)", "[65, 90]", "(missing)"] {
            #expect(bands[label] == bandCounts[label] ?? 0, "\(label)")
        }
        // Body part of the latest study of 2015-2019.
        let parts = try lake.values(String(decoding: try Data(contentsOf: CohortExamples.folder.appending(path: "body-parts-2015-2019.json")), as: UTF8.self))
        var partCounts: [String: Int64] = [:]
        let inRange = rows.filter { ($0.date ?? "") >= "2015-01-01" && ($0.date ?? "") <= "2019-12-31" }
        for row in ImagingRow.picked(inRange, latest: true) {
            let part = row.bodyPart ?? ""
            partCounts[CohortField.bodyPartCategories.contains(part) ? part : "(other)", default: 0] += 1
        }
        for label in CohortField.bodyPartCategories + ["(other)"] {
            #expect(parts[label] == partCounts[label] ?? 0, "\(label)")
        }
        // Each patient once per modality they had since 2010.
        let modalities = try lake.values(String(decoding: try Data(contentsOf: CohortExamples.folder.appending(path: "modalities-since-2010.json")), as: UTF8.self))
        var modalityPatients: [String: Set<Int64>] = [:]
        for row in rows where (row.year ?? 0) >= 2010 {
            let modality = row.modality ?? ""
            modalityPatients[CohortField.modalityCategories.contains(modality) ? modality : "(other)", default: []]
                .insert(row.patient)
        }
        for label in CohortField.modalityCategories + ["(other)"] {
            #expect(modalities[label] == Int64(modalityPatients[label]?.count ?? 0), "\(label)")
        }
        // Studies per year by modality: at most 3 studies per patient, so the total is Σ min(3, studies).
        let perYear = try lake.values(String(decoding: try Data(contentsOf: CohortExamples.folder.appending(path: "studies-per-year-by-modality.json")), as: UTF8.self))
        #expect(perYear.count == 21 * 13)
        #expect(
            perYear.values.reduce(0, +) == (try lake.scalar(
                """
                SELECT sum(min(3, n)) FROM (SELECT st.patient_id, count(DISTINCT st.id) AS n FROM studies st
                JOIN series se ON se.study_id = st.id GROUP BY st.patient_id)
                """)))
    }

    @Test func boundedSumAndMeanClampOneValuePerPatient() throws {
        let lake = try CohortLake()
        let rows = try ImagingRow.all(lake)
        let query = try CohortExamples.named("mean-age-mr.json")
        let measurements = try lake.measurements(query)
        #expect(measurements.count == 2)
        let picked = ImagingRow.picked(rows.filter { $0.modality == "MR" }, latest: false)
        let ages = picked.compactMap(\.age)
        #expect(measurements[0].values == [ages.reduce(0, +)])
        #expect(measurements[1].values == [Int64(ages.count)])
        #expect(measurements[0].sensitivity == CohortSensitivity(l1: 90, l2Squared: 8100))
        #expect(measurements[0].rhoShare == (1, 2))
        // Clamping: bounds [10, 20] move every age into them.
        let clamped = try lake.measurements(
            try CohortQuery(json: Data(#"""
                {"version":1,"criteria":{"field":"modality","op":"eq","value":"MR"},
                 "statistic":{"kind":"sum","field":"ageAtStudy","bounds":[10,20]}}
                """#.utf8)))
        #expect(clamped[0].values == [ages.map { min(max($0, 10), 20) }.reduce(0, +)])
        #expect(clamped[0].sensitivity.l1 == 20)
        // A real field sums on the 2^-10 grid, with bounds rounded outward.
        let thickness = try lake.measurements(try CohortExamples.named("mean-slice-thickness-ct.json"))
        #expect(thickness[0].gridExponent == 10)
        #expect(thickness[0].sensitivity.l1 == 10 * 1024)
    }

    @Test func injectionAttemptsInEveryStringPositionAreInert() throws {
        let lake = try CohortLake(patients: 120, instances: 1_000)
        let payloads = [
            "' OR 1=1 --", "\" OR \"\"=\"", "x'); DROP TABLE patients; --", "CT'; DELETE FROM series; --",
            "nodule\" OR \"a", "NEAR(nodule mass)", "nod*", "nodule OR mass", "text:nodule", "^nodule", "(nodule)",
            "nodule -- comment", "a; b", "%", "_", "\\", "nodule\" NOT \"x",
        ]
        let patients = Int64(lake.totals.patients)
        let documents = try lake.queue.read { db in
            try db.fetchAll("SELECT patient_id, text FROM documents").map { row in
                (patient: try row[0] as Int64, tokens: tokens(try row[1] as String))
            }
        }
        for payload in payloads {
            let value = quote(payload)
            for field in ["manufacturer", "model"] {
                for (op, operand) in [("eq", value), ("ne", value), ("in", "[\(value), \(value)]"), ("contains", value)] {
                    let json = #"{"version":1,"name":"#  + value + #","criteria":{"field":""# + field + #"","op":""# + op
                        + #"","value":"# + operand + #"},"statistic":{"kind":"count"}}"#
                    let count = try lake.count(json)
                    if op == "ne" {
                        let present: Int64 =
                            field == "manufacturer"
                            ? try lake.scalar(
                                "SELECT count(DISTINCT st.patient_id) FROM series se JOIN studies st ON se.study_id = st.id WHERE se.manufacturer IS NOT NULL")
                            : try lake.scalar(
                                "SELECT count(DISTINCT st.patient_id) FROM series se JOIN studies st ON se.study_id = st.id WHERE se.model IS NOT NULL")
                        #expect(count == present, "\(field) ne should hold for every present value")
                    } else {
                        #expect(count == 0, "\(field) \(op) matched a payload")
                    }
                }
            }
            // Full text: the payload is one quoted phrase, so operators in it are words: it matches exactly the
            // documents whose token sequence contains the payload's tokens in order (punctuation is not a token).
            let phraseTokens = tokens(payload)
            let expected = Int64(Set(documents.filter { contains($0.tokens, phraseTokens) }.map(\.patient)).count)
            for json in [
                #"{"version":1,"criteria":{"field":"reportText","op":"mentions","value":"# + value + #"},"statistic":{"kind":"count"}}"#,
                #"{"version":1,"criteria":{"field":"reportText","op":"mentionsAny","value":["# + value + #"]},"statistic":{"kind":"count"}}"#,
            ] {
                do {
                    #expect(try lake.count(json) == expected, "\(payload): FTS syntax leaked")
                } catch let error as CohortError {
                    // Punctuation-only phrases are refused, naming their path.
                    #expect(phraseTokens.isEmpty)
                    #expect(error.path?.hasPrefix("$.criteria.value") == true)
                }
            }
        }
        // Unquoted, `nod*` and `nodule OR mass` would match; as phrases they find only the literal word sequence.
        #expect(try lake.count(#"{"version":1,"criteria":{"field":"reportText","op":"mentions","value":"nodule"},"statistic":{"kind":"count"}}"#) > 0)
        // The lake is intact.
        #expect(try lake.scalar("SELECT count(*) FROM patients") == patients)
        #expect(try lake.scalar("SELECT count(*) FROM series") == Int64(lake.totals.series))
    }

    @Test func compiledSQLBindsEveryValueFromTheQuery() throws {
        let query = try CohortQuery(
            json: Data(
                #"{"version":1,"criteria":{"all":[{"field":"manufacturer","op":"eq","value":"ACME'--"},{"field":"reportText","op":"mentions","value":"x\"y"}]},"statistic":{"kind":"count"}}"#
                    .utf8))
        let sql = CohortCompiler.countSQL(query.criteria)
        #expect(!sql.text.contains("ACME"))
        #expect(!sql.text.contains("x\"y"))
        #expect(sql.arguments.contains(.text("ACME'--")))
        #expect(sql.arguments.contains(.text("\"x\"\"y\"")))
    }

    /// unicode61's view of text, for ASCII: runs of letters and digits, lower-cased.
    private func tokens(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    private func contains(_ tokens: [String], _ phrase: [String]) -> Bool {
        guard !phrase.isEmpty, tokens.count >= phrase.count else { return false }
        return (0...(tokens.count - phrase.count)).contains { Array(tokens[$0..<($0 + phrase.count)]) == phrase }
    }
}
