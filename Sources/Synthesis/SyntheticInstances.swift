import DICOM
import Deidentify
import Foundation

/// The DICOM files of a corpus: each patient's instances, and the Table E.1-1 canary carriers.
extension CorpusWriter {
    // SOP Class UIDs (PS3.4 Annex B.5, PS3.6 Annex A).
    static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"
    static let mrImageStorage = "1.2.840.10008.5.1.4.1.1.4"
    static let crImageStorage = "1.2.840.10008.5.1.4.1.1.1"
    static let usImageStorage = "1.2.840.10008.5.1.4.1.1.6.1"
    static let usMultiFrameImageStorage = "1.2.840.10008.5.1.4.1.1.3.1"
    static let nmImageStorage = "1.2.840.10008.5.1.4.1.1.20"
    static let basicTextSRStorage = "1.2.840.10008.5.1.4.1.1.88.11"

    /// The private creator of the canary blocks (PS3.5 §7.8.1).
    static let canaryCreator = "CANARY CREATOR"
    /// A private creator of PS3.15 Table E.3.10-1, whose block holds one safe element and one canary.
    static let safeCreator = "GEMS_ACQU_01"

    /// A person name as written in one file and the components a leak would show.
    struct NameValue {
        var dicom: String
        var components: [String]
    }

    /// What one image instance looks like.
    struct ImageSpec {
        var file: String
        var modality: String
        var sopClassUID: String
        var terms: [String]
        var description: String
        var name: NameValue
        var otherNames: NameValue?
        var burnedInAnnotation: String?
        var frames = 1
        /// For multi-frame instances, the attribute Frame Increment Pointer (0028,0009) names, and its value.
        var frameIncrement: (tag: UInt32, vr: VR, value: String)?
        var bitsAllocated = 16
        var instanceNumber = 1
        var safePrivateBlock = false
        /// Body Part Examined (0018,0015), a defined term of PS3.16 Annex L.
        var bodyPart: String?
        /// Slice Thickness (0018,0050) in mm, for cross-sectional images.
        var sliceThickness: String?
    }

    struct Series {
        var uid: String
        var frameOfReferenceUID: String
        var stationName: String
        var serialNumber: String
    }

    private func newSeries(_ modality: String) -> Series {
        Series(
            uid: planter.uid(), frameOfReferenceUID: planter.uid(),
            stationName: modality + SyntheticIdentity.digits(6, &planter.random),
            serialNumber: "SN-" + SyntheticIdentity.digits(8, &planter.random))
    }

    // MARK: Patients

