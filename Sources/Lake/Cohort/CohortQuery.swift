/// A parsed, validated cohort query: which patients (``criteria``) and what to release about them
/// (``statistic``), at what privacy cost (``rho``).
///
/// Build one with ``init(json:)`` from the JSON language documented in <doc:CohortLanguage> and
/// `cohorts/schema.json`:
///
/// ```swift
/// let query = try CohortQuery(json: Data(#"""
///     {"version": 1, "criteria": {"all": [{"field": "modality", "op": "eq", "value": "CT"},
///      {"field": "ageAtStudy", "op": "ge", "value": 60}]}, "statistic": {"kind": "count"}}
///     """#.utf8))
/// ```
public struct CohortQuery: Sendable, Hashable {
    /// A short label for people (not part of the query's identity).
    public var name: String?
    /// Which patients are in the cohort; `nil` means every patient of the lake.
    public var criteria: CohortCriterion?
    /// What is released about the cohort.
    public var statistic: CohortStatistic
    /// The zCDP cost the query asks for, as an exact rational string (`"1/100"`); `nil` takes the node's default.
    public var rho: String?

    /// A query from its parts.
    public init(name: String? = nil, criteria: CohortCriterion?, statistic: CohortStatistic, rho: String? = nil) {
        self.name = name
        self.criteria = criteria
        self.statistic = statistic
        self.rho = rho
    }
}

/// A condition on an imaging row or on the patient's documents, combined with `all`, `any`, `not`.
public indirect enum CohortCriterion: Sendable, Hashable {
    /// Every sub-criterion holds.
    case all([CohortCriterion])
    /// At least one sub-criterion holds.
    case any([CohortCriterion])
    /// The sub-criterion does not hold (a missing value does not satisfy a comparison, so its `not` does).
    case not(CohortCriterion)
    /// A comparison of one catalog field.
    case compare(CohortField, CohortComparison)
}

/// A comparison of a field with values from the query; the values are always bound, never spliced.
public enum CohortComparison: Sendable, Hashable {
    /// Equal (text: case-insensitive).
    case equal(CohortValue)
    /// Not equal (a missing value is not "not equal": use `not` with `eq` for that).
    case notEqual(CohortValue)
    /// One of the values.
    case oneOf([CohortValue])
    /// Less than.
    case less(CohortValue)
    /// Less than or equal.
    case lessOrEqual(CohortValue)
    /// Greater than.
    case greater(CohortValue)
    /// Greater than or equal.
    case greaterOrEqual(CohortValue)
    /// Between the two values, both included.
    case between(CohortValue, CohortValue)
    /// Free text containing the value (case-insensitive).
    case contains(String)
    /// Full text containing the phrase.
    case mentions(String)
    /// Full text containing at least one of the phrases.
    case mentionsAny([String])
}

/// A value from a query: an integer, a real number or a string.
public enum CohortValue: Sendable, Hashable {
    /// An integer.
    case integer(Int64)
    /// A real number.
    case real(Double)
    /// A string (a category, a date, free text).
    case text(String)
}

/// What a query releases. Each statistic bounds one patient's contribution (the privacy unit is the patient).
public enum CohortStatistic: Sendable, Hashable {
    /// The number of distinct patients in the cohort (sensitivity 1).
    case count
    /// Counts per bin of one field, optionally crossed with a categorical field.
    case histogram(CohortHistogram)
    /// The sum over patients of one value per patient, clamped to the bounds.
    case sum(CohortAggregate)
    /// The mean over patients of one value per patient, clamped: a noisy sum over a noisy count.
    case mean(CohortAggregate)
    /// Quantiles read from a noisy histogram of one numeric field (post-processing).
    case quantiles(CohortQuantiles)

    /// The statistic's name in the language (`count`, `histogram`, `sum`, `mean`, `quantiles`).
    public var kindName: String {
        switch self {
        case .count: "count"
        case .histogram: "histogram"
        case .sum: "sum"
        case .mean: "mean"
        case .quantiles: "quantiles"
        }
    }
}

