extension Release {
    /// The release's ε for a given δ, by the tight zCDP → (ε, δ) conversion, rounded up; for Laplace releases,
    /// the smaller of that and the pure ε.
    /// - Throws: ``PrivacyError`` `.invalidParameter` when δ is not in (0, 1].
    public func epsilon(delta: Double) throws(PrivacyError) -> Double {
        let converted = try ZeroConcentratedDP.epsilon(rho: rho, delta: delta)
        if let pureEpsilon { return min(converted, pureEpsilon.doubleUpperBound) }
        return converted
    }
}