    /// Writes CT (3 slices), MR, CR, US (single and multi-frame) and SR instances of `identity`.
    func writeInstances(of identity: SyntheticIdentity) throws {
        let folder = identity.folder
        let latin = NameValue(dicom: identity.name.dicom, components: [identity.name.family, identity.name.given])
        let cyrillic = NameValue(
            dicom: identity.cyrillic.dicom, components: [identity.cyrillic.family, identity.cyrillic.given])
        let chinese = NameValue(
            dicom: identity.chinese.dicom, components: [identity.chinese.family, identity.chinese.given])
        let ctSeries = newSeries("CT")
        for slice in 1...3 {
            try writeImage(
                ImageSpec(
                    file: "\(folder)/ct-\(slice).dcm", modality: "CT", sopClassUID: Self.ctImageStorage,
                    terms: ["ISO_IR 100"], description: "CT THORAX", name: latin, burnedInAnnotation: "NO",
                    instanceNumber: slice, safePrivateBlock: true, bodyPart: "CHEST", sliceThickness: "1.25"),
                identity: identity, study: identity.study("CT"), series: ctSeries)
        }
        let otherNames = NameValue(
            dicom: cyrillic.dicom + "\\" + chinese.dicom, components: cyrillic.components + chinese.components)
        try writeImage(
            ImageSpec(
                file: "\(folder)/mr-1.dcm", modality: "MR", sopClassUID: Self.mrImageStorage, terms: ["ISO_IR 192"],
                description: "MR BRAIN", name: latin, otherNames: otherNames, bodyPart: "BRAIN", sliceThickness: "5"),
            identity: identity, study: identity.study("MR"), series: newSeries("MR"))
        try writeImage(
            ImageSpec(
                file: "\(folder)/cr-1.dcm", modality: "CR", sopClassUID: Self.crImageStorage, terms: ["ISO_IR 144"],
                description: "CR CHEST", name: cyrillic, burnedInAnnotation: "YES", bodyPart: "CHEST"),
            identity: identity, study: identity.study("CR"), series: newSeries("CR"))
        let usSeries = newSeries("US")
        try writeImage(
            ImageSpec(
                file: "\(folder)/us-1.dcm", modality: "US", sopClassUID: Self.usImageStorage, terms: ["ISO_IR 100"],
                description: "US ABDOMEN", name: latin, burnedInAnnotation: "YES", bitsAllocated: 8,
                bodyPart: "ABDOMEN"),
            identity: identity, study: identity.study("US"), series: usSeries)
        try writeImage(
            ImageSpec(
                file: "\(folder)/us-2.dcm", modality: "US", sopClassUID: Self.usMultiFrameImageStorage,
                terms: ["GB18030"], description: "US ABDOMEN CINE", name: chinese, otherNames: latin, frames: 4,
                bitsAllocated: 8, instanceNumber: 2, bodyPart: "ABDOMEN"),
            identity: identity, study: identity.study("US"), series: usSeries)
        // A multi-frame instance that is not high risk for burned-in text, so de-identification passes it.
        try writeImage(
            ImageSpec(
                file: "\(folder)/nm-1.dcm", modality: "NM", sopClassUID: Self.nmImageStorage, terms: ["ISO_IR 100"],
                description: "NM BONE SCAN", name: latin, burnedInAnnotation: "NO", frames: 4,
                frameIncrement: (0x0054_0080, .US, "1\\2\\3\\4"), bodyPart: "WHOLEBODY"),
            identity: identity, study: identity.study("NM"), series: newSeries("NM"))
        try writeReport(of: identity)
    }

    private func writeImage(
        _ spec: ImageSpec, identity: SyntheticIdentity, study: SyntheticIdentity.Study, series: Series
    )
        throws
    {
        beginDICOM(spec.file, sopClassUID: spec.sopClassUID, modality: spec.modality, characterSet: spec.terms)
        let sopInstanceUID = planter.uid()
        var builder = DatasetBuilder(planter: planter)
        try addCommon(
            &builder, identity: identity, study: study, series: series, sopClassUID: spec.sopClassUID,
            sopInstanceUID: sopInstanceUID, modality: spec.modality, terms: spec.terms, description: spec.description,
            name: spec.name, otherNames: spec.otherNames, instanceNumber: spec.instanceNumber)
        try builder.add(0x0008_0008, .CS, "ORIGINAL\\PRIMARY")
        if let bodyPart = spec.bodyPart { try builder.add(0x0018_0015, .CS, bodyPart) }
        if let thickness = spec.sliceThickness { try builder.add(0x0018_0050, .DS, thickness) }
        try builder.plant(0x0020_0052, .UI, series.frameOfReferenceUID, .uid)
        try addPixels(
            &builder, size: 32, frames: spec.frames, bitsAllocated: spec.bitsAllocated, seed: spec.instanceNumber,
            frameIncrement: spec.frameIncrement)
        if let burnedIn = spec.burnedInAnnotation { try builder.add(0x0028_0301, .CS, burnedIn) }
        try addPrivateBlocks(&builder, safeBlock: spec.safePrivateBlock)
        try writeDICOM(builder.dataset, sopClassUID: spec.sopClassUID, sopInstanceUID: sopInstanceUID)
    }

