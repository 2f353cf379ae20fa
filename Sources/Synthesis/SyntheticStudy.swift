public import DICOM

/// A reproducible synthetic CT study: one patient, one series of axial slices of a simple phantom.
///
/// Every value is made up from the seed: names, identifiers, dates and UIDs look real but belong to no one.
/// The same seed always gives byte-identical files.
///
/// ```swift
/// let study = SyntheticStudy(seed: 7, slices: 4, size: 64)
/// for file in study.files() { try DICOMWriter.write(file, to: folder.appendingPathComponent(...)) }
/// ```
public struct SyntheticStudy: Sendable {
    /// The seed that fixes every value.
    public let seed: UInt64
    /// The number of slices in the series.
    public let slices: Int
    /// Rows and columns of each slice.
    public let size: Int

    /// The made-up patient's name, in DICOM PN form.
    public let patientName: String
    /// The made-up patient ID.
    public let patientID: String
    /// The study's UID.
    public let studyInstanceUID: String

    private let birthDate: String
    private let studyDate: String
    private let sex: String
    private let seriesInstanceUID: String
    private let frameOfReferenceUID: String
    private let accessionNumber: String

    private static let familyNames = ["Müller", "Dupont", "García", "Rossi", "Nowak", "Jansen", "Søndergaard", "Kovács"]
    private static let givenNames = ["Anna", "José", "Zoë", "Lukas", "Chloé", "Mateo", "Ingrid", "Noël"]

    /// Creates the study for `seed`.
    ///
    /// - Parameters:
    ///   - seed: fixes every value.
    ///   - slices: the number of slices (at least 1).
    ///   - size: rows and columns (at least 8).
    public init(seed: UInt64, slices: Int = 8, size: Int = 64) {
        precondition(slices >= 1 && size >= 8, "a study needs at least one slice of 8×8 pixels")
        self.seed = seed
        self.slices = slices
        self.size = size
        var random = SplitMix64(seed: seed)
        patientName = "\(random.pick(Self.familyNames))^\(random.pick(Self.givenNames))"
        patientID = "SYN\(random.int(in: 100_000...999_999))"
        sex = random.pick(["F", "M"])
        let birthYear = random.int(in: 1935...2005)
        birthDate = Self.date(year: birthYear, month: random.int(in: 1...12), day: random.int(in: 1...28))
        studyDate = Self.date(year: random.int(in: 2018...2025), month: random.int(in: 1...12), day: random.int(in: 1...28))
        accessionNumber = "ACC\(random.int(in: 10_000_000...99_999_999))"
        studyInstanceUID = Self.uid(&random)
        seriesInstanceUID = Self.uid(&random)
        frameOfReferenceUID = Self.uid(&random)
    }

    /// The Part 10 files of the series, in slice order, explicit VR little endian, ISO_IR 100 text.
    public func files() -> [DICOMFile] {
        var random = SplitMix64(seed: seed ^ 0x5EED_F11E)
        return (0..<slices).map { index in
            var dataset = header(slice: index, random: &random)
            dataset.set(DataElement(tag: .pixelData, vr: .OW, int16s: phantom(slice: index, random: &random)))
            let sopInstanceUID = Self.uid(&random)
            dataset.set(DataElement(tag: .sopInstanceUID, vr: .UI, string: sopInstanceUID))
            let meta = Dataset([
                DataElement(tag: .mediaStorageSOPClassUID, vr: .UI, string: Self.ctImageStorage),
                DataElement(tag: .mediaStorageSOPInstanceUID, vr: .UI, string: sopInstanceUID),
                DataElement(tag: .transferSyntaxUID, vr: .UI, string: TransferSyntax.explicitVRLittleEndian.uid),
                DataElement(tag: .implementationClassUID, vr: .UI, string: FedLakeImplementation.classUID),
                DataElement(tag: .implementationVersionName, vr: .SH, string: FedLakeImplementation.versionName),
            ])
            return DICOMFile(
                preamble: nil, fileMeta: meta, dataset: dataset, transferSyntax: .explicitVRLittleEndian, warnings: [],
                stoppedBeforePixels: false)
        }
    }

    private static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"

