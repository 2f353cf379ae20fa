public import DICOM

/// What happens to public attributes that PS3.15 Table E.1-1 does not list (fail closed).
///
/// The table lists what to protect; everything else is kept only when it cannot carry identifying free text.
/// The rule is by VR, with the PS3.6 dictionary deciding the VR (a UN element of a known attribute is read with
/// its dictionary VR):
/// - Not in the dictionary: removed.
/// - US SS UL SL UV SV FL FD AT OB OW OD OF OL OV: kept (numbers and tags; the binary attributes that can hold
///   identifying content — overlays, curves, icons, encapsulated documents, padding — are in the table).
/// - DS, IS: kept when every value uses only the number characters (PS3.5 Table 6.2-1), else removed.
/// - CS: kept when every value is at most 16 characters of `A-Z 0-9 _` and space, else removed.
/// - UI: class and definition UIDs (keywords ending in `ClassUID`, ``definitionUIDKeywords``) and well-known
///   `1.2.840.10008.` UIDs are kept when valid; any other UID is replaced by its keyed pseudonym (an instance
///   UID the table does not know is still an identifier).
/// - AS: kept, ages over 89 years clamped to `090Y`; unparsable ages removed.
/// - DA, DT, TM: shifted under Retain Longitudinal Temporal Information with Modified Dates, kept (when valid)
///   with Full Dates, removed otherwise.
/// - SQ: kept, and every item processed by the same rules.
/// - LO LT SH ST UT UC PN UR AE: removed unless on ``technicalText`` or the configuration's allowlist.
///
/// ```swift
/// AttributeAllowlist.technicalText.contains(Tag(0x0008_0070))   // Manufacturer: true
/// AttributeAllowlist.isCodedString("ORIGINAL\\PRIMARY\\AXIAL")    // true
/// ```
public enum AttributeAllowlist {
    /// The technical text attributes kept although their VR can hold free text, each chosen because it
    /// describes equipment or a coded concept, not the patient:
    /// - (0008,0070) Manufacturer, (0008,1090) Manufacturer's Model Name: the device make and model, needed for
    ///   harmonisation and to select pixel cleaning rules (device serial numbers and station names are in the
    ///   table).
    /// - (0018,1020) Software Versions: the acquisition software, needed to interpret vendor behaviour.
    /// - (0018,1210) Convolution Kernel, (0018,1160) Filter Type: CT reconstruction kernel and beam filter names.
    /// - (0018,0024) Sequence Name: the MR pulse-sequence name.
    /// - (0008,0100) Code Value, (0008,0102) Coding Scheme Designator, (0008,0103) Coding Scheme Version,
    ///   (0008,0104) Code Meaning, (0008,0119) Long Code Value, (0008,0120) URN Code Value: the parts of a coded
    ///   concept (PS3.3 §8.8), taken from controlled vocabularies; the code sequences whose concepts describe the
    ///   patient (reasons, diagnoses) are in the table and cleaned.
    public static let technicalText: Set<Tag> = [
        Tag(0x0008_0070), Tag(0x0008_1090), Tag(0x0018_1020), Tag(0x0018_1210), Tag(0x0018_1160), Tag(0x0018_0024),
        Tag(0x0008_0100), Tag(0x0008_0102), Tag(0x0008_0103), Tag(0x0008_0104), Tag(0x0008_0119), Tag(0x0008_0120),
    ]

    /// UI attributes that name a definition rather than an instance, besides those whose keyword ends in
    /// `ClassUID`: Transfer Syntax UID, Coding Scheme UID, Mapping Resource UID, Context UID and Referenced
    /// Transfer Syntax UID in File.
    public static let definitionUIDKeywords: Set<String> = [
        "TransferSyntaxUID", "CodingSchemeUID", "MappingResourceUID", "ContextUID",
        "ReferencedTransferSyntaxUIDInFile",
    ]

    /// Attributes removed whatever the table and the options say, at every depth:
    /// (0400,0561) Original Attributes Sequence and (0400,0550) Modified Attributes Sequence (they hold the
    /// original values), (0400,0500) Encrypted Attributes Sequence, (0088,0200) Icon Image Sequence (a thumbnail
    /// that may show burned-in text), (FFFA,FFFA) Digital Signatures Sequence and (4FFE,0001) MAC Parameters
    /// Sequence (invalid after any change), (FFFC,FFFC) Data Set Trailing Padding; and, by pattern, Overlay
    /// Comments (60xx,4000) and the retired Curve groups (50xx,xxxx).
    public static let alwaysRemoved: Set<Tag> = [
        Tag(0x0400_0561), Tag(0x0400_0550), Tag(0x0400_0500), Tag(0x0088_0200), Tag(0xFFFA_FFFA), Tag(0x4FFE_0001),
        Tag(0xFFFC_FFFC),
    ]

    /// Whether `tag` is always removed (``alwaysRemoved`` or one of its patterns).
    public static func isAlwaysRemoved(_ tag: Tag) -> Bool {
        if alwaysRemoved.contains(tag) { return true }
        if tag.group & 0xFF00 == 0x5000 { return true }
        if tag.group & 0xFF00 == 0x6000, tag.element == 0x4000 { return true }
        return false
    }

    /// Whether a UI attribute names a class or definition (kept) rather than an instance (replaced).
    public static func isDefinitionUID(keyword: String) -> Bool {
        keyword.hasSuffix("ClassUID") || definitionUIDKeywords.contains(keyword)
    }

    /// Whether every value of a CS text is at most 16 characters of `A-Z`, `0-9`, `_` and space (PS3.5 Table 6.2-1).
    public static func isCodedString(_ text: String) -> Bool {
        everyValue(of: text, maximumLength: 16) { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"),
                UInt8(ascii: " "):
                true
            default: false
            }
        }
    }

    /// Whether a DS (`decimal: true`) or IS text uses only the characters numbers may have (PS3.5 Table 6.2-1),
    /// with at most 16 (DS) or 12 (IS) characters per value.
    public static func isNumberString(_ text: String, decimal: Bool) -> Bool {
        everyValue(of: text, maximumLength: decimal ? 16 : 12) { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: " "): true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): decimal
            default: false
            }
        }
    }

    /// Whether each `\`-separated value of `text` has at most `maximumLength` bytes, every one `allowed`.
    private static func everyValue(of text: String, maximumLength: Int, allowed: (UInt8) -> Bool) -> Bool {
        var length = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\\") {
                length = 0
                continue
            }
            length += 1
            guard length <= maximumLength, allowed(byte) else { return false }
        }
        return true
    }

    /// Whether `uid` is a valid UID (PS3.5 §9.1): at most 64 characters, numeric components without leading
    /// zeros, separated by single dots.
    public static func isValidUID(_ uid: String) -> Bool {
        let bytes = Array(uid.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        var componentStart = true
        var leadingZero = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if componentStart { return false }
                componentStart = true
                leadingZero = false
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if leadingZero { return false }
                if componentStart, byte == UInt8(ascii: "0") { leadingZero = true }
                componentStart = false
            } else {
                return false
            }
        }
        return !componentStart
    }

    /// Whether `uid` is a valid UID under the DICOM root `1.2.840.10008.` (transfer syntaxes, SOP classes,
    /// well-known instances, coding schemes): such UIDs identify definitions and are never pseudonymised.
    public static func isWellKnownUID(_ uid: String) -> Bool {
        uid.hasPrefix("1.2.840.10008.") && isValidUID(uid)
    }
}
