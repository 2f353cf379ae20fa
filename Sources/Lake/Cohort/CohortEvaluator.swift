import Storage

/// Computes a query's exact measurements in the lake: the noiseless path. Internal on purpose — only the
/// release path (which adds noise) and tests (`@testable import Lake`) call it.
enum CohortEvaluator {
    /// The grid of real-valued fields: values are rounded to multiples of 2^-10 before summing.
    static let realGridExponent = 10

    /// The measurements of `query`, read in `db` (one read transaction, so one snapshot).
    static func measurements(_ query: CohortQuery, in db: Database) throws -> [CohortMeasurement] {
        let criteria = query.criteria
        switch query.statistic {
        case .count:
            let count = try db.fetchOne(Int64.self, CohortCompiler.countSQL(criteria)) ?? 0
            return [
                CohortMeasurement(
                    name: "count", cells: [CohortCell(bin: "total")], values: [count],
                    sensitivity: CohortSensitivity(l1: 1, l2Squared: 1), rhoShare: (1, 1), gridExponent: 0)
            ]
        case .histogram(let histogram):
            return [try self.histogram(histogram, criteria: criteria, in: db)]
        case .sum(let aggregate):
            let (sum, _) = try self.sum(aggregate, criteria: criteria, share: (1, 1), in: db)
            return [sum]
        case .mean(let aggregate):
            let (sum, count) = try self.sum(aggregate, criteria: criteria, share: (1, 2), in: db)
            return [sum, count]
        case .quantiles(let quantiles):
            let histogram = CohortHistogram(field: quantiles.field, bins: quantiles.bins, pick: quantiles.pick)
            return [try self.histogram(histogram, criteria: criteria, in: db)]
        }
    }

    private static func histogram(_ histogram: CohortHistogram, criteria: CohortCriterion?, in db: Database) throws
        -> CohortMeasurement
    {
        let fieldBins = CohortBinning(field: histogram.field, bins: histogram.bins)
        let byBins = histogram.by.map { CohortBinning(field: $0, bins: nil) }
        let byCount = byBins?.labels.count ?? 1
        var cells: [CohortCell] = []
        for bin in fieldBins.labels {
            if let byBins {
                for by in byBins.labels { cells.append(CohortCell(bin: bin, by: by)) }
            } else {
                cells.append(CohortCell(bin: bin))
            }
        }
        var values = [Int64](repeating: 0, count: cells.count)
        func cell(_ row: Row) -> Int {
            let byIndex = byBins.map { $0.index(of: row.values[1]) } ?? 0
            return fieldBins.index(of: row.values[0]) * byCount + byIndex
        }
        let sensitivity: CohortSensitivity
        switch (histogram.unit, histogram.pick) {
        case (.patients, .each):
            // A patient counts at most once per cell, in any number of cells.
            var seen = Set<[Int64]>()
            for row in try db.fetchAll(CohortCompiler.eachValuesSQL(criteria, field: histogram.field, by: histogram.by))
            {
                guard case .integer(let patient) = row.values[0] else { continue }
                let rest = Row(columnNames: ["v", "b"], values: [row.values[1], row.values[2]])
                let index = cell(rest)
                if seen.insert([patient, Int64(index)]).inserted { values[index] += 1 }
            }
            let cellCount = UInt64(cells.count)
            sensitivity = CohortSensitivity(l1: cellCount, l2Squared: cellCount)
        case (.patients, _):
            for row in try db.fetchAll(
                CohortCompiler.pickedValuesSQL(criteria, field: histogram.field, by: histogram.by, pick: histogram.pick))
            {
                values[cell(row)] += Int64.fromDatabaseValue(row.values[2]) ?? 0
            }
            sensitivity = CohortSensitivity(l1: 1, l2Squared: 1)
        case (.studies, _):
            for row in try db.fetchAll(
                CohortCompiler.studyValuesSQL(
                    criteria, field: histogram.field, by: histogram.by, maximum: histogram.maxStudiesPerPatient))
            {
                values[cell(row)] += Int64.fromDatabaseValue(row.values[2]) ?? 0
            }
            // k studies of one patient can all land in one cell: L1 = L2 = k.
            let k = UInt64(histogram.maxStudiesPerPatient)
            sensitivity = CohortSensitivity(l1: k, l2Squared: k * k)
        }
        return CohortMeasurement(
            name: "histogram", cells: cells, values: values, sensitivity: sensitivity, rhoShare: (1, 1),
            gridExponent: 0)
    }

    /// The clamped sum (in grid units) and the number of patients with a value.
    private static func sum(
        _ aggregate: CohortAggregate, criteria: CohortCriterion?, share: (UInt64, UInt64), in db: Database
    ) throws -> (CohortMeasurement, CohortMeasurement) {
        let exponent: Int
        if case .real = aggregate.field.kind { exponent = realGridExponent } else { exponent = 0 }
        let (lower, upper) = gridBounds(aggregate, exponent: exponent)
        var total: Int64 = 0
        var count: Int64 = 0
        for row in try db.fetchAll(
            CohortCompiler.pickedValuesSQL(criteria, field: aggregate.field, by: nil, pick: aggregate.pick))
        {
            let patients = Int64.fromDatabaseValue(row.values[2]) ?? 0
            guard let value = gridValue(row.values[0], exponent: exponent) else { continue }
            total += min(max(value, lower), upper) * patients
            count += patients
        }
        let bound = UInt64(max(lower.magnitude, upper.magnitude))
        let sum = CohortMeasurement(
            name: "sum", cells: [CohortCell(bin: "sum")], values: [total],
            sensitivity: CohortSensitivity(l1: bound, l2Squared: bound * bound), rhoShare: share,
            gridExponent: exponent)
        let patients = CohortMeasurement(
            name: "valueCount", cells: [CohortCell(bin: "patients with a value")], values: [count],
            sensitivity: CohortSensitivity(l1: 1, l2Squared: 1), rhoShare: share, gridExponent: 0)
        return (sum, patients)
    }

    /// The declared bounds in grid units, rounded outward.
    static func gridBounds(_ aggregate: CohortAggregate, exponent: Int) -> (Int64, Int64) {
        let scale = Double(1 << exponent)
        return (Int64((aggregate.lower * scale).rounded(.down)), Int64((aggregate.upper * scale).rounded(.up)))
    }

    /// A lake value on the grid (nearest multiple of 2^-exponent), or `nil` when missing.
    static func gridValue(_ value: DatabaseValue, exponent: Int) -> Int64? {
        switch value {
        case .integer(let integer): return integer << exponent
        case .real(let real) where real.isFinite && abs(real) < 1e12:
            return Int64((real * Double(1 << exponent)).rounded(.toNearestOrEven))
        default: return nil
        }
    }
}
