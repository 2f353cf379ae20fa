import Foundation

/// What a mechanism says about itself: pure ε-DP or ρ-zCDP (read as the (ε, δ(ε)) curve of CKS 2020, Cor. 13).
enum PrivacyClaim: Sendable, CustomStringConvertible {
    case pure(epsilon: Double)
    case zCDP(rho: Double)

    var description: String {
        switch self {
        case .pure(let epsilon): "ε = \(String(format: "%.6g", epsilon))"
        case .zCDP(let rho): "ρ = \(String(format: "%.6g", rho)) (zCDP)"
        }
    }
}

/// An output set S, chosen by the auditor.
struct AuditEvent<Output> {
    let name: String
    let contains: (Output) -> Bool
}

/// The outcome of one hockey-stick audit.
struct HockeyStickVerdict: CustomStringConvertible {
    let claim: PrivacyClaim
    let event: String
    /// "D" when S is likelier under M(D), "D′" when under M(D′).
    let favoured: String
    let pHat: Double
    let qHat: Double
    /// Clopper–Pearson: P[S | favoured] ≥ pLower and P[S | other] ≤ qUpper jointly with probability ≥ 1 − α.
    let pLower: Double
    let qUpper: Double
    /// The ε of the claim's (ε, δ(ε)) curve at which the audit found the most privacy loss (the claimed ε itself
    /// for a pure claim).
    let epsilon: Double
    /// The claim's δ at `epsilon` (0 for a pure claim).
    let claimedDelta: Double
    /// Lower bound on the ε of the mechanism at δ = claimedDelta: ln((pLower − δ)/qUpper), 0 when pLower ≤ δ.
    let epsilonLowerBound: Double
    /// epsilonLowerBound − epsilon (−∞ when pLower ≤ δ): above zero, the mechanism provably exceeds its claim.
    let margin: Double
    let samplesPerSide: Int

    var violated: Bool { margin > 0 }

    var description: String {
        let f = { (x: Double) in String(format: "%.4g", x) }
        return "claim \(claim), S = \(event) (favours \(favoured)), n = \(samplesPerSide)/side: "
            + "p̂ = \(f(pHat)), q̂ = \(f(qHat)), p ≥ \(f(pLower)), q ≤ \(f(qUpper)); at ε = \(f(epsilon)), "
            + "δ_claim = \(f(claimedDelta)): ε_lb = \(f(epsilonLowerBound)), margin = \(f(margin)) → "
            + (violated ? "VIOLATION" : "no violation")
    }
}

/// A black-box DP auditor in the style of DP-Sniper (Bichsel et al., S&P 2021) and DP-Auditorium: draw outputs of
/// M(D) and M(D′), choose an output set S on a first sample, then bound P[M(D) ∈ S] from below and P[M(D′) ∈ S]
/// from above on a second, independent sample (Clopper–Pearson), and compare the implied lower bound on the
/// hockey-stick divergence e^ε-DIV(M(D) ‖ M(D′)) = sup_S P[M(D) ∈ S] − e^ε P[M(D′) ∈ S] with the claim's δ(ε).
///
/// Soundness: if M satisfies the claim, then for any S fixed before the second sample, P[alarm] ≤ α, because an
/// alarm needs pLower > p or qUpper < q. The ε grid does not cost extra α: once both bounds hold, the comparison
/// is deterministic for every ε at once.
struct HockeyStickAuditor {
    let claim: PrivacyClaim
    let alpha: Double
    let selectionSamples: Int
    let evaluationSamples: Int
    /// ε grid for zCDP claims, with δ(ε) precomputed.
    private let grid: [(epsilon: Double, delta: Double)]

    init(claim: PrivacyClaim, profile: AuditProfile, alpha: Double = AuditProfile.alpha) {
        self.init(
            claim: claim, selectionSamples: profile.selectionSamples, evaluationSamples: profile.evaluationSamples,
            alpha: alpha)
    }

