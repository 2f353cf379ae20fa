import Foundation

/// Half-widths of 95 % intervals for discrete Laplace and discrete Gaussian noise, rounded outward.
///
/// This is the one place in the mechanisms' path that uses floating point: it describes the noise, it never draws
/// it. Each result h satisfies P[|noise| > h] ≤ 5 %, with a relative safety margin of 10^−9 against rounding.
public enum NoiseInterval {
    /// The target tail mass: 5 %.
    static let tail = 0.05
    /// Relative margin added before rounding up, far above the few-ulp error of the expressions below.
    static let margin = 1e-9

    /// h for Lap_ℤ(t): P[|X| ≥ m] = 2·p^m / (1 + p) with p = e^−1/t (m ≥ 1), exactly, so the smallest h with
    /// 2·p^(h+1)/(1+p) ≤ 0.05 is h = ⌈t·ln(40/(1+p))⌉ − 1.
    public static func laplaceHalfWidth(scale: Rational) -> Int {
        let t = scale.doubleUpperBound
        let p = exp(-1 / t)
        let needed = t * log((2 / tail) / (1 + p)) * (1 + margin) + margin
        return saturatingInt(ceil(needed) - 1)
    }

    /// h for N_ℤ(0, σ²). For m ≥ 1, P[X ≥ m] = Σ_{x≥m} e^−x²/2σ² / Z ≤ ∫_{m−1}^∞ e^−x²/2σ² dx / (σ√(2π)) because the
    /// summand decreases and Z = Σ_x e^−x²/2σ² ≥ σ√(2π) (Poisson summation: Z = σ√(2π)·(1 + 2Σ_k e^−2π²σ²k²)).
    /// So P[|X| > h] ≤ erfc(h / (σ√2)), and h = ⌈z·σ⌉ with z = 1.959963984540054 (erfc(z/√2) = 0.05) suffices.
    public static func gaussianHalfWidth(sigmaSquared: Rational) -> Int {
        let sigma = sqrt(sigmaSquared.doubleUpperBound)
        let z = 1.959963984540054
        return saturatingInt(ceil(z * sigma * (1 + margin) + margin))
    }

    /// h for the distribution and noise scale of a release.
    public static func halfWidth(distribution: NoiseDistribution, noiseScale: Rational) -> Int {
        switch distribution {
        case .discreteLaplace: laplaceHalfWidth(scale: noiseScale)
        case .discreteGaussian: gaussianHalfWidth(sigmaSquared: noiseScale)
        }
    }

    private static func saturatingInt(_ value: Double) -> Int {
        if value.isNaN || value >= 9.2e18 { return Int.max }
        return max(0, Int(value))
    }
}
