import Storage

/// One vector of exact integer aggregates a statistic needs, before noise: its cells, its true values, how much
/// one patient can change them, and which share of the query's ρ it gets. Internal: true values never leave
/// the lake except through a noise mechanism (tests reach them with `@testable import`).
struct CohortMeasurement: Sendable, Hashable {
    /// What the vector measures: `count`, `histogram`, `sum`, `valueCount`.
    var name: String
    /// The cells, in release order.
    var cells: [CohortCell]
    /// The true values, one per cell.
    var values: [Int64]
    /// How much adding or removing one patient changes ``values``.
    var sensitivity: CohortSensitivity
    /// The fraction of the query's ρ this measurement spends, `numerator/denominator`.
    var rhoShare: (numerator: UInt64, denominator: UInt64)
    /// Values are integers in units of 2^-gridExponent (0 for counts and integer fields).
    var gridExponent: Int

    static func == (lhs: CohortMeasurement, rhs: CohortMeasurement) -> Bool {
        lhs.name == rhs.name && lhs.cells == rhs.cells && lhs.values == rhs.values && lhs.sensitivity == rhs.sensitivity
            && lhs.rhoShare == rhs.rhoShare && lhs.gridExponent == rhs.gridExponent
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(values)
    }
}

/// A cell of a released vector: a bin of the field, and a category of the `by` field for crossed histograms.
public struct CohortCell: Sendable, Hashable, Codable {
    /// The bin or category (`CT`, `[60, 70)`, `(other)`, `(missing)`; `total` for a count).
    public var bin: String
    /// The `by` category, for a crossed histogram.
    public var by: String?

    /// A cell from its labels.
    public init(bin: String, by: String? = nil) {
        self.bin = bin
        self.by = by
    }
}

/// How much one patient can change a released vector (add/remove-one-patient neighbours).
public struct CohortSensitivity: Sendable, Hashable, Codable {
    /// The L1 sensitivity, in grid units.
    public var l1: UInt64
    /// The square of the L2 sensitivity, in grid units squared (the discrete Gaussian needs Δ₂²).
    public var l2Squared: UInt64

    /// A sensitivity from its parts.
    public init(l1: UInt64, l2Squared: UInt64) {
        self.l1 = l1
        self.l2Squared = l2Squared
    }
}

/// Maps lake values to the cells of one histogram dimension.
struct CohortBinning: Sendable {
    let labels: [String]
    private let categories: [String: Int]?
    private let edges: [Double]?

    static let other = "(other)"
    static let missing = "(missing)"

    init(field: CohortField, bins: CohortBins?) {
        if let bins {
            edges = bins.edges
            categories = nil
            var labels: [String] = []
            for index in 0..<(bins.edges.count - 1) {
                let last = index == bins.edges.count - 2
                labels.append(
                    "[\(Self.format(bins.edges[index])), \(Self.format(bins.edges[index + 1]))\(last ? "]" : ")")")
            }
            self.labels = labels + [Self.missing]
        } else {
            let list = field.categories ?? []
            edges = nil
            categories = Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1, $0) })
            labels = list + [Self.other]
        }
    }

    /// The cell of a lake value.
    func index(of value: DatabaseValue) -> Int {
        if let categories {
            if case .text(let text) = value, let index = categories[text] { return index }
            return labels.count - 1
        }
        guard let edges else { return labels.count - 1 }
        let number: Double
        switch value {
        case .integer(let integer): number = Double(integer)
        case .real(let real): number = real
        default: return labels.count - 1  // (missing)
        }
        var index = 0
        while index + 1 < edges.count - 1, number >= edges[index + 1] { index += 1 }
        return index
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
