/// The Type of an attribute in a module of an IOD (PS3.5 §7.4): whether it must be present, and with a value.
///
/// Composite actions of PS3.15 Table E.1-1 are resolved by it (``DeidentificationAction/resolved(for:)``).
/// The machine-readable PS3.3 data this project carries (composite IODs and their modules) has no per-attribute
/// Types, so callers pass a Type only when they know it from elsewhere, and `nil` otherwise.
public enum AttributeType: String, Sendable, Hashable, CaseIterable {
    /// Type 1: required, with a value (PS3.5 §7.4.1).
    case type1 = "1"
    /// Type 1C: required with a value under a condition (PS3.5 §7.4.2).
    case type1C = "1C"
    /// Type 2: required, may be zero length (PS3.5 §7.4.3).
    case type2 = "2"
    /// Type 2C: required, may be zero length, under a condition (PS3.5 §7.4.4).
    case type2C = "2C"
    /// Type 3: optional (PS3.5 §7.4.5).
    case type3 = "3"

    /// What the Type demands of a de-identified value; conditional Types are taken as if their condition held.
    var requirement: Requirement {
        switch self {
        case .type1, .type1C: .nonEmpty
        case .type2, .type2C: .zeroLength
        case .type3: .optional
        }
    }

    /// The weakest value that keeps an attribute of a Type conformant.
    enum Requirement: Sendable {
        /// Present with a value.
        case nonEmpty
        /// Present, possibly empty.
        case zeroLength
        /// May be absent.
        case optional
    }
}
