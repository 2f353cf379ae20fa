/// How much one patient can move a vector of integer statistics: its L1 norm and the square of its L2 norm.
///
/// The privacy unit is the patient (add or remove one patient's records). A statistic that a patient can change
/// by at most `c` in each of at most `k` coordinates has L1 sensitivity c·k and squared L2 sensitivity c²·k.
public struct Sensitivity: Sendable, Hashable, Codable {
    /// Δ₁, the largest L1 distance between the statistic with and without one patient.
    public let l1: Rational
    /// Δ₂², the square of the largest L2 distance (kept squared so that it stays rational).
    public let l2Squared: Rational

    /// A sensitivity from its two norms.
    /// - Throws: ``PrivacyError`` `.invalidParameter` unless both are > 0.
    public init(l1: Rational, l2Squared: Rational) throws(PrivacyError) {
        guard l1.isPositive, l2Squared.isPositive else {
            throw PrivacyError(.invalidParameter, subject: "Sensitivity", reason: "norms must be > 0")
        }
        self.l1 = l1
        self.l2Squared = l2Squared
    }

    /// A patient changes at most `coordinates` entries, each by at most `perCoordinate`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` unless both are ≥ 1.
    public static func perPatient(bound perCoordinate: Int, coordinates: Int = 1) throws(PrivacyError) -> Sensitivity {
        guard perCoordinate >= 1, coordinates >= 1 else {
            throw PrivacyError(
                .invalidParameter, subject: "Sensitivity.perPatient", reason: "bound and coordinates must be ≥ 1")
        }
        let c = Rational(perCoordinate)
        let k = Rational(coordinates)
        return try Sensitivity(l1: c * k, l2Squared: c * c * k)
    }
}
