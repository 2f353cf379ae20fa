import Foundation
import Testing
@_spi(CohortTesting) @testable import Lake
import Storage
import TestSupport

/// A migrated lake on disk filled by `SyntheticLake` with a fixed seed, and the example cohorts.
struct CohortLake {
    let directory: TemporaryDirectory
    let queue: DatabaseQueue
    let totals: SyntheticLake.Totals

    init(seed: UInt64 = 20_261_203, patients: Int = 400, instances: Int = 4_000) throws {
        directory = try TemporaryDirectory(prefix: "cohort")
        queue = try DatabaseQueue(path: directory.url.appending(path: "lake.sqlite").path)
        try LakeSchema.migrator.migrate(queue)
        totals = try SyntheticLake(seed: seed, patients: patients, instances: instances).fill(queue)
    }

    var path: String { queue.path }

    /// The exact measurements of a query (the noiseless path).
    func measurements(_ query: CohortQuery) throws -> [CohortMeasurement] {
        try queue.read { db in try CohortEvaluator.measurements(query, in: db) }
    }

    /// The true values by cell label (`bin` or `bin|by`).
    func values(_ json: String) throws -> [String: Int64] {
        let query = try CohortQuery(json: Data(json.utf8))
        let measurement = try #require(try measurements(query).first)
        var result: [String: Int64] = [:]
        for (cell, value) in zip(measurement.cells, measurement.values) {
            result[cell.by.map { "\(cell.bin)|\($0)" } ?? cell.bin] = value
        }
        return result
    }

    func count(_ json: String) throws -> Int64 {
        try #require(try values(json)["total"])
    }

    /// One integer from hand-written SQL.
    func scalar(_ sql: SQL) throws -> Int64 {
        try queue.read { db in try db.fetchOne(Int64.self, sql) ?? -1 }
    }
}

enum CohortExamples {
    /// The folder of example cohorts at the repository root.
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "cohorts")
    }

    static func all() throws -> [(name: String, data: Data)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") && $0 != "schema.json" }
            .sorted().map { ($0, try Data(contentsOf: folder.appending(path: $0))) }
    }

    static func named(_ name: String) throws -> CohortQuery {
        try CohortQuery(json: try Data(contentsOf: folder.appending(path: name)))
    }
}

/// One imaging row, read with plain SQL for independent checks.
struct ImagingRow {
    var patient: Int64
    var study: Int64?
    var series: Int64?
    var date: String?
    var age: Int64?
    var modality: String?
    var bodyPart: String?
    var sex: String?
    var year: Int64?

    static func all(_ lake: CohortLake) throws -> [ImagingRow] {
        try lake.queue.read { db in
            try db.fetchAll(
                """
                SELECT p.id, st.id, se.id, st.study_date, st.age_years, se.modality, se.body_part, p.sex, st.study_year
                FROM patients p LEFT JOIN studies st ON st.patient_id = p.id LEFT JOIN series se ON se.study_id = st.id
                """
            ).map { row in
                try ImagingRow(
                    patient: row[0], study: row[1], series: row[2], date: row[3], age: row[4], modality: row[5],
                    bodyPart: row[6], sex: row[7], year: row[8])
            }
        }
    }

    /// Per patient, the earliest (or latest) row by date (missing dates last), study, series.
    static func picked(_ rows: [ImagingRow], latest: Bool) -> [ImagingRow] {
        var best: [Int64: ImagingRow] = [:]
        func key(_ row: ImagingRow) -> (Int, String, Int64, Int64) {
            (row.date == nil ? 1 : 0, row.date ?? "", row.study ?? -1, row.series ?? -1)
        }
        for row in rows {
            guard let current = best[row.patient] else {
                best[row.patient] = row
                continue
            }
            let (a, b) = (key(row), key(current))
            let better: Bool
            if latest {
                better = a.0 != b.0 ? a.0 < b.0 : (a.1, a.2, a.3) > (b.1, b.2, b.3)
            } else {
                better = a < b
            }
            if better { best[row.patient] = row }
        }
        return Array(best.values)
    }
}
