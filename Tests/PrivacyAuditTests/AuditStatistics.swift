import Foundation

/// The statistics the auditor needs, in `Double`: the harness is test code, not a mechanism, so floating point
/// is fine here (the no-`Double` rule covers the samplers and mechanisms in `Privacy`).
enum AuditStatistics {
    // MARK: Special functions

    /// ln Γ(x) for x > 0.
    static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// The regularized incomplete beta function I_x(a, b), from its continued fraction (evaluated with the
    /// modified Lentz method, using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly).
    static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(x, a, b) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(1 - x, b, a) / b
    }

    /// The continued fraction 1/(1+ d1/(1+ d2/(1+ …))) of I_x(a, b), with d_{2m+1} = −(a+m)(a+b+m)x/((a+2m)(a+2m+1))
    /// and d_{2m} = m(b−m)x/((a+2m−1)(a+2m)).
    private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...100_000 {
            let mm = Double(m)
            let even = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return result
    }

    /// The x with I_x(a, b) = probability, by bisection (I_x is increasing in x).
    static func inverseRegularizedBeta(_ probability: Double, _ a: Double, _ b: Double) -> Double {
        var low = 0.0
        var high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if regularizedBeta(middle, a, b) < probability { low = middle } else { high = middle }
            if high - low < 1e-15 { break }
        }
        return (low + high) / 2
    }

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a): a series below a + 1, a continued
    /// fraction above.
    static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        let logFront = a * log(x) - x - logGamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var n = a
            for _ in 0..<100_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logFront))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var result = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return exp(logFront) * result
    }

    /// P[χ²_df ≥ statistic].
    static func chiSquareSurvival(_ statistic: Double, degreesOfFreedom: Int) -> Double {
        regularizedGammaQ(Double(degreesOfFreedom) / 2, statistic / 2)
    }

    /// Φ(x), the standard normal distribution function.
    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.squareRoot()) }

    // MARK: Clopper–Pearson

    /// One-sided Clopper–Pearson lower bound: P[p ≥ bound] ≥ 1 − α for `successes` out of `trials`.
    static func clopperPearsonLower(successes: Int, trials: Int, alpha: Double) -> Double {
        precondition(trials > 0 && successes >= 0 && successes <= trials, "bad binomial counts")
        if successes == 0 { return 0 }
        return inverseRegularizedBeta(alpha, Double(successes), Double(trials - successes + 1))
    }

    /// One-sided Clopper–Pearson upper bound: P[p ≤ bound] ≥ 1 − α for `successes` out of `trials`.
    static func clopperPearsonUpper(successes: Int, trials: Int, alpha: Double) -> Double {
        precondition(trials > 0 && successes >= 0 && successes <= trials, "bad binomial counts")
        if successes == trials { return 1 }
        return inverseRegularizedBeta(1 - alpha, Double(successes + 1), Double(trials - successes))
    }

    // MARK: zCDP → (ε, δ)

    /// The δ at which a ρ-zCDP mechanism is (ε, δ)-DP, by Canonne, Kamath and Steinke (2020), Corollary 13:
    /// δ = inf_{α>1} exp((α−1)(αρ−ε)) / (α−1) · (1 − 1/α)^α, minimised numerically over a fine grid of α (any α
    /// gives a valid δ, so a grid can only overstate the infimum — which errs on the side of no false alarm).
    static func zCDPDelta(rho: Double, epsilon: Double) -> Double {
        precondition(rho > 0, "rho must be positive")
        var best = 1.0
        var alpha = 1.000_01
        while alpha < 1e6 {
            let logDelta = (alpha - 1) * (alpha * rho - epsilon) - log(alpha - 1) + alpha * log1p(-1 / alpha)
            if logDelta < 1 { best = min(best, exp(logDelta)) }
            alpha *= 1.002
        }
        return best
    }
}