    init(claim: PrivacyClaim, selectionSamples: Int, evaluationSamples: Int, alpha: Double = AuditProfile.alpha) {
        self.claim = claim
        self.alpha = alpha
        self.selectionSamples = selectionSamples
        self.evaluationSamples = evaluationSamples
        switch claim {
        case .pure(let epsilon):
            grid = [(epsilon, 0)]
        case .zCDP(let rho):
            grid = stride(from: 0.0, through: 16.0, by: 0.1).map {
                ($0, AuditStatistics.zCDPDelta(rho: rho, epsilon: $0))
            }
        }
    }

    /// Scores S with `p` successes (favoured side) and `q` (other side) out of `n` each, at confidence `alpha`:
    /// the largest excess ln((pLower − δ(ε))/qUpper) − ε over the claim's curve. It is positive exactly when
    /// pLower − e^ε·qUpper > δ(ε) for some ε, i.e. when the lower bound on the hockey-stick divergence exceeds the
    /// claim; in units of ε, so that events of every probability compare on one scale (a margin in probability
    /// would favour events of probability near zero, where every margin is near −δ).
    private func score(p: Int, q: Int, n: Int, alpha: Double)
        -> (margin: Double, epsilon: Double, delta: Double, pLower: Double, qUpper: Double)
    {
        // Split α between the two one-sided bounds.
        let pLower = AuditStatistics.clopperPearsonLower(successes: p, trials: n, alpha: alpha / 2)
        let qUpper = AuditStatistics.clopperPearsonUpper(successes: q, trials: n, alpha: alpha / 2)
        var best = (
            margin: -Double.infinity, epsilon: grid[0].epsilon, delta: grid[0].delta, pLower: pLower, qUpper: qUpper
        )
        for point in grid where pLower > point.delta {
            let margin = log((pLower - point.delta) / qUpper) - point.epsilon
            if margin > best.margin { best = (margin, point.epsilon, point.delta, pLower, qUpper) }
        }
        return best
    }

    /// Runs the audit. `candidates` builds the candidate output sets from the first (selection) sample of each side.
    func audit<Output>(
        sampleD: () throws -> Output, sampleDPrime: () throws -> Output,
        candidates: (_ fromD: [Output], _ fromDPrime: [Output]) -> [AuditEvent<Output>]
    ) rethrows -> HockeyStickVerdict {
        let firstD = try (0..<selectionSamples).map { _ in try sampleD() }
        let firstDPrime = try (0..<selectionSamples).map { _ in try sampleDPrime() }
        // Selection: the event (and direction) with the best margin on the first sample, at a lenient confidence.
        var chosen: (event: AuditEvent<Output>, favoursD: Bool)?
        var chosenScore = -Double.infinity
        var chosenGap = -Double.infinity
        for event in candidates(firstD, firstDPrime) {
            let inD = firstD.reduce(0) { $0 + (event.contains($1) ? 1 : 0) }
            let inDPrime = firstDPrime.reduce(0) { $0 + (event.contains($1) ? 1 : 0) }
            for favoursD in [true, false] {
                let (p, q) = favoursD ? (inD, inDPrime) : (inDPrime, inD)
                let s = score(p: p, q: q, n: selectionSamples, alpha: 0.05)
                let gap = Double(p - q)
                if s.margin > chosenScore || (s.margin == chosenScore && gap > chosenGap) {
                    chosen = (event, favoursD)
                    chosenScore = s.margin
                    chosenGap = gap
                }
            }
        }
        guard let chosen else { preconditionFailure("no candidate events") }
        // Evaluation on fresh, independent outputs.
        let n = evaluationSamples
        var inD = 0
        var inDPrime = 0
        for _ in 0..<n {
            if chosen.event.contains(try sampleD()) { inD += 1 }
            if chosen.event.contains(try sampleDPrime()) { inDPrime += 1 }
        }
        let (p, q) = chosen.favoursD ? (inD, inDPrime) : (inDPrime, inD)
        let s = score(p: p, q: q, n: n, alpha: alpha)
        let epsilonLowerBound = s.pLower > s.delta ? max(0, log((s.pLower - s.delta) / s.qUpper)) : 0
        return HockeyStickVerdict(
            claim: claim, event: chosen.event.name, favoured: chosen.favoursD ? "D" : "D′",
            pHat: Double(p) / Double(n), qHat: Double(q) / Double(n), pLower: s.pLower, qUpper: s.qUpper,
            epsilon: s.epsilon, claimedDelta: s.delta, epsilonLowerBound: epsilonLowerBound, margin: s.margin,
            samplesPerSide: n)
    }
}

