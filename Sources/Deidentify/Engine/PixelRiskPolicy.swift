/// Which instances may carry identifying text burned into their pixels, so that their pixel data must be
/// cleaned (PS3.15 §E.3.1, Clean Pixel Data Option) before they can leave quarantine.
///
/// An instance needs cleaning when Burned In Annotation (0028,0301) is `YES`, or when it is of a high-risk class
/// and (0028,0301) is absent or anything but `NO`. High-risk classes are, by SOP Class UID (PS3.4 Annex B,
/// Table B.5-1, Standard SOP Classes), the kinds whose acquisition devices write patient details into the
/// image: ultrasound (`…1.6`, `…1.6.x`, retired `…1.3`, `…1.3.1`), secondary capture including screen captures
/// of dose reports (`…1.7`, `…1.7.1`-`…1.7.4`), X-ray angiography and radiofluoroscopy (`…1.12.x`), visible
/// light, endoscopy, microscopy, photography and their video (`…1.77.1.x`). Instances whose SOP class is
/// generic or private are caught by Modality (0008,0060) instead.
///
/// ```swift
/// let policy = PixelRiskPolicy.standard
/// policy.isHighRisk(sopClassUID: "1.2.840.10008.5.1.4.1.1.6.1", modality: "US")   // true
/// policy.isHighRisk(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", modality: "CT")     // false
/// ```
public struct PixelRiskPolicy: Sendable, Hashable {
    /// SOP Class UIDs that are high risk, exactly.
    public var highRiskSOPClassUIDs: Set<String>
    /// SOP Class UID prefixes (ending in `.`) under which every class is high risk.
    public var highRiskSOPClassPrefixes: [String]
    /// Modality (0008,0060) values that are high risk whatever the SOP class (PS3.3 §C.7.3.1.1.1 Defined Terms).
    public var highRiskModalities: Set<String>

    /// Creates a policy.
    public init(highRiskSOPClassUIDs: Set<String>, highRiskSOPClassPrefixes: [String], highRiskModalities: Set<String>) {
        self.highRiskSOPClassUIDs = highRiskSOPClassUIDs
        self.highRiskSOPClassPrefixes = highRiskSOPClassPrefixes
        self.highRiskModalities = highRiskModalities
    }

    /// The policy described on the type.
    public static let standard = PixelRiskPolicy(
        highRiskSOPClassUIDs: [
            "1.2.840.10008.5.1.4.1.1.6",  // Ultrasound Image Storage (Retired)
            "1.2.840.10008.5.1.4.1.1.3",  // Ultrasound Multi-frame Image Storage (Retired)
            "1.2.840.10008.5.1.4.1.1.3.1",  // Ultrasound Multi-frame Image Storage
            "1.2.840.10008.5.1.4.1.1.7",  // Secondary Capture Image Storage
        ],
        highRiskSOPClassPrefixes: [
            "1.2.840.10008.5.1.4.1.1.6.",  // Ultrasound, Enhanced US Volume, Photoacoustic
            "1.2.840.10008.5.1.4.1.1.7.",  // Multi-frame Single Bit / Grayscale Byte / Grayscale Word / True Color SC
            "1.2.840.10008.5.1.4.1.1.12.",  // X-Ray Angiographic, Enhanced XA, X-Ray Radiofluoroscopic, Enhanced XRF
            "1.2.840.10008.5.1.4.1.1.77.1.",  // VL Endoscopic/Microscopic/Photographic/Ophthalmic/WSI and Video
        ],
        highRiskModalities: ["US", "IVUS", "XA", "RF", "SC", "OT", "XC", "ES", "GM", "SM", "OP"])

    /// Whether an instance of this SOP class or modality is high risk.
    /// - Parameters:
    ///   - sopClassUID: SOP Class UID (0008,0016), padding ignored.
    ///   - modality: Modality (0008,0060), padding and case ignored.
    public func isHighRisk(sopClassUID: String?, modality: String?) -> Bool {
        if let uid = sopClassUID.map(Self.trimmed), !uid.isEmpty {
            if highRiskSOPClassUIDs.contains(uid) { return true }
            if highRiskSOPClassPrefixes.contains(where: { uid.hasPrefix($0) }) { return true }
        }
        if let modality = modality.map({ Self.trimmed($0).uppercased() }), highRiskModalities.contains(modality) {
            return true
        }
        return false
    }

    /// Whether pixel data must be cleaned: Burned In Annotation `YES`, or a high-risk instance whose Burned In
    /// Annotation is absent or not `NO`.
    /// - Parameters:
    ///   - sopClassUID: SOP Class UID (0008,0016).
    ///   - modality: Modality (0008,0060).
    ///   - burnedInAnnotation: Burned In Annotation (0028,0301), `nil` when absent.
    public func needsCleaning(sopClassUID: String?, modality: String?, burnedInAnnotation: String?) -> Bool {
        let annotation = burnedInAnnotation.map { Self.trimmed($0).uppercased() }
        if annotation == "YES" { return true }
        return isHighRisk(sopClassUID: sopClassUID, modality: modality) && annotation != "NO"
    }

    static func trimmed(_ text: String) -> String {
        var value = Substring(text)
        while let last = value.last, last == " " || last == "\0" { value.removeLast() }
        while let first = value.first, first == " " { value.removeFirst() }
        return String(value)
    }
}
