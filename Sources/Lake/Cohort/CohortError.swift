/// What can go wrong with a cohort query: a malformed or out-of-bounds query (with the JSON path of the
/// offending part), a refused release, or a failure of the lake underneath.
///
/// Descriptions name the JSON path (`$.criteria.all[2].field`) and what is wrong, never a value taken from
/// the lake; query text the requester wrote is echoed only as its path.
public struct CohortError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kinds of failure.
    public enum Code: Sendable, Hashable {
        /// The query is not valid JSON, or not an object.
        case malformedJSON
        /// A key the language does not define (the path names it).
        case unknownKey
        /// A required key is missing.
        case missingKey
        /// A value has the wrong JSON type.
        case wrongType
        /// A value is outside what the field or statistic allows (unknown field, operator, category, bound).
        case invalidValue
        /// The query exceeds a hard limit (depth, criteria, string length, bins).
        case limitExceeded
        /// The privacy budget cannot pay for the query; ``CohortError/remaining`` says what is left.
        case budgetExhausted
        /// The ledger or lake is not in a state the query can use (missing migration, corrupt amount).
        case ledger
        /// The noise mechanism failed.
        case mechanism
    }

    /// The kind of failure.
    public let code: Code
    /// The JSON path of the offending part (`$` for the whole query), when the query is at fault.
    public let path: String?
    /// What is wrong, without values from the lake.
    public let message: String
    /// For ``Code/budgetExhausted``: the ρ left in the filter, as an exact rational string (`"1/20"`).
    public let remaining: String?

    /// A new error.
    public init(_ code: Code, path: String? = nil, message: String, remaining: String? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.remaining = remaining
    }

    /// `path: message`, or the message alone.
    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