    private func header(slice: Int, random: inout SplitMix64) -> Dataset {
        let latin1 = SpecificCharacterSet(terms: ["ISO_IR 100"])
        func text(_ tag: UInt32, _ vr: VR, _ value: String) -> DataElement {
            DataElement(tag: Tag(tag), vr: vr, bytes: latin1.encode(value, vr: vr) ?? Array(value.utf8))
        }
        let thickness = "2.5"
        let position = -100.0 + Double(slice) * 2.5
        let elements: [DataElement] = [
            text(0x0008_0005, .CS, "ISO_IR 100"),
            text(0x0008_0008, .CS, "ORIGINAL\\PRIMARY\\AXIAL"),
            text(0x0008_0016, .UI, Self.ctImageStorage),
            text(0x0008_0020, .DA, studyDate),
            text(0x0008_0030, .TM, "101500"),
            text(0x0008_0050, .SH, accessionNumber),
            text(0x0008_0060, .CS, "CT"),
            text(0x0008_0070, .LO, "Synthetic Scanners Inc."),
            text(0x0008_0080, .LO, "Hôpital Synthétique"),
            text(0x0008_0090, .PN, "Lefèvre^Hélène^^Dr."),
            text(0x0008_1030, .LO, "CT THORAX"),
            text(0x0008_103E, .LO, "AXIAL 2.5mm"),
            text(0x0010_0010, .PN, patientName),
            text(0x0010_0020, .LO, patientID),
            text(0x0010_0030, .DA, birthDate),
            text(0x0010_0040, .CS, sex),
            text(0x0018_0015, .CS, "CHEST"),
            text(0x0018_0050, .DS, thickness),
            text(0x0018_0060, .DS, "120"),
            text(0x0020_000D, .UI, studyInstanceUID),
            text(0x0020_000E, .UI, seriesInstanceUID),
            text(0x0020_0010, .SH, "1"),
            text(0x0020_0011, .IS, "1"),
            text(0x0020_0013, .IS, String(slice + 1)),
            text(0x0020_0032, .DS, "-160\\-160\\\(DecimalString.format(position) ?? "0")"),
            text(0x0020_0037, .DS, "1\\0\\0\\0\\1\\0"),
            text(0x0020_0052, .UI, frameOfReferenceUID),
            text(0x0028_0004, .CS, "MONOCHROME2"),
            text(0x0028_0030, .DS, "\(DecimalString.format(320.0 / Double(size)) ?? "1")\\\(DecimalString.format(320.0 / Double(size)) ?? "1")"),
            text(0x0028_1050, .DS, "40"),
            text(0x0028_1051, .DS, "400"),
            text(0x0028_1052, .DS, "-1024"),
            text(0x0028_1053, .DS, "1"),
            DataElement(tag: Tag(0x0028_0002), vr: .US, uint16s: [1]),
            DataElement(tag: .rows, vr: .US, uint16s: [UInt16(size)]),
            DataElement(tag: .columns, vr: .US, uint16s: [UInt16(size)]),
            DataElement(tag: .bitsAllocated, vr: .US, uint16s: [16]),
            DataElement(tag: Tag(0x0028_0101), vr: .US, uint16s: [16]),
            DataElement(tag: Tag(0x0028_0102), vr: .US, uint16s: [15]),
            DataElement(tag: .pixelRepresentation, vr: .US, uint16s: [1]),
            DataElement(
                tag: Tag(0x0008_1140),
                items: [
                    Dataset([
                        text(0x0008_1150, .UI, "1.2.840.10008.5.1.4.1.1.2"),
                        text(0x0008_1155, .UI, Self.uid(&random)),
                    ])
                ]),
        ]
        return Dataset(elements)
    }

    /// A disc of soft tissue (about 40 HU) with a bright bone ring in air (-1000 HU), plus noise; values are
    /// stored with the rescale intercept -1024.
    private func phantom(slice: Int, random: inout SplitMix64) -> [Int16] {
        var pixels = [Int16](repeating: 0, count: size * size)
        let centre = Double(size - 1) / 2
        let radius = Double(size) * (0.35 + 0.05 * Double(slice % 3))
        for row in 0..<size {
            for column in 0..<size {
                let dx = Double(column) - centre
                let dy = Double(row) - centre
                let distance = (dx * dx + dy * dy).squareRoot()
                var hounsfield = -1000
                if distance < radius { hounsfield = 40 }
                if distance >= radius * 0.9, distance < radius { hounsfield = 700 }
                hounsfield += random.int(in: -10...10)
                pixels[row * size + column] = Int16(hounsfield + 1024)
            }
        }
        return pixels
    }

    private static func date(year: Int, month: Int, day: Int) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2)
    }

    /// A UID under the 2.25 arc (PS3.5 §B.2): "2.25." and the decimal of a 128-bit number from the generator
    /// (at most 39 digits, so the UID stays within 64 characters).
    private static func uid(_ random: inout SplitMix64) -> String {
        let value = UInt128(random.next()) << 64 | UInt128(random.next())
        return "2.25." + String(value == 0 ? 1 : value)
    }
}
