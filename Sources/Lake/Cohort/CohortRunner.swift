import Foundation
public import Storage

/// Answers cohort queries against a lake with differential privacy: compiles the query, reserves its ρ in the
/// ``PrivacyLedger`` before reading anything, computes the exact aggregates in one read transaction, adds noise
/// through the injected ``CohortNoise``, and stores the release.
///
/// ```swift
/// let runner = CohortRunner(queue: queue, lake: "hospital-a", policy: policy, noise: mechanism)
/// let outcome = try runner.run(query, project: "lung", requester: "alice")
/// print(outcome.release.estimates, outcome.budget.remaining)
/// ```
public struct CohortRunner: Sendable {
    /// The lake's database.
    public let queue: DatabaseQueue
    /// The budget ledger.
    public let ledger: PrivacyLedger
    /// The node's privacy policy.
    public let policy: PrivacyPolicy
    /// The noise mechanism.
    public let noise: any CohortNoise

    /// A runner over a migrated lake.
    public init(queue: DatabaseQueue, lake: String, policy: PrivacyPolicy, noise: any CohortNoise) {
        self.queue = queue
        self.ledger = PrivacyLedger(queue: queue, lake: lake)
        self.policy = policy
        self.noise = noise
    }

    /// What a query would cost, without spending anything (a dry run).
    public struct Plan: Sendable {
        /// The query's canonical JSON.
        public var canonicalJSON: String
        /// Its hash, the identity of its release.
        public var queryHash: String
        /// The ρ it costs (nothing when ``storedRelease`` is set).
        public var rho: Rho
        /// The (ε, δ) of that ρ.
        public var privacyLoss: CohortPrivacyLoss
        /// The filter's budget now.
        public var budget: PrivacyBudget
        /// The release a run would return for free, when the query was answered on this snapshot.
        public var storedRelease: CohortRelease?
        /// Whether the budget can pay for it.
        public var isAffordable: Bool { storedRelease != nil || (budget.spent.adding(rho).map { $0 <= budget.limit } ?? false) }
    }

    /// A release and the budget after it.
    public struct Outcome: Sendable {
        /// The release.
        public var release: CohortRelease
        /// Whether it is a stored release returned again at no cost.
        public var isRepeat: Bool
        /// The filter's budget after the query.
        public var budget: PrivacyBudget
        /// The ρ this call spent (zero for a repeat).
        public var spent: Rho
    }

    /// The cost of `query` (its own ρ, else the policy's default).
    public func cost(of query: CohortQuery) throws(CohortError) -> Rho {
        guard let text = query.rho else { return policy.defaultRho }
        guard let rho = Rho(text), rho.isPositive else {
            throw CohortError(.invalidValue, path: "$.rho", message: "ρ must be a positive exact rational")
        }
        return rho
    }

    /// A dry run: the cost, the budget and whether a stored release would be returned.
    ///
    /// - Throws: ``CohortError`` when the ledger cannot be read.
    public func plan(_ query: CohortQuery, project: String, requester: String) throws(CohortError) -> Plan {
        let rho = try cost(of: query)
        let hash = try query.identity(rho: rho)
        let loss: CohortPrivacyLoss
        do { loss = try noise.privacyLoss(rho: rho) } catch {
            throw CohortError(.mechanism, message: "the (ε, δ) conversion failed")
        }
        return Plan(
            canonicalJSON: query.canonicalJSON(rho: rho), queryHash: hash, rho: rho, privacyLoss: loss,
            budget: try ledger.budget(
                project: project, requester: requester, limit: policy.limit(project: project, requester: requester)),
            storedRelease: try ledger.storedRelease(queryHash: hash))
    }

    /// Answers `query` for `requester` in `project`, charging its ρ to their filter.
    ///
    /// - Returns: the release (stored, or stored earlier for the same query on the same snapshot) and the budget.
    /// - Throws: ``CohortError`` ``CohortError/Code/budgetExhausted`` (with what is left) before anything is read;
    ///   other ``CohortError``s when the query or the ledger fails (the reservation is refunded, and recorded, when
    ///   nothing was drawn).
    public func run(_ query: CohortQuery, project: String, requester: String) throws(CohortError) -> Outcome {
        let rho = try cost(of: query)
        let hash = try query.identity(rho: rho)
        let limit = policy.limit(project: project, requester: requester)
        let reservation: PrivacyLedger.Reservation
        switch try ledger.reserve(project: project, requester: requester, limit: limit, queryHash: hash, rho: rho) {
        case .repeated(let release, let budget):
            return Outcome(release: release, isRepeat: true, budget: budget, spent: .zero)
        case .reserved(let reserved):
            reservation = reserved
        }
        // From here on ρ is spent durably. It is refunded only when nothing noisy was drawn.
        let snapshot: Int64
        let measurements: [CohortMeasurement]
        do {
            (snapshot, measurements) = try queue.read { db in
                (try PrivacyLedger.snapshot(db), try CohortEvaluator.measurements(query, in: db))
            }
        } catch {
            try ledger.refund(reservation, reason: "the query failed before any noise was drawn")
            throw CohortError(.ledger, message: "the query failed: \(error)")
        }
        let release: CohortRelease
        do {
            release = try makeRelease(query, rho: rho, hash: hash, snapshot: snapshot, measurements: measurements)
        } catch {
            // Draws that failed were never shown; the ledger keeps the charge anyway when some vector was drawn.
            throw CohortError(.mechanism, message: "the noise mechanism failed: \(error)")
        }
        let stored = try ledger.complete(reservation, release: release)
        if stored != release {
            let budget = try ledger.budget(project: project, requester: requester, limit: limit)
            return Outcome(release: stored, isRepeat: true, budget: budget, spent: .zero)
        }
        return Outcome(release: stored, isRepeat: false, budget: reservation.budget, spent: rho)
    }

