public import Crypto
public import DICOM

/// Everything ``DICOMDeidentifier`` needs: the node's secret key, the profile options, the date-shift range,
/// the pixel policy and cleaning rules, and the site's additions to the text allowlist.
///
/// ```swift
/// var configuration = DeidentificationConfiguration(key: nodeKey)       // options: .nodeDefault
/// configuration.pixelCleaningRules = [rule]
/// configuration.additionalTextAllowlist = [Tag(0x0018_1030)]             // only if the site vouches for it
/// let deidentifier = try DICOMDeidentifier(configuration: configuration)
/// ```
public struct DeidentificationConfiguration: Sendable {
    /// The node's secret key behind UID pseudonyms, Patient ID pseudonyms and date shifts (at least 16 bytes).
    public var key: SecureBytes
    /// The PS3.15 options applied on top of the Basic Profile.
    public var options: ProfileOptions
    /// The range of per-patient date shifts in days (must not contain 0).
    public var dateShiftRange: ClosedRange<Int>
    /// Which instances need their pixel data cleaned.
    public var pixelRiskPolicy: PixelRiskPolicy
    /// Rules that say which rectangles to blank, per device family and image size.
    public var pixelCleaningRules: [PixelCleaningRule]
    /// Text attributes the site keeps in addition to ``AttributeAllowlist/technicalText``. They apply only to
    /// attributes Table E.1-1 does not list, and only to text VRs: dates, UIDs and codes follow their own rules.
    public var additionalTextAllowlist: Set<Tag>
    /// Cleans free text for action C; ``RemovingTextCleaner`` removes it.
    public var textCleaner: any TextCleaner
    /// The FedLake version named in De-identification Method (0012,0063).
    public var softwareVersion: String

    /// Creates a configuration with the node's defaults.
    /// - Parameters:
    ///   - key: The node's secret key.
    ///   - options: The profile options; ``ProfileOptions/nodeDefault`` by default.
    public init(key: SecureBytes, options: ProfileOptions = .nodeDefault) {
        self.key = key
        self.options = options
        dateShiftRange = DateShifter.defaultRange
        pixelRiskPolicy = .standard
        pixelCleaningRules = []
        additionalTextAllowlist = []
        textCleaner = RemovingTextCleaner()
        softwareVersion = "0.1.0"
    }
}