    /// Patient, study, series, equipment and instance attributes, each recorded where it holds PHI.
    private func addCommon(
        _ builder: inout DatasetBuilder, identity: SyntheticIdentity, study: SyntheticIdentity.Study, series: Series,
        sopClassUID: String, sopInstanceUID: String, modality: String, terms: [String], description: String,
        name: NameValue, otherNames: NameValue?, instanceNumber: Int
    ) throws {
        if !terms.isEmpty { try builder.add(0x0008_0005, .CS, terms.joined(separator: "\\")) }
        try builder.add(0x0008_0016, .UI, sopClassUID)
        try builder.plant(0x0008_0018, .UI, sopInstanceUID, .uid)
        try builder.plant(0x0008_0020, .DA, study.studyDate, .date)
        try builder.plant(0x0008_0023, .DA, study.studyDate, .date)
        try builder.plant(0x0008_002A, .DT, study.studyDate + study.studyTime, .datetime)
        try builder.plant(0x0008_0030, .TM, study.studyTime, .time, detectable: false)
        try builder.plant(0x0008_0050, .SH, study.accessionNumber, .accession)
        try builder.add(0x0008_0060, .CS, modality)
        try builder.add(0x0008_0070, .LO, "Synthetic Scanners Inc.")
        try builder.add(0x0008_1090, .LO, "SYNTH-\(modality) 1")
        try builder.plant(0x0008_0080, .LO, "Hôpital Synthétique", .institution)
        let physician = identity.physician
        let physicianName = builder.planter.canEncode(physician.dicom, vr: .PN) ? physician : asciiTwin(physician)
        try builder.plant(
            0x0008_0090, .PN, "\(physicianName.family)^\(physicianName.given)^^Dr.",
            [(physicianName.family, .name), (physicianName.given, .name)])
        try builder.plant(0x0008_1010, .SH, series.stationName, .device)
        try builder.add(0x0008_1030, .LO, description)
        try builder.plant(0x0010_0010, .PN, name.dicom, name.components.map { ($0, .name) })
        try builder.plant(0x0010_0020, .LO, identity.mrn, .mrn)
        try builder.plant(0x0010_0030, .DA, identity.birthDate, .date)
        try builder.add(0x0010_0040, .CS, identity.sex)
        try builder.plant(0x0010_1000, .LO, identity.ssn, .ssn)
        if let otherNames {
            try builder.plant(0x0010_1001, .PN, otherNames.dicom, otherNames.components.map { ($0, .name) })
        }
        // Ages up to 89 are not identifying (HIPAA Safe Harbor) and Retain Patient Characteristics keeps them.
        try builder.plant(
            0x0010_1010, .AS, SyntheticIdentity.pad(identity.age, 3) + "Y", .age, detectable: identity.age > 89)
        try builder.plant(
            0x0010_1040, .LO, "\(identity.street), \(identity.city) \(identity.zip)",
            [(identity.street, .address), (identity.city, .address)])
        builder.planter.record(
            identity.zip, kind: .zip, tag: Tag(0x0010_1040), path: builder.path(Tag(0x0010_1040)), detectable: false)
        try builder.plant(0x0010_2154, .SH, identity.phone, .phone)
        try builder.plant(
            0x0010_2155, .LT, "e-mail \(identity.email); fax \(identity.fax)",
            [(identity.email, .email), (identity.fax, .fax)])
        try builder.plant(0x0018_1000, .LO, series.serialNumber, .device)
        try builder.plant(0x0020_000D, .UI, study.studyInstanceUID, .uid)
        try builder.plant(0x0020_000E, .UI, series.uid, .uid)
        try builder.plant(0x0020_0010, .SH, study.studyID, .id)
        try builder.add(0x0020_0011, .IS, "1")
        try builder.add(0x0020_0013, .IS, String(instanceNumber))
    }

    private func asciiTwin(_ name: SyntheticIdentity.LatinName) -> SyntheticIdentity.LatinName {
        SyntheticIdentity.LatinName(
            family: name.asciiFamily, given: name.asciiGiven, asciiFamily: name.asciiFamily,
            asciiGiven: name.asciiGiven)
    }