/// Candidate output sets (the "S" of DP-Sniper), built from the selection sample.
enum AuditEvents {
    /// Threshold sets {f ≥ t} for t at up to `quantiles` points of the pooled selection sample of the feature f
    /// (the complement {f < t} is covered by the auditor trying both directions).
    static func thresholds<Output>(
        _ name: String, of feature: @escaping (Output) -> Double, fromD: [Output], fromDPrime: [Output],
        quantiles: Int = 80
    ) -> [AuditEvent<Output>] {
        let values = (fromD + fromDPrime).map(feature).sorted()
        guard !values.isEmpty else { return [] }
        var cuts: [Double] = []
        for index in 0...quantiles {
            let value = values[min(values.count - 1, index * (values.count - 1) / quantiles)]
            if cuts.last != value { cuts.append(value) }
        }
        return cuts.map { cut in AuditEvent(name: "\(name) ≥ \(cut)") { feature($0) >= cut } }
    }

    /// For integer outputs: the single points {y = v} for the values seen most often in the selection sample (a
    /// sampler that puts too much mass on one value, such as a doubled zero, shows there), plus thresholds on y.
    static func integerPoints(fromD: [Int], fromDPrime: [Int]) -> [AuditEvent<Int>] {
        var seen: [Int: Int] = [:]
        for y in fromD + fromDPrime { seen[y, default: 0] += 1 }
        let common = seen.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(40)
        let points = common.map { point in AuditEvent<Int>(name: "y = \(point.key)") { $0 == point.key } }
        return points + thresholds("y", of: { Double($0) }, fromD: fromD, fromDPrime: fromDPrime)
    }

    /// For vector outputs: the projection on the difference of the two selection means (the direction in which
    /// D and D′ differ most on average), then thresholds on it.
    static func projectedThresholds(fromD: [[Int]], fromDPrime: [[Int]]) -> [AuditEvent<[Int]>] {
        guard let width = fromD.first?.count else { return [] }
        func mean(_ rows: [[Int]]) -> [Double] {
            var sum = [Double](repeating: 0, count: width)
            for row in rows { for i in 0..<width { sum[i] += Double(row[i]) } }
            return sum.map { $0 / Double(max(1, rows.count)) }
        }
        let direction = zip(mean(fromDPrime), mean(fromD)).map { ($0 - $1).rounded() }
        let weights = direction.allSatisfy({ $0 == 0 }) ? [Double](repeating: 1, count: width) : direction
        let label = "⟨w, y⟩ with w = \(weights.map { Int($0) })"
        let feature = { (row: [Int]) in zip(weights, row).reduce(0.0) { $0 + $1.0 * Double($1.1) } }
        return thresholds(label, of: feature, fromD: fromD, fromDPrime: fromDPrime)
    }

    /// For floating-point outputs: "y is not a multiple of 2^−k" for k in 0...60 (the low-order bits that the
    /// floating-point gaps of Mironov 2012 make depend on the input), plus thresholds on y.
    static func floatingPoint(fromD: [Double], fromDPrime: [Double]) -> [AuditEvent<Double>] {
        let lowBits: [AuditEvent<Double>] = (0...60).map { k in
            AuditEvent(name: "y·2^\(k) ∉ ℤ") { y in
                let scaled = y * Double(sign: .plus, exponent: k, significand: 1)
                return scaled.isFinite && scaled != scaled.rounded(.towardZero)
            }
        }
        return lowBits + thresholds("y", of: { $0 }, fromD: fromD, fromDPrime: fromDPrime)
    }
}
