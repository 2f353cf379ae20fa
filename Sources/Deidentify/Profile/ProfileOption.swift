/// An option of the Basic Application Level Confidentiality Profile (PS3.15 §E.3).
///
/// The raw value is the name the node configuration uses (`"retainUIDs"`). Options of the first kind "require
/// removal of additional information", the others "require retention of information that would otherwise be
/// removed but that is needed for specific uses" (PS3.15 §E.3).
public enum ProfileOption: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Retain Safe Private Option (PS3.15 §E.3.10).
    case retainSafePrivate
    /// Retain UIDs Option (PS3.15 §E.3.9).
    case retainUIDs
    /// Retain Device Identity Option (PS3.15 §E.3.8).
    case retainDeviceIdentity
    /// Retain Institution Identity Option (PS3.15 §E.3.11).
    case retainInstitutionIdentity
    /// Retain Patient Characteristics Option (PS3.15 §E.3.7).
    case retainPatientCharacteristics
    /// Retain Longitudinal Temporal Information with Full Dates Option (PS3.15 §E.3.6).
    case retainLongitudinalTemporalInformationFullDates
    /// Retain Longitudinal Temporal Information with Modified Dates Option (PS3.15 §E.3.6).
    case retainLongitudinalTemporalInformationModifiedDates
    /// Clean Descriptors Option (PS3.15 §E.3.5).
    case cleanDescriptors
    /// Clean Structured Content Option (PS3.15 §E.3.4).
    case cleanStructuredContent
    /// Clean Graphics Option (PS3.15 §E.3.3).
    case cleanGraphics
    /// Clean Pixel Data Option (PS3.15 §E.3.1); acts on Pixel Data, so it has no column in Table E.1-1.
    case cleanPixelData
    /// Clean Recognizable Visual Features Option (PS3.15 §E.3.2); acts on Pixel Data, no column in Table E.1-1.
    case cleanRecognizableVisualFeatures

    /// The option's name in the standard, e.g. "Retain UIDs Option".
    public var description: String { methodCode.codeMeaning }

    /// The option's code in De-identification Method Code Sequence (0012,0064), from PS3.16 CID 7050.
    public var methodCode: DeidentificationMethodCode {
        switch self {
        case .retainSafePrivate: .retainSafePrivate
        case .retainUIDs: .retainUIDs
        case .retainDeviceIdentity: .retainDeviceIdentity
        case .retainInstitutionIdentity: .retainInstitutionIdentity
        case .retainPatientCharacteristics: .retainPatientCharacteristics
        case .retainLongitudinalTemporalInformationFullDates: .retainLongitudinalTemporalInformationFullDates
        case .retainLongitudinalTemporalInformationModifiedDates: .retainLongitudinalTemporalInformationModifiedDates
        case .cleanDescriptors: .cleanDescriptors
        case .cleanStructuredContent: .cleanStructuredContent
        case .cleanGraphics: .cleanGraphics
        case .cleanPixelData: .cleanPixelData
        case .cleanRecognizableVisualFeatures: .cleanRecognizableVisualFeatures
        }
    }

    /// Whether the option retains information the profile would remove (PS3.15 §E.3, second list).
    public var retainsInformation: Bool { rawValue.hasPrefix("retain") }

    /// The option's column in the generated Table E.1-1 (order of `tools/generate_deid_table.py`), or `nil` for
    /// the two pixel-data options, which the table does not list (PS3.15 §E.1.1 note 11).
    var tableColumn: Int? {
        switch self {
        case .retainSafePrivate: 0
        case .retainUIDs: 1
        case .retainDeviceIdentity: 2
        case .retainInstitutionIdentity: 3
        case .retainPatientCharacteristics: 4
        case .retainLongitudinalTemporalInformationFullDates: 5
        case .retainLongitudinalTemporalInformationModifiedDates: 6
        case .cleanDescriptors: 7
        case .cleanStructuredContent: 8
        case .cleanGraphics: 9
        case .cleanPixelData, .cleanRecognizableVisualFeatures: nil
        }
    }

    /// The options with a column in Table E.1-1, in column order.
    static let tableColumns: [ProfileOption] = allCases.filter { $0.tableColumn != nil }

    /// Declaration order (the column order of Table E.1-1, then the pixel-data options).
    public static func < (lhs: ProfileOption, rhs: ProfileOption) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