    private func makeRelease(
        _ query: CohortQuery, rho: Rho, hash: String, snapshot: Int64, measurements: [CohortMeasurement]
    ) throws -> CohortRelease {
        var parts: [CohortRelease.Part] = []
        for measurement in measurements {
            guard let share = rho.multiplied(by: measurement.rhoShare.numerator, over: measurement.rhoShare.denominator)
            else { throw CohortError(.mechanism, message: "ρ cannot be split exactly") }
            let noisy = try noise.privatize(measurement.values, sensitivity: measurement.sensitivity, rho: share)
            guard noisy.values.count == measurement.values.count else {
                throw CohortError(.mechanism, message: "the mechanism returned a vector of the wrong length")
            }
            parts.append(
                CohortRelease.Part(
                    name: measurement.name, cells: measurement.cells, values: noisy.values,
                    gridExponent: measurement.gridExponent, scale: noisy.scale, sensitivity: measurement.sensitivity,
                    rho: share.description, interval95: noisy.interval95))
        }
        let loss = try noise.privacyLoss(rho: rho)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return CohortRelease(
            queryHash: hash, query: query.canonicalJSON(rho: rho), name: query.name, lakeSnapshot: snapshot,
            statistic: query.statistic.kindName, mechanism: noise.mechanism, rho: rho.description,
            epsilon: loss.epsilon, delta: loss.delta, parts: parts,
            estimates: CohortEstimates.estimates(query.statistic, parts: parts), releasedAt: formatter.string(from: Date()))
    }
}

/// Post-processing: the values a person reads, computed from the noisy vectors only.
enum CohortEstimates {
    static func estimates(_ statistic: CohortStatistic, parts: [CohortRelease.Part]) -> [CohortRelease.Estimate] {
        func scaled(_ value: Int64, _ part: CohortRelease.Part) -> Double {
            Double(value) / Double(1 << part.gridExponent)
        }
        switch statistic {
        case .count, .histogram:
            guard let part = parts.first else { return [] }
            return zip(part.cells, part.values).map { cell, value in
                CohortRelease.Estimate(
                    label: cell.bin, by: cell.by, value: Double(value), interval95: Double(part.interval95), isCount: true)
            }
        case .sum:
            guard let part = parts.first, let value = part.values.first else { return [] }
            return [
                CohortRelease.Estimate(
                    label: "sum", by: nil, value: scaled(value, part), interval95: scaled(part.interval95, part),
                    isCount: false)
            ]
        case .mean(let aggregate):
            guard parts.count == 2, let sum = parts[0].values.first, let count = parts[1].values.first else { return [] }
            let mean: Double? =
                count > 0 ? min(max(scaled(sum, parts[0]) / Double(count), aggregate.lower), aggregate.upper) : nil
            return [
                CohortRelease.Estimate(label: "mean", by: nil, value: mean, interval95: nil, isCount: false),
                CohortRelease.Estimate(
                    label: "patients with a value", by: nil, value: Double(count), interval95: Double(parts[1].interval95),
                    isCount: true),
            ]
        case .quantiles(let quantiles):
            guard let part = parts.first else { return [] }
            // The last cell is (missing): quantiles are over the numeric bins, negative noisy counts read as 0.
            let counts = part.values.dropLast().map { Double(max($0, 0)) }
            let total = counts.reduce(0, +)
            let edges = quantiles.bins.edges
            return quantiles.probabilities.map { probability in
                let label = "p" + CohortBinning.format(probability * 100)
                guard total > 0 else {
                    return CohortRelease.Estimate(label: label, by: nil, value: nil, interval95: nil, isCount: false)
                }
                let target = probability * total
                var cumulative = 0.0
                for (index, count) in counts.enumerated() {
                    if cumulative + count >= target, count > 0 {
                        let fraction = (target - cumulative) / count
                        let value = edges[index] + fraction * (edges[index + 1] - edges[index])
                        return CohortRelease.Estimate(label: label, by: nil, value: value, interval95: nil, isCount: false)
                    }
                    cumulative += count
                }
                return CohortRelease.Estimate(label: label, by: nil, value: edges.last, interval95: nil, isCount: false)
            }
        }
    }
}
