/// What a cohort query released: noisy values with everything needed to read them (mechanism, scale,
/// sensitivity, ρ, (ε, δ), 95% intervals) and the lake snapshot they came from. Stored in the ledger as JSON, so a
/// repeated query gets back exactly this value.
public struct CohortRelease: Sendable, Hashable, Codable {
    /// The SHA-256 of the query's canonical JSON (with its ρ).
    public var queryHash: String
    /// The query's canonical JSON.
    public var query: String
    /// The query's name, when it had one.
    public var name: String?
    /// The lake snapshot the values were computed on (``PrivacyLedger`` explains snapshots).
    public var lakeSnapshot: Int64
    /// The statistic (`count`, `histogram`, `sum`, `mean`, `quantiles`).
    public var statistic: String
    /// The noise mechanism.
    public var mechanism: String
    /// The ρ charged, exact.
    public var rho: String
    /// ε of the (ε, δ) guarantee implied by ``rho``.
    public var epsilon: String
    /// δ of the (ε, δ) guarantee.
    public var delta: String
    /// The noisy vectors, as drawn.
    public var parts: [Part]
    /// What to read: the statistic's values computed from ``parts`` (post-processing only).
    public var estimates: [Estimate]
    /// When it was released (UTC ISO 8601).
    public var releasedAt: String

    /// A release from its parts.
    public init(
        queryHash: String, query: String, name: String?, lakeSnapshot: Int64, statistic: String, mechanism: String,
        rho: String, epsilon: String, delta: String, parts: [Part], estimates: [Estimate], releasedAt: String
    ) {
        self.queryHash = queryHash
        self.query = query
        self.name = name
        self.lakeSnapshot = lakeSnapshot
        self.statistic = statistic
        self.mechanism = mechanism
        self.rho = rho
        self.epsilon = epsilon
        self.delta = delta
        self.parts = parts
        self.estimates = estimates
        self.releasedAt = releasedAt
    }

    /// One noisy vector.
    public struct Part: Sendable, Hashable, Codable {
        /// What it measures (`count`, `histogram`, `sum`, `valueCount`).
        public var name: String
        /// Its cells.
        public var cells: [CohortCell]
        /// The noisy values, in grid units.
        public var values: [Int64]
        /// Values are in units of 2^-gridExponent.
        public var gridExponent: Int
        /// The mechanism's noise scale.
        public var scale: String
        /// The sensitivity the noise was calibrated to.
        public var sensitivity: CohortSensitivity
        /// The ρ this vector spent.
        public var rho: String
        /// 95% interval half-width, grid units.
        public var interval95: Int64
    }

    /// One value to read.
    public struct Estimate: Sendable, Hashable, Codable {
        /// The cell (`total`, a category, a bin, `p50`).
        public var label: String
        /// The crossed category, for two-way histograms.
        public var by: String?
        /// The value; `nil` when it cannot be computed (a mean over a noisy count ≤ 0).
        public var value: Double?
        /// The half-width of its 95% interval, when known.
        public var interval95: Double?
        /// Whether it counts patients (or studies): such values are shown as "< N" below the minimum count.
        public var isCount: Bool
    }

    /// The text a person sees for an estimate: the value, or `< N` when it is a count whose *noisy* value is below
    /// `minimumCount` (post-processing, never a look at the true count).
    public func display(_ estimate: Estimate, minimumCount: Int) -> String {
        guard let value = estimate.value else { return "n/a" }
        if estimate.isCount, value < Double(minimumCount) { return "< \(minimumCount)" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format6(value))
    }

    /// Whether an estimate is suppressed at `minimumCount`.
    public func isSuppressed(_ estimate: Estimate, minimumCount: Int) -> Bool {
        estimate.isCount && (estimate.value ?? 0) < Double(minimumCount)
    }

    private func format6(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
