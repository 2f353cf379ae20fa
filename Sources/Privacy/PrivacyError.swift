/// The one error type of the `Privacy` module.
///
/// Its ``description`` names the input that is wrong (a parameter name, a position in a text) and what is
/// wrong with it. It never carries a true statistic, a noise value or any other value computed from data.
public struct PrivacyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: Sendable, Hashable {
        /// A number's text is not a finite rational (empty, `NaN`, `inf`, a bad character, a zero denominator).
        case invalidNumber
        /// A parameter is out of its allowed range (a negative scale, a zero or negative privacy cost, …).
        case invalidParameter
        /// Spending would take a privacy filter past its limit.
        case budgetExceeded
        /// The randomness source failed (OpenSSL's DRBG reported an error).
        case randomnessFailure
        /// A result does not fit the integer type it is returned in.
        case overflow
    }

    /// What kind of failure this is.
    public let code: Code
    /// Which input or operation, such as `Rational(parsing:)` or `PrivacyFilter.spend(rho)`.
    public let subject: String
    /// What is wrong, without values derived from data.
    public let reason: String

    /// Creates an error about `subject`.
    public init(_ code: Code, subject: String, reason: String) {
        self.code = code
        self.subject = subject
        self.reason = reason
    }

    /// `"<subject>: <reason>"`.
    public var description: String { "\(subject): \(reason)" }
}
