/// The action Table E.1-1 gives an attribute under a set of options, and which column decided it.
///
/// The action may still be composite (`X/Z/D`); ``resolved(for:)`` picks the alternative for the attribute's
/// Type in the instance's IOD.
///
/// ```swift
/// let resolved = ConfidentialityProfile.standard.action(for: Tag(0x0010_1010), options: .nodeDefault)
/// resolved?.action    // .keep (Patient's Age under Retain Patient Characteristics)
/// resolved?.option    // .retainPatientCharacteristics
/// ```
public struct ResolvedAction: Sendable, Hashable, CustomStringConvertible {
    /// The action: the Basic Profile's, or the deciding option's.
    public let action: DeidentificationAction
    /// The option whose column decided the action, or `nil` when the Basic Profile column applies.
    public let option: ProfileOption?
    /// The row of Table E.1-1 the action comes from.
    public let entry: ProfileEntry

    /// The simple action (D, Z, X, K, C or U) for an attribute of `type`; see
    /// ``DeidentificationAction/resolved(for:)`` for the rules and the choice made when the Type is `nil`.
    public func resolved(for type: AttributeType?) -> DeidentificationAction { action.resolved(for: type) }

    /// `X/Z/D (basic profile) for (0008,0080) Institution Name`.
    public var description: String {
        "\(action) (\(option?.rawValue ?? "basic profile")) for \(entry.patternDescription) \(entry.name)"
    }
}