    /// Image Pixel module (PS3.3 §C.7.6.3): `size`×`size` MONOCHROME2 pixels of a simple pattern.
    private func addPixels(
        _ builder: inout DatasetBuilder, size: Int, frames: Int, bitsAllocated: Int, seed: Int,
        frameIncrement: (tag: UInt32, vr: VR, value: String)? = nil
    ) throws {
        builder.add(0x0028_0002, .US, uint16: 1)
        try builder.add(0x0028_0004, .CS, "MONOCHROME2")
        if frames > 1 {
            try builder.add(0x0028_0008, .IS, String(frames))
            let increment = frameIncrement ?? (0x0018_1063, .DS, "33.3")
            builder.add(DataElement(tag: Tag(0x0028_0009), tags: [Tag(increment.tag)]))
            if increment.vr == .US {
                let values = increment.value.split(separator: "\\").compactMap { UInt16($0) }
                builder.add(DataElement(tag: Tag(increment.tag), vr: .US, uint16s: values))
            } else {
                try builder.add(increment.tag, increment.vr, increment.value)
            }
        }
        builder.add(0x0028_0010, .US, uint16: UInt16(size))
        builder.add(0x0028_0011, .US, uint16: UInt16(size))
        builder.add(0x0028_0100, .US, uint16: UInt16(bitsAllocated))
        builder.add(0x0028_0101, .US, uint16: UInt16(bitsAllocated == 8 ? 8 : 12))
        builder.add(0x0028_0102, .US, uint16: UInt16(bitsAllocated == 8 ? 7 : 11))
        builder.add(0x0028_0103, .US, uint16: 0)
        var pixels: [UInt16] = []
        pixels.reserveCapacity(size * size * frames)
        for frame in 0..<frames {
            for row in 0..<size {
                for column in 0..<size {
                    let centre = size / 2
                    let distance = abs(row - centre) + abs(column - centre)
                    let value = (distance < size / 3 ? 180 : 40) + (row * 3 + column * 5 + frame * 17 + seed * 7) % 23
                    pixels.append(UInt16(value * (bitsAllocated == 8 ? 1 : 16)))
                }
            }
        }
        if bitsAllocated == 8 {
            builder.add(DataElement(tag: .pixelData, vr: .OB, bytes: pixels.map { UInt8(truncatingIfNeeded: $0) }))
        } else {
            builder.add(DataElement(tag: .pixelData, vr: .OW, uint16s: pixels))
        }
    }

    /// The `CANARY CREATOR` block in group 0009 with a private sequence three deep, and optionally a
    /// Table E.3.10-1 block whose canary sits in an element that is not on the safe list.
    private func addPrivateBlocks(_ builder: inout DatasetBuilder, safeBlock: Bool) throws {
        let creator = Tag(0x0009_0010)
        try builder.add(creator.rawValue, .LO, Self.canaryCreator)
        try builder.plantCanary(Tag(0x0009_1001), .LO)
        try builder.plantCanary(Tag(0x0009_1002), .PN)
        try builder.plantCanary(Tag(0x0009_1003), .OB)
        let header = [
            DataElement(tag: creator, vr: .LO, bytes: try planter.encode(Self.canaryCreator, vr: .LO, tag: creator))
        ]
        builder.add(
            try chain(Tag(0x0009_1010), depth: 3, prefix: builder.prefix, itemHeader: header) { inner in
                try inner.plantCanary(Tag(0x0009_1001), .LO)
                try inner.plantCanary(Tag(0x0010_0010), .PN)
            })
        guard safeBlock else { return }
        try builder.add(0x0019_0010, .LO, Self.safeCreator)
        // Table Speed (0019,xx23) is on the safe list; the canary goes in the first offset that is not.
        try builder.add(0x0019_1023, .DS, "12.5")
        let offset =
            (UInt8(1)...UInt8(0xFF)).first {
                SafePrivateAttributes.attribute(group: 0x0019, creator: Self.safeCreator, elementOffset: $0) == nil
            } ?? 1
        try builder.plantCanary(Tag(group: 0x0019, element: 0x1000 | UInt16(offset)), .LO)
    }