/// Which of a patient's imaging rows stands for the patient when a statistic needs one value per patient.
public enum CohortPick: String, Sendable, Hashable {
    /// The row of the patient's earliest matching study (by shifted date, then study and series order).
    case earliest
    /// The row of the patient's latest matching study.
    case latest
    /// Histograms only: the patient counts once in *every* bin one of their rows falls in (L1 and L2² sensitivity
    /// equal the number of bins).
    case each
}

/// How a numeric field is cut into bins: `edges` e₀ < e₁ < … < eₙ give bins [e₀, e₁), …, [eₙ₋₁, eₙ]; values below e₀
/// count in the first bin and above eₙ in the last (clamped); a missing value counts in a `(missing)` bin.
public struct CohortBins: Sendable, Hashable {
    /// The bin edges, strictly increasing, at least two.
    public var edges: [Double]
    /// Bins from their edges.
    public init(edges: [Double]) { self.edges = edges }
}

/// A histogram: over a categorical field (every category, plus `(other)`, zero-filled) or a numeric field
/// cut into ``CohortBins``, optionally crossed with a categorical `by` field.
public struct CohortHistogram: Sendable, Hashable {
    /// The field binned.
    public var field: CohortField
    /// Bins, for a numeric field.
    public var bins: CohortBins?
    /// A categorical field crossed with ``field`` (cells are field bin × by category).
    public var by: CohortField?
    /// What is counted: patients (default) or studies.
    public var unit: Unit
    /// For patients: which row places the patient in one cell, or `each`.
    public var pick: CohortPick
    /// For studies: at most this many studies per patient (their earliest), bounding L1 and L2 sensitivity by it.
    public var maxStudiesPerPatient: Int

    /// What a histogram counts.
    public enum Unit: String, Sendable, Hashable {
        /// Distinct patients.
        case patients
        /// Studies, at most ``CohortHistogram/maxStudiesPerPatient`` per patient.
        case studies
    }

    /// A histogram from its parts.
    public init(
        field: CohortField, bins: CohortBins? = nil, by: CohortField? = nil, unit: Unit = .patients,
        pick: CohortPick = .earliest, maxStudiesPerPatient: Int = 1
    ) {
        self.field = field
        self.bins = bins
        self.by = by
        self.unit = unit
        self.pick = pick
        self.maxStudiesPerPatient = maxStudiesPerPatient
    }
}

/// A bounded sum or mean: one value per patient (from the row ``pick`` chooses), clamped to ``lower``…``upper``.
public struct CohortAggregate: Sendable, Hashable {
    /// The numeric field.
    public var field: CohortField
    /// The declared lower bound.
    public var lower: Double
    /// The declared upper bound.
    public var upper: Double
    /// Which row gives the patient's value (`earliest` or `latest`).
    public var pick: CohortPick

    /// An aggregate from its parts.
    public init(field: CohortField, lower: Double, upper: Double, pick: CohortPick = .earliest) {
        self.field = field
        self.lower = lower
        self.upper = upper
        self.pick = pick
    }
}

/// Quantiles of a numeric field, read from a noisy histogram over ``bins`` with one value per patient.
public struct CohortQuantiles: Sendable, Hashable {
    /// The numeric field.
    public var field: CohortField
    /// The histogram's bins; the quantiles' resolution.
    public var bins: CohortBins
    /// The probabilities, each in (0, 1).
    public var probabilities: [Double]
    /// Which row gives the patient's value (`earliest` or `latest`).
    public var pick: CohortPick

    /// Quantiles from their parts.
    public init(field: CohortField, bins: CohortBins, probabilities: [Double], pick: CohortPick = .earliest) {
        self.field = field
        self.bins = bins
        self.probabilities = probabilities
        self.pick = pick
    }
}
