/// A transfer syntax: how a data set is encoded (PS3.5 §10, UIDs from PS3.6 Annex A).
///
/// ```swift
/// let ts = TransferSyntax(uid: "1.2.840.10008.1.2.4.50")   // JPEG Baseline
/// ts?.isEncapsulated                                        // true
/// ```
public struct TransferSyntax: Sendable, Hashable, CustomStringConvertible {
    /// The transfer syntax UID.
    public let uid: String
    /// The name from PS3.6 Annex A, or "Unknown" for UIDs this table lacks.
    public let name: String
    /// Whether elements carry their VR (PS3.5 §7.1.2); only Implicit VR Little Endian does not.
    public let isExplicitVR: Bool
    /// Whether multi-byte numbers are little-endian; only the retired Explicit VR Big Endian is not.
    public let isLittleEndian: Bool
    /// Whether the data set after the file meta group is deflated (PS3.5 §A.5).
    public let isDeflated: Bool
    /// Whether Pixel Data is encapsulated in fragments (PS3.5 §A.4).
    public let isEncapsulated: Bool

    /// Creates a transfer syntax description.
    public init(
        uid: String, name: String, isExplicitVR: Bool = true, isLittleEndian: Bool = true, isDeflated: Bool = false,
        isEncapsulated: Bool = false
    ) {
        self.uid = uid
        self.name = name
        self.isExplicitVR = isExplicitVR
        self.isLittleEndian = isLittleEndian
        self.isDeflated = isDeflated
        self.isEncapsulated = isEncapsulated
    }

    /// The known transfer syntax with `uid` (trailing NUL and space padding ignored), or `nil`.
    public init?(uid: String) {
        let trimmed = TransferSyntax.trim(uid)
        guard let known = TransferSyntax.known[trimmed] else { return nil }
        self = known
    }

    /// Any transfer syntax UID: known ones as in ``init(uid:)``, unknown ones as explicit VR little endian
    /// with encapsulated pixel data, which is how every newer compressed syntax is encoded (PS3.5 §A.4).
    public static func assumingEncapsulated(uid: String) -> TransferSyntax {
        let trimmed = trim(uid)
        return known[trimmed] ?? TransferSyntax(uid: trimmed, name: "Unknown", isEncapsulated: true)
    }

    /// `name (uid)`.
    public var description: String { "\(name) (\(uid))" }

    static func trim(_ uid: String) -> String {
        var text = Substring(uid)
        while text.last == " " || text.last == "\0" { text = text.dropLast() }
        while text.first == " " { text = text.dropFirst() }
        return String(text)
    }

    /// Implicit VR Little Endian, the DICOM default (PS3.5 §A.1).
    public static let implicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2", name: "Implicit VR Little Endian", isExplicitVR: false)
    /// Explicit VR Little Endian (PS3.5 §A.2).
    public static let explicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1", name: "Explicit VR Little Endian")
    /// Encapsulated Uncompressed Explicit VR Little Endian (PS3.5 §A.4.11).
    public static let encapsulatedUncompressed = TransferSyntax(
        uid: "1.2.840.10008.1.2.1.98", name: "Encapsulated Uncompressed Explicit VR Little Endian",
        isEncapsulated: true)
    /// Deflated Explicit VR Little Endian (PS3.5 §A.5).
    public static let deflatedExplicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1.99", name: "Deflated Explicit VR Little Endian", isDeflated: true)
    /// Explicit VR Big Endian, retired (PS3.5 §A.3).
    public static let explicitVRBigEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.2", name: "Explicit VR Big Endian", isLittleEndian: false)
    /// JPEG Baseline (Process 1).
    public static let jpegBaseline = TransferSyntax(
        uid: "1.2.840.10008.1.2.4.50", name: "JPEG Baseline (Process 1)", isEncapsulated: true)
    /// RLE Lossless (PS3.5 Annex G).
    public static let rleLossless = TransferSyntax(
        uid: "1.2.840.10008.1.2.5", name: "RLE Lossless", isEncapsulated: true)

