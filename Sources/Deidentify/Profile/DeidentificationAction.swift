/// An action code of PS3.15 Table E.1-1: what a de-identifier does with one attribute (PS3.15 §E.1.1).
///
/// The raw value is the code as the table writes it. Five codes are composite: they name alternatives chosen
/// by the attribute's Type in the instance's IOD; ``resolved(for:)`` turns them into a simple action.
///
/// ```swift
/// DeidentificationAction(rawValue: "X/Z/D")?.resolved(for: .type2)   // .zeroLength
/// DeidentificationAction.removeOrDummy.resolved(for: nil)             // .dummy (Type unknown: stay valid)
/// ```
public enum DeidentificationAction: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `D`: "replace with a non-zero length value that may be a dummy value and consistent with the VR".
    case dummy = "D"
    /// `Z`: "replace with a zero length value, or a non-zero length value that may be a dummy value and
    /// consistent with the VR".
    case zeroLength = "Z"
    /// `X`: "remove".
    case remove = "X"
    /// `K`: "keep (unchanged for non-sequence attributes, cleaned for sequences)"; keeping a sequence "requires
    /// recursively applying the profile rules to each Dataset in each Item of the Sequence".
    case keep = "K"
    /// `C`: "clean, that is replace with values of similar meaning known not to contain identifying
    /// information and consistent with the VR". For private attributes under Retain Safe Private: keep only the
    /// Safe Private Attributes (``SafePrivateAttributes``) and the Private Creator elements they need.
    case clean = "C"
    /// `U`: "replace with a non-zero length UID that is internally consistent within a set of Instances"
    /// (``UIDPseudonymizer``). On a sequence (from `X/Z/U*`): keep it, replacing the instance UIDs it contains.
    case replaceUID = "U"
    /// `Z/D`: "Z unless D is required to maintain IOD conformance (Type 2 versus Type 1)".
    case zeroLengthOrDummy = "Z/D"
    /// `X/Z`: "X unless Z is required to maintain IOD conformance (Type 3 versus Type 2)".
    case removeOrZeroLength = "X/Z"
    /// `X/D`: "X unless D is required to maintain IOD conformance (Type 3 versus Type 1)".
    case removeOrDummy = "X/D"
    /// `X/Z/D`: "X unless Z or D is required to maintain IOD conformance (Type 3 versus Type 2 versus Type 1)".
    case removeOrZeroLengthOrDummy = "X/Z/D"
    /// `X/Z/U*`: "X unless Z or replacement of contained instance UIDs (U) is required to maintain IOD
    /// conformance (Type 3 versus Type 2 versus Type 1 sequences containing UID references)".
    case removeOrZeroLengthOrReplaceUIDs = "X/Z/U*"

    /// The code as Table E.1-1 writes it (`X/Z/D`).
    public var description: String { rawValue }

    /// Whether the action names alternatives that depend on the attribute's Type.
    public var isComposite: Bool { rawValue.contains("/") }

    /// The simple action for an attribute of the given Type in the instance's IOD (PS3.15 §E.1.1).
    ///
    /// With the Type known, the composite codes pick the alternative the standard names for it: Type 1 → D
    /// (or U for `X/Z/U*`), Type 2 → Z, Type 3 → X. Conditional Types count as their unconditional ones (1C as
    /// 1, 2C as 2): whether the condition holds is not known here, and the required branch is always valid.
    /// Two pairings the standard does not name are filled so the result is still valid: `X/Z` on a Type 1
    /// attribute gives D (Z itself allows "a non-zero length value that may be a dummy value"), and `X/D` on a
    /// Type 2 attribute gives D (a dummy is valid where a zero-length value would be).
    ///
    /// With the Type unknown (`nil`), the result is the most protective action that can never make the
    /// instance invalid, whatever the Type turns out to be:
    /// - `Z/D` → D: a Type 1 attribute must not be empty; a dummy satisfies Type 1 and Type 2 alike.
    /// - `X/Z` → Z: the code is given for "Type 3 versus Type 2", so the attribute may be required but empty;
    ///   a zero-length value is valid for both, removal is not valid for Type 2.
    /// - `X/D` and `X/Z/D` → D: only a dummy is valid for Type 1, and a dummy is valid for Types 2 and 3.
    /// - `X/Z/U*` → U: for a Type 1 sequence only keeping it with its contained instance UIDs replaced is
    ///   valid; its items are then processed by the profile like any other data set.
    ///
    /// Simple actions are returned unchanged.
    /// - Parameter type: The attribute's Type in the instance's IOD (PS3.3), or `nil` when not known.
    /// - Returns: One of D, Z, X, K, C, U.
    public func resolved(for type: AttributeType?) -> DeidentificationAction {
        let required = type?.requirement
        switch self {
        case .dummy, .zeroLength, .remove, .keep, .clean, .replaceUID:
            return self
        case .zeroLengthOrDummy:
            switch required {
            case .zeroLength, .optional: return .zeroLength
            case .nonEmpty, nil: return .dummy
            }
        case .removeOrZeroLength:
            switch required {
            case .optional: return .remove
            case .nonEmpty: return .dummy
            case .zeroLength, nil: return .zeroLength
            }
        case .removeOrDummy:
            return required == .optional ? .remove : .dummy
        case .removeOrZeroLengthOrDummy:
            switch required {
            case .optional: return .remove
            case .zeroLength: return .zeroLength
            case .nonEmpty, nil: return .dummy
            }
        case .removeOrZeroLengthOrReplaceUIDs:
            switch required {
            case .optional: return .remove
            case .zeroLength: return .zeroLength
            case .nonEmpty, nil: return .replaceUID
            }
        }
    }

    /// How much of the original value survives, for choosing between options: a higher rank removes more.
    /// X > Z > D > U > C > K: removal, then an empty value, then a dummy, then a keyed replacement UID (which
    /// keeps only linkage), then a cleaned value (which keeps meaning), then the value itself.
    var protectiveness: Int {
        switch self {
        case .remove: 6
        case .zeroLength: 5
        case .dummy: 4
        case .replaceUID: 3
        case .clean: 2
        case .keep: 1
        case .zeroLengthOrDummy, .removeOrZeroLength, .removeOrDummy, .removeOrZeroLengthOrDummy,
            .removeOrZeroLengthOrReplaceUIDs:
            resolved(for: nil).protectiveness
        }
    }
}
