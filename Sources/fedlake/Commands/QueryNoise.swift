import Lake

/// The noise mechanism of `fedlake query local`: the `Privacy` module's exact discrete Gaussian once it is part of
/// this build. Until then a query is refused before anything is reserved, and a dry run prints the cost without
/// (ε, δ).
enum QueryNoise {
    /// The mechanism, or `nil` when this build has none.
    static func make() -> (any CohortNoise)? { nil }

    /// Stands in for a missing mechanism in dry runs: states no (ε, δ) and never draws.
    struct Unavailable: CohortNoise {
        let mechanism = "unavailable"
        func privatize(_ values: [Int64], sensitivity: CohortSensitivity, rho: Rho) throws -> CohortNoisyVector {
            throw QueryConfigurationError("this build has no noise mechanism")
        }
        func privacyLoss(rho: Rho) throws -> CohortPrivacyLoss { CohortPrivacyLoss(epsilon: "n/a", delta: "n/a") }
    }
}