    /// A chain of `depth` nested items of `sequence`, each starting with `itemHeader`; `fill` adds the innermost
    /// item's elements (with paths such as `(0040,A730)[0].(0040,A730)[0].(0010,0010)`).
    func chain(
        _ sequence: Tag, depth: Int, prefix: String, itemHeader: [DataElement],
        fill: (inout DatasetBuilder) throws -> Void
    ) throws -> DataElement {
        precondition(depth >= 1, "a chain has at least one item")
        let innerPrefix = prefix + String(repeating: sequence.description + "[0].", count: depth)
        var inner = DatasetBuilder(planter: planter, prefix: innerPrefix)
        for element in itemHeader { inner.add(element) }
        try fill(&inner)
        var item = inner.dataset
        for _ in 1..<depth {
            item = Dataset(itemHeader + [DataElement(tag: sequence, items: [item])])
        }
        return DataElement(tag: sequence, items: [item])
    }

    /// The file meta group (PS3.10 §7.1) with canaries in Source Application Entity Title and the private
    /// information elements.
    private func fileMeta(sopClassUID: String, sopInstanceUID: String) throws -> Dataset {
        var meta = DatasetBuilder(planter: planter)
        meta.add(DataElement(tag: .mediaStorageSOPClassUID, vr: .UI, string: sopClassUID))
        meta.add(DataElement(tag: .mediaStorageSOPInstanceUID, vr: .UI, string: sopInstanceUID))
        meta.add(DataElement(tag: .transferSyntaxUID, vr: .UI, string: TransferSyntax.explicitVRLittleEndian.uid))
        meta.add(DataElement(tag: .implementationClassUID, vr: .UI, string: FedLakeImplementation.classUID))
        meta.add(DataElement(tag: .implementationVersionName, vr: .SH, string: FedLakeImplementation.versionName))
        let characterSet = (planter.characterSet, planter.characterSetName)
        // The file meta group is always in the default repertoire (PS3.10 §7.1).
        planter.characterSet = .default
        planter.characterSetName = nil
        defer { (planter.characterSet, planter.characterSetName) = characterSet }
        try meta.plantCanary(Tag(0x0002_0016), .AE)
        try meta.plantCanary(Tag(0x0002_0100), .UI)
        try meta.plantCanary(Tag(0x0002_0102), .OB)
        return meta.dataset
    }

    /// Writes `dataset` as an explicit VR little endian Part 10 file at the planter's current file.
    private func writeDICOM(_ dataset: Dataset, sopClassUID: String, sopInstanceUID: String) throws {
        let meta = try fileMeta(sopClassUID: sopClassUID, sopInstanceUID: sopInstanceUID)
        let file = DICOMFile(
            preamble: nil, fileMeta: meta, dataset: dataset, transferSyntax: .explicitVRLittleEndian, warnings: [],
            stoppedBeforePixels: false)
        try writeFile(Data(try DICOMWriter.encode(file)), to: planter.file)
    }

    // MARK: Structured report

    private func code(_ value: String, _ scheme: String, _ meaning: String) -> Dataset {
        Dataset([
            DataElement(tag: Tag(0x0008_0100), vr: .SH, string: value),
            DataElement(tag: Tag(0x0008_0102), vr: .SH, string: scheme),
            DataElement(tag: Tag(0x0008_0104), vr: .LO, string: meaning),
        ])
    }

