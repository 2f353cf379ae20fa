/// A source of uniform integers: the one piece the samplers of Canonne, Kamath and Steinke (2020) take from
/// the outside. `AuditGenerator` gives the correct one; `ModuloBiasedUniform` (a mutant) a wrong one.
protocol UniformIntegers {
    /// A uniform integer in 0..<bound.
    func uniform(below bound: UInt64) -> UInt64
}

extension AuditGenerator: UniformIntegers {}

/// The exact samplers of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy"
/// (NeurIPS 2020), Algorithms 1–3, in integer arithmetic over an injected uniform source. The harness uses it to
/// build mutants that break exactly one step, so a detection is owed to that step alone.
struct ReferenceSampler {
    let source: any UniformIntegers

    /// Bernoulli(numerator/denominator).
    func bernoulli(_ numerator: UInt64, _ denominator: UInt64) -> Bool {
        source.uniform(below: denominator) < numerator
    }

    /// Bernoulli(exp(−n/d)) (Algorithm 1): exp(−1) steps for the integer part, then the γ ≤ 1 loop.
    func bernoulliExpMinus(_ numerator: UInt64, _ denominator: UInt64) -> Bool {
        var n = numerator
        while n > denominator {
            if !bernoulliExpMinusAtMostOne(denominator, denominator) { return false }
            n -= denominator
        }
        return bernoulliExpMinusAtMostOne(n, denominator)
    }

    /// Bernoulli(exp(−γ)) for γ = n/d ∈ [0, 1]: K ← 1; while Bernoulli(γ/K) { K ← K + 1 }; return K odd.
    private func bernoulliExpMinusAtMostOne(_ n: UInt64, _ d: UInt64) -> Bool {
        var k: UInt64 = 1
        while bernoulli(n, d * k) { k += 1 }
        return k % 2 == 1
    }

    /// The geometric part shared by the discrete Laplace sampler: V with P[V = v] ∝ e^{−v}.
    func geometricExpMinusOne() -> UInt64 {
        var v: UInt64 = 0
        while bernoulliExpMinus(1, 1) { v += 1 }
        return v
    }

    /// Discrete Laplace with scale t/s (Algorithm 2): P[x] ∝ exp(−|x|·s/t).
    func discreteLaplace(t: UInt64, s: UInt64 = 1) -> Int {
        while true {
            let u = source.uniform(below: t)
            if !bernoulliExpMinus(u, t) { continue }
            let x = u + t * geometricExpMinusOne()
            let y = x / s
            let negative = source.uniform(below: 2) == 1
            if negative && y == 0 { continue }  // the rejection that keeps 0 from being counted twice
            return negative ? -Int(y) : Int(y)
        }
    }

    /// Discrete Gaussian N_ℤ(0, σ²) with σ² = numerator/denominator (Algorithm 3): discrete Laplace proposals with
    /// t = ⌊σ⌋ + 1, accepted with probability exp(−(|Y| − σ²/t)²/(2σ²)).
    func discreteGaussian(sigmaSquaredNumerator num: UInt64, denominator den: UInt64) -> Int {
        var floorSigma: UInt64 = 0
        while (floorSigma + 1) * (floorSigma + 1) * den <= num { floorSigma += 1 }
        let t = floorSigma + 1
        while true {
            let y = discreteLaplace(t: t)
            // (|y| − σ²/t)² / (2σ²) = (|y|·t·den − num)² / (2·num·den·t²)
            let difference = Int64(y.magnitude) * Int64(t * den) - Int64(num)
            var gammaNumerator = UInt64(difference.magnitude) * UInt64(difference.magnitude)
            var gammaDenominator = 2 * num * den * t * t
            let divisor = gcd(gammaNumerator, gammaDenominator)
            gammaNumerator /= divisor
            gammaDenominator /= divisor
            if bernoulliExpMinus(gammaNumerator, gammaDenominator) { return y }
        }
    }

    private func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return max(a, 1)
    }
}