    /// Every transfer syntax of PS3.6 Annex A that may appear in a file.
    public static let all: [TransferSyntax] = {
        var list: [TransferSyntax] = [
            implicitVRLittleEndian, explicitVRLittleEndian, encapsulatedUncompressed, deflatedExplicitVRLittleEndian,
            explicitVRBigEndian, rleLossless,
            TransferSyntax(uid: "1.2.840.10008.1.2.4.94", name: "JPIP Referenced"),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.95", name: "JPIP Referenced Deflate", isDeflated: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.204", name: "JPIP HTJ2K Referenced"),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.205", name: "JPIP HTJ2K Referenced Deflate", isDeflated: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.6.1", name: "RFC 2557 MIME encapsulation (Retired)"),
            TransferSyntax(uid: "1.2.840.10008.1.2.6.2", name: "XML Encoding (Retired)"),
            TransferSyntax(uid: "1.2.840.10008.1.2.7.1", name: "SMPTE ST 2110-20 Uncompressed Progressive Active Video"),
            TransferSyntax(uid: "1.2.840.10008.1.2.7.2", name: "SMPTE ST 2110-20 Uncompressed Interlaced Active Video"),
            TransferSyntax(uid: "1.2.840.10008.1.2.7.3", name: "SMPTE ST 2110-30 PCM Digital Audio"),
        ]
        let encapsulated: [(String, String)] = [
            ("50", "JPEG Baseline (Process 1)"), ("51", "JPEG Extended (Process 2 & 4)"),
            ("52", "JPEG Extended (Process 3 & 5) (Retired)"),
            ("53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (Retired)"),
            ("54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9) (Retired)"),
            ("55", "JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (Retired)"),
            ("56", "JPEG Full Progression, Non-Hierarchical (Process 11 & 13) (Retired)"),
            ("57", "JPEG Lossless, Non-Hierarchical (Process 14)"),
            ("58", "JPEG Lossless, Non-Hierarchical (Process 15) (Retired)"),
            ("59", "JPEG Extended, Hierarchical (Process 16 & 18) (Retired)"),
            ("60", "JPEG Extended, Hierarchical (Process 17 & 19) (Retired)"),
            ("61", "JPEG Spectral Selection, Hierarchical (Process 20 & 22) (Retired)"),
            ("62", "JPEG Spectral Selection, Hierarchical (Process 21 & 23) (Retired)"),
            ("63", "JPEG Full Progression, Hierarchical (Process 24 & 26) (Retired)"),
            ("64", "JPEG Full Progression, Hierarchical (Process 25 & 27) (Retired)"),
            ("65", "JPEG Lossless, Hierarchical (Process 28) (Retired)"),
            ("66", "JPEG Lossless, Hierarchical (Process 29) (Retired)"),
            ("70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])"),
            ("80", "JPEG-LS Lossless Image Compression"), ("81", "JPEG-LS Lossy (Near-Lossless) Image Compression"),
            ("90", "JPEG 2000 Image Compression (Lossless Only)"), ("91", "JPEG 2000 Image Compression"),
            ("92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)"),
            ("93", "JPEG 2000 Part 2 Multi-component Image Compression"),
            ("100", "MPEG2 Main Profile / Main Level"), ("100.1", "Fragmentable MPEG2 Main Profile / Main Level"),
            ("101", "MPEG2 Main Profile / High Level"), ("101.1", "Fragmentable MPEG2 Main Profile / High Level"),
            ("102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
            ("102.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1"),
            ("103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
            ("103.1", "Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
            ("104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
            ("104.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
            ("105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
            ("105.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
            ("106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
            ("106.1", "Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
            ("107", "HEVC/H.265 Main Profile / Level 5.1"), ("108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
            ("110", "JPEG XL Lossless"), ("111", "JPEG XL JPEG Recompression"), ("112", "JPEG XL"),
            ("201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)"),
            ("202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)"),
            ("203", "High-Throughput JPEG 2000 Image Compression"),
        ]
        for (suffix, name) in encapsulated {
            list.append(TransferSyntax(uid: "1.2.840.10008.1.2.4." + suffix, name: name, isEncapsulated: true))
        }
        return list
    }()

    private static let known: [String: TransferSyntax] = Dictionary(
        all.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
}