    /// A Basic Text SR (PS3.3 §A.35.1) in Japanese (ISO 2022 IR 87), whose content tree mentions the patient.
    private func writeReport(of identity: SyntheticIdentity) throws {
        let terms = ["ISO 2022 IR 6", "ISO 2022 IR 87"]
        let file = "\(identity.folder)/sr-1.dcm"
        beginDICOM(file, sopClassUID: Self.basicTextSRStorage, modality: "SR", characterSet: terms)
        let study = identity.study("SR")
        let sopInstanceUID = planter.uid()
        let name = NameValue(
            dicom: "\(identity.romaji.dicom)=\(identity.kanji.dicom)",
            components: [identity.romaji.family, identity.romaji.given, identity.kanji.family, identity.kanji.given])
        var builder = DatasetBuilder(planter: planter)
        try addCommon(
            &builder, identity: identity, study: study, series: newSeries("SR"), sopClassUID: Self.basicTextSRStorage,
            sopInstanceUID: sopInstanceUID, modality: "SR", terms: terms, description: "RADIOLOGY REPORT", name: name,
            otherNames: nil, instanceNumber: 1)
        try builder.add(0x0040_A040, .CS, "CONTAINER")
        builder.add(DataElement(tag: Tag(0x0040_A043), items: [code("18748-4", "LN", "Diagnostic Imaging Report")]))
        try builder.add(0x0040_A050, .CS, "SEPARATE")
        try builder.add(0x0040_A491, .CS, "COMPLETE")
        try builder.add(0x0040_A493, .CS, "UNVERIFIED")

        let content = Tag(0x0040_A730)
        var items: [Dataset] = []
        func item(_ index: Int, _ valueType: String, _ concept: Dataset, fill: (inout DatasetBuilder) throws -> Void)
            throws
        {
            var item = DatasetBuilder(planter: planter, prefix: "\(content)[\(index)].")
            try item.add(0x0040_A010, .CS, "CONTAINS")
            try item.add(0x0040_A040, .CS, valueType)
            item.add(DataElement(tag: Tag(0x0040_A043), items: [concept]))
            try fill(&item)
            items.append(item.dataset)
        }
        let ct = identity.study("CT")
        let physician = asciiTwin(identity.physician)
        let seen = SyntheticIdentity.textForms(of: ct.studyDate)[0]
        let token = planter.token()
        try item(0, "TEXT", code("121071", "DCM", "Finding")) { item in
            let text =
                "Findings for \(identity.romaji.given) \(identity.romaji.family) (\(identity.mrn)), seen \(seen) "
                + "by Dr. \(physician.family). Reference \(token)."
            try item.plant(
                0x0040_A160, .UT, text,
                [
                    (identity.romaji.given, .name), (identity.romaji.family, .name), (identity.mrn, .mrn),
                    (seen, .date), (physician.family, .name),
                ])
            planter.record(token, kind: .text, tag: Tag(0x0040_A160), path: item.path(Tag(0x0040_A160)), canary: true)
        }
        try item(1, "PNAME", code("121008", "DCM", "Person Observer Name")) { item in
            try item.plant(0x0040_A123, .PN, name.dicom, name.components.map { ($0, .name) })
        }
        try item(2, "DATE", code("111060", "DCM", "Study Date")) { item in
            try item.plant(0x0040_A121, .DA, ct.studyDate, .date)
        }
        try item(3, "UIDREF", code("110180", "DCM", "Study Instance UID")) { item in
            try item.plant(0x0040_A124, .UI, ct.studyInstanceUID, .uid)
        }
        try item(4, "CONTAINER", code("121070", "DCM", "Findings")) { item in
            try item.add(0x0040_A050, .CS, "SEPARATE")
            var nested = DatasetBuilder(planter: planter, prefix: item.path(content) + "[0].")
            try nested.add(0x0040_A010, .CS, "CONTAINS")
            try nested.add(0x0040_A040, .CS, "TEXT")
            nested.add(DataElement(tag: Tag(0x0040_A043), items: [code("121071", "DCM", "Finding")]))
            try nested.plant(
                0x0040_A160, .UT, "\(identity.kanji.family)\(identity.kanji.given)様の所見：異常なし。",
                [(identity.kanji.family, .name), (identity.kanji.given, .name)])
            try nested.plantCanary(Tag(0x0010_0010), .PN)
            item.add(DataElement(tag: content, items: [nested.dataset]))
        }
        builder.add(DataElement(tag: content, items: items))
        try addPrivateBlocks(&builder, safeBlock: false)
        try writeDICOM(builder.dataset, sopClassUID: Self.basicTextSRStorage, sopInstanceUID: sopInstanceUID)
    }

