public import DICOM

/// One row of PS3.15 Table E.1-1: an attribute (or a pattern of tags), its Basic Profile action and the
/// actions of the options that change it.
public struct ProfileEntry: Sendable, Hashable, CustomStringConvertible {
    /// The tag; for a pattern such as (60xx,3000), the tag with the `x` digits zero; for private attributes
    /// "(gggg,eeee) where gggg is odd", `(0001,0000)`.
    public let tag: Tag
    /// Bits of a tag that must equal `tag`: `FFFFFFFF` for one attribute, `FF00FFFF` for (60xx,3000),
    /// `FF000000` for (50xx,xxxx), `00010000` for the odd (private) groups.
    public let mask: UInt32
    /// The attribute name as the table gives it.
    public let name: String
    /// The action of the Basic Profile column.
    public let basicProfile: DeidentificationAction
    /// The option columns that have an entry on this row (always K or C in the standard's table).
    public let optionActions: [ProfileOption: DeidentificationAction]
    /// Whether the attribute is used in a standard composite IOD (the table's "In Std. Comp. IOD" column), or
    /// `nil` where the source does not say (rows only the 2026c source lists). PS3.15 §E.1.1 note 13: attributes
    /// not in a standard composite IOD "may be removed without compromising the conformance of the instance".
    public let isInStandardCompositeIOD: Bool?
    /// The edition of the source the row came from: `2024b`, or `2026c` for attributes newer than 2024b (whose
    /// option columns are unknown and left empty, so the basic action applies under every option).
    public let edition: String

    /// Whether `tag` is this attribute, or one of the tags the pattern covers.
    public func matches(_ tag: Tag) -> Bool { tag.rawValue & mask == self.tag.rawValue }

    /// The action under `options`, by the precedence of ``ConfidentialityProfile/action(for:options:)``.
    public func action(options: ProfileOptions) -> ResolvedAction {
        var chosen: (action: DeidentificationAction, option: ProfileOption)?
        for option in ProfileOption.tableColumns where options.contains(option) {
            guard let action = optionActions[option] else { continue }
            if let current = chosen, current.action.protectiveness >= action.protectiveness { continue }
            chosen = (action, option)
        }
        if let chosen { return ResolvedAction(action: chosen.action, option: chosen.option, entry: self) }
        return ResolvedAction(action: basicProfile, option: nil, entry: self)
    }

    /// `(0010,0010) Patient's Name: Z`, with option actions, e.g. `… K [retainPatientCharacteristics]`.
    public var description: String {
        var text = "\(patternDescription) \(name): \(basicProfile)"
        for option in ProfileOption.tableColumns {
            if let action = optionActions[option] { text += ", \(option.rawValue) \(action)" }
        }
        return text
    }

    /// The tag as the standard writes it, with `x` for the pattern digits (`(60xx,3000)`).
    public var patternDescription: String {
        if mask == 0x0001_0000 { return "(gggg,eeee) where gggg is odd" }
        let digits = Array(tag.description)
        let maskDigits = Array(Tag(mask).description)
        return String(zip(digits, maskDigits).map { digit, maskDigit in maskDigit == "0" ? "x" : digit })
    }
}
