/// Quantiles read from a noisy histogram: pure post-processing, so they cost no privacy budget.
///
/// Negative noisy counts are treated as zero. The q-quantile is located in the first bin at which the cumulative
/// count reaches q × total, and interpolated linearly inside that bin when bin edges are given.
public enum HistogramQuantiles {
    /// The index of the bin holding the `quantile`-th quantile, or nil when every count is ≤ 0.
    /// - Throws: ``PrivacyError`` `.invalidParameter` unless 0 ≤ quantile ≤ 1.
    public static func binIndex(quantile: Rational, counts: [Int]) throws(PrivacyError) -> Int? {
        try locate(quantile: quantile, counts: counts)?.bin
    }

    /// The `quantile`-th quantile as a value, interpolated within its bin; `edges` has one more entry than `counts`
    /// (bin i is [edges[i], edges[i+1])). Nil when every count is ≤ 0.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a bad quantile or edge count.
    public static func value(quantile: Rational, counts: [Int], edges: [Rational]) throws(PrivacyError) -> Rational? {
        guard edges.count == counts.count + 1 else {
            throw PrivacyError(
                .invalidParameter, subject: "HistogramQuantiles.value", reason: "edges must number bins + 1")
        }
        guard let (bin, before, target) = try locate(quantile: quantile, counts: counts) else { return nil }
        let inBin = Rational(max(0, counts[bin]))
        let width = edges[bin + 1] - edges[bin]
        let fraction = inBin.isZero ? Rational.zero : try (target - before) / inBin
        return edges[bin] + width * fraction
    }

    private static func locate(quantile: Rational, counts: [Int]) throws(PrivacyError) -> (
        bin: Int, before: Rational, target: Rational
    )? {
        guard !quantile.isNegative, quantile <= Rational.one else {
            throw PrivacyError(.invalidParameter, subject: "HistogramQuantiles", reason: "quantile must be in [0, 1]")
        }
        let clipped = counts.map { Rational(max(0, $0)) }
        let total = clipped.reduce(Rational.zero, +)
        guard total.isPositive else { return nil }
        let target = quantile * total
        var cumulative = Rational.zero
        for (index, count) in clipped.enumerated() {
            let next = cumulative + count
            if count.isPositive, next >= target { return (index, cumulative, target) }
            cumulative = next
        }
        return nil
    }
}
