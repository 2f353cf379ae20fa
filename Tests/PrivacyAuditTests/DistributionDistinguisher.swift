import Foundation

/// The outcome of a χ² goodness-of-fit test of integer outputs against an exact pmf.
struct DistributionVerdict: CustomStringConvertible {
    let statistic: Double
    let degreesOfFreedom: Int
    let pValue: Double
    let alpha: Double
    let samples: Int
    /// The bin contributing most to the statistic, with observed and expected counts.
    let worstBin: (range: String, observed: Int, expected: Double)

    var rejected: Bool { pValue < alpha }

    var description: String {
        "χ² = \(String(format: "%.1f", statistic)) on \(degreesOfFreedom) df, n = \(samples), p = "
            + "\(String(format: "%.3g", pValue)) (α = \(alpha)); worst bin \(worstBin.range): observed "
            + "\(worstBin.observed), expected \(String(format: "%.1f", worstBin.expected)) → "
            + (rejected ? "REJECT the stated distribution" : "consistent with the stated distribution")
    }
}

/// The histogram distinguisher (StatDP-style, Ding et al. CCS 2018, used here as a goodness-of-fit test): compare
/// the histogram of the noise of a release (output minus the true value, which the auditor knows for its own test
/// data) with the exact pmf of the noise distribution the release states. It catches mutants that bias the
/// distribution without an obvious ε break (a modulo-biased uniform, a missing rejection step).
enum DistributionDistinguisher {
    /// Exact pmf of the discrete Laplace distribution with scale b: P[x] = tanh(1/(2b))·e^{−|x|/b}.
    static func discreteLaplacePMF(scale b: Double) -> (Int) -> Double {
        let front = tanh(1 / (2 * b))
        return { front * exp(-Double(abs($0)) / b) }
    }

    /// Exact pmf of the discrete Gaussian N_ℤ(0, σ²): P[x] = e^{−x²/2σ²} / Σ_y e^{−y²/2σ²}.
    static func discreteGaussianPMF(sigmaSquared: Double) -> (Int) -> Double {
        let reach = Int((sigmaSquared.squareRoot() * 40).rounded(.up)) + 10
        var normaliser = 0.0
        for y in -reach...reach { normaliser += exp(-Double(y * y) / (2 * sigmaSquared)) }
        return { exp(-Double($0) * Double($0) / (2 * sigmaSquared)) / normaliser }
    }

    /// χ² test of `samples` against the symmetric pmf `pmf` on ℤ. Bins: consecutive integers merged until each
    /// expects at least `minimumExpected` draws; the outermost bins take the tails (−∞, a] and [b, ∞).
    static func test(
        samples: [Int], pmf: (Int) -> Double, alpha: Double = AuditProfile.alpha,
        minimumExpected: Double = 20
    ) -> DistributionVerdict {
        let n = Double(samples.count)
        // Support window: [−reach, reach] holds all but a tail expecting fewer than `minimumExpected` draws.
        var reach = 0
        var inside = pmf(0)
        while (1 - inside) * n >= minimumExpected, reach < 50_000_000 {
            reach += 1
            inside += 2 * pmf(reach)
        }
        // Greedy bins over the window, left to right.
        var edges: [Int] = []  // lower edge of each bin
        var expected: [Double] = []
        var running = 0.0
        var start = -reach
        for x in -reach...reach {
            running += pmf(x)
            if running * n >= minimumExpected {
                edges.append(start)
                expected.append(running)
                running = 0
                start = x + 1
            }
        }
        if let last = expected.indices.last { expected[last] += running }  // the leftover joins the last bin
        guard expected.count >= 2 else { preconditionFailure("too few draws for a χ² test") }
        // The tails join the outermost bins, so the bin probabilities sum to one.
        let tail = (1 - expected.reduce(0, +)) / 2
        expected[0] += tail
        expected[expected.count - 1] += tail
        var observed = [Int](repeating: 0, count: expected.count)
        for x in samples {
            // The bin whose lower edge is the largest at or below x (the first bin when x is below every edge).
            var low = 0
            var high = edges.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if edges[middle] <= x { low = middle } else { high = middle - 1 }
            }
            observed[low] += 1
        }
        var statistic = 0.0
        var worst = (index: 0, contribution: -1.0)
        for i in expected.indices {
            let e = expected[i] * n
            let contribution = (Double(observed[i]) - e) * (Double(observed[i]) - e) / e
            statistic += contribution
            if contribution > worst.contribution { worst = (i, contribution) }
        }
        let df = expected.count - 1
        let upper = worst.index + 1 < edges.count ? "\(edges[worst.index + 1] - 1)" : "∞"
        let lower = worst.index == 0 ? "−∞" : "\(edges[worst.index])"
        return DistributionVerdict(
            statistic: statistic, degreesOfFreedom: df,
            pValue: AuditStatistics.chiSquareSurvival(statistic, degreesOfFreedom: df), alpha: alpha,
            samples: samples.count,
            worstBin: ("[\(lower), \(upper)]", observed[worst.index], expected[worst.index] * n))
    }
}