    // MARK: Canary carriers

    /// Writes the Table E.1-1 sweep: `canaries/top-level.dcm` and `canaries/depth-N.dcm` for each nesting depth.
    func writeCanaryCarriers() throws {
        let targets = CanaryTarget.all
        try writeCarrier("canaries/top-level.dcm", terms: ["ISO_IR 192"]) { builder in
            for target in targets where !target.isFileMeta {
                try builder.plantCanary(target.tag, target.vr)
            }
            try addPrivateBlocks(&builder, safeBlock: true)
        }
        let termsByDepth = [1: ["ISO_IR 100"], 3: ["ISO_IR 144"], 8: ["ISO 2022 IR 6", "ISO 2022 IR 87"]]
        for depth in SyntheticCorpus.nestingDepths {
            try writeCarrier("canaries/depth-\(depth).dcm", terms: termsByDepth[depth] ?? ["ISO_IR 192"]) { builder in
                let contentHeader = [
                    DataElement(tag: Tag(0x0040_A010), vr: .CS, string: "CONTAINS"),
                    DataElement(tag: Tag(0x0040_A040), vr: .CS, string: "CONTAINER"),
                ]
                for (sequence, header) in [(Tag(0x0040_A730), contentHeader), (Tag(0x0008_1115), [])] {
                    builder.add(
                        try chain(sequence, depth: depth, prefix: "", itemHeader: header) { inner in
                            for target in targets where !target.isTopLevelOnly {
                                try inner.plantCanary(target.tag, target.vr)
                            }
                        })
                }
            }
        }
    }

    /// A CT instance (8×8 pixels, Burned In Annotation NO, so a de-identifier's pixel policy lets it through)
    /// whose elements `fill` adds after the required ones, replacing them where the tags are equal; the file meta
    /// row of Table E.1-1, (0002,0003), is recorded in its file meta group.
    private func writeCarrier(_ file: String, terms: [String], fill: (inout DatasetBuilder) throws -> Void) throws {
        beginDICOM(file, sopClassUID: Self.ctImageStorage, modality: "CT", characterSet: terms)
        var builder = DatasetBuilder(planter: planter)
        try builder.add(0x0008_0005, .CS, terms.joined(separator: "\\"))
        try builder.add(0x0008_0016, .UI, Self.ctImageStorage)
        try builder.add(0x0008_0018, .UI, planter.uid())
        try builder.add(0x0008_0060, .CS, "CT")
        try builder.add(0x0028_0301, .CS, "NO")
        try builder.add(0x0010_0010, .PN, "CARRIER^CANARY")
        try builder.add(0x0020_000D, .UI, planter.uid())
        try builder.add(0x0020_000E, .UI, planter.uid())
        try addPixels(&builder, size: 8, frames: 1, bitsAllocated: 8, seed: 1)
        try fill(&builder)
        let dataset = builder.dataset
        let sopInstanceUID = dataset.string(for: .sopInstanceUID) ?? ""
        if file.hasSuffix("top-level.dcm") {
            for target in CanaryTarget.all where target.isFileMeta && target.tag == .mediaStorageSOPInstanceUID {
                // (0002,0003) must equal (0008,0018) (PS3.10 §7.1), which holds a canary here: the same value.
                planter.record(
                    sopInstanceUID, kind: .uid, tag: target.tag, path: target.tag.description, canary: true)
            }
        }
        try writeDICOM(dataset, sopClassUID: Self.ctImageStorage, sopInstanceUID: sopInstanceUID)
    }
}
