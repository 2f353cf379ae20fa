import DICOM

/// A value, or why the instance must be quarantined.
enum Checked<Value> {
    case success(Value)
    case failure(QuarantineReason)
}

/// The geometry of native pixel data that a cleaning rule blanks (PS3.3 §C.7.6.3).
struct PixelGeometry: Sendable, Hashable {
    var rows: Int
    var columns: Int
    var frames: Int
    var samplesPerPixel: Int
    var bytesPerSample: Int
    var planarConfiguration: Int

    var frameSize: Int { rows * columns * samplesPerPixel * bytesPerSample }
}

/// What to do with an instance's pixel data, decided from the original data set before anything is removed.
enum PixelPlan: Sendable {
    /// Pass the pixel data through as it is (deferred values stay deferred).
    case passThrough
    /// Blank the rule's rectangles on every frame.
    case clean(PixelCleaningRule, PixelGeometry)

    static func make(
        for dataset: Dataset, transferSyntax: TransferSyntax, configuration: DeidentificationConfiguration
    ) -> Checked<PixelPlan> {
        let pixelTags = [Tag.pixelData, Tag(0x7FE0_0008), Tag(0x7FE0_0009)]
        guard pixelTags.contains(where: { dataset.contains($0) }) else { return .success(.passThrough) }
        let sopClass = dataset.string(for: .sopClassUID)
        let modality = dataset.string(for: .modality)
        let annotation = dataset.string(for: Tag(0x0028_0301))
        guard
            configuration.pixelRiskPolicy.needsCleaning(
                sopClassUID: sopClass, modality: modality, burnedInAnnotation: annotation)
        else { return .success(.passThrough) }

        let rows = dataset[.rows]?.uint16s?.first.map(Int.init)
        let columns = dataset[.columns]?.uint16s?.first.map(Int.init)
        let what = describe(sopClass: sopClass, modality: modality, rows: rows, columns: columns, annotation: annotation)
        guard
            let rule = configuration.pixelCleaningRules.first(where: {
                $0.matches(
                    modality: modality, manufacturer: dataset.string(for: Tag(0x0008_0070)),
                    modelName: dataset.string(for: Tag(0x0008_1090)), rows: rows, columns: columns)
            })
        else {
            return .failure(
                QuarantineReason(
                    .burnedInAnnotation,
                    "\(what) may carry burned-in annotation and no pixel cleaning rule matches it; add a rule for its "
                        + "modality, manufacturer, model and size, or set Burned In Annotation (0028,0301) NO at the "
                        + "source if it has none"))
        }
        guard let pixels = dataset[.pixelData] else {
            return .failure(
                QuarantineReason(.unsupportedPixelFormat, "\(what) has float pixel data, which rules cannot clean"))
        }
        if case .fragments = pixels.value {
            return .failure(compressed(what, rule: rule))
        }
        if transferSyntax.isEncapsulated { return .failure(compressed(what, rule: rule)) }
        let bitsAllocated = dataset[.bitsAllocated]?.uint16s?.first.map(Int.init)
        let samples = dataset[Tag(0x0028_0002)]?.uint16s?.first.map(Int.init) ?? 1
        let planar = dataset[Tag(0x0028_0006)]?.uint16s?.first.map(Int.init) ?? 0
        let framesText = dataset.string(for: Tag(0x0028_0008)).map(PixelRiskPolicy.trimmed) ?? ""
        let frames = framesText.isEmpty ? 1 : IntegerString.parse(framesText)
        guard let rows, let columns, rows > 0, columns > 0, let bitsAllocated, bitsAllocated == 8 || bitsAllocated == 16,
            samples == 1 || samples == 3, planar == 0 || planar == 1, let frames, frames >= 1
        else {
            return .failure(
                QuarantineReason(
                    .unsupportedPixelFormat,
                    "\(what) matches pixel cleaning rule '\(rule.name)', but only native pixel data with Bits Allocated "
                        + "8 or 16, Samples per Pixel 1 or 3 and known Rows, Columns and Number of Frames can be "
                        + "cleaned"))
        }
        let geometry = PixelGeometry(
            rows: rows, columns: columns, frames: frames, samplesPerPixel: samples,
            bytesPerSample: bitsAllocated / 8, planarConfiguration: planar)
        return .success(.clean(rule, geometry))
    }

    private static func compressed(_ what: String, rule: PixelCleaningRule) -> QuarantineReason {
        QuarantineReason(
            .compressedPixelDataNeedsCleaning,
            "\(what) matches pixel cleaning rule '\(rule.name)', but compressed pixel data needs cleaning; "
                + "no decoder exists yet")
    }

    /// "a US instance (SOP Class 1.2.840.10008.5.1.4.1.1.6.1, 480x640, Burned In Annotation absent)": only
    /// standard UIDs, coded values and sizes, no patient data.
    static func describe(sopClass: String?, modality: String?, rows: Int?, columns: Int?, annotation: String?) -> String {
        var details: [String] = []
        if let uid = sopClass.map(PixelRiskPolicy.trimmed), AttributeAllowlist.isWellKnownUID(uid) {
            details.append("SOP Class \(uid)")
        }
        if let rows, let columns { details.append("\(rows)x\(columns)") }
        let annotationText = annotation.map(PixelRiskPolicy.trimmed).map { $0.uppercased() }
        switch annotationText {
        case nil: details.append("Burned In Annotation absent")
        case "YES"?: details.append("Burned In Annotation YES")
        default: details.append("Burned In Annotation not NO")
        }
        let modalityText = modality.map(PixelRiskPolicy.trimmed).flatMap {
            AttributeAllowlist.isCodedString($0) && !$0.isEmpty ? $0 : nil
        }
        return "a\(modalityText.map { " \($0)" } ?? "n") instance (\(details.joined(separator: ", ")))"
    }
}

/// Sets rectangles of native pixel data to zero on every frame.
enum PixelBlanker {
    static func blank(_ element: DataElement?, geometry: PixelGeometry, rectangles: [PixelRectangle])
        -> Checked<DataElement>
    {
        guard let element else {
            return .failure(QuarantineReason(.unreadablePixelData, "the pixel data (7FE0,0010) is missing"))
        }
        let loaded: [UInt8]?
        do throws(DICOMError) { loaded = try element.loadBytes() } catch {
            return .failure(
                QuarantineReason(.unreadablePixelData, "the pixel data (7FE0,0010) could not be read: \(error.code)"))
        }
        guard var bytes = loaded else {
            return .failure(QuarantineReason(.unreadablePixelData, "the pixel data (7FE0,0010) is not native"))
        }
        let frameSize = geometry.frameSize
        guard frameSize > 0, geometry.frames <= bytes.count / frameSize else {
            return .failure(
                QuarantineReason(
                    .unreadablePixelData,
                    "the pixel data (7FE0,0010) has \(bytes.count) bytes, fewer than \(geometry.frames) frames of "
                        + "\(frameSize) bytes"))
        }
        let columns = geometry.columns
        let rows = geometry.rows
        let sampleBytes = geometry.bytesPerSample
        let samples = geometry.samplesPerPixel
        bytes.withUnsafeMutableBufferPointer { buffer in
            func zero(_ start: Int, _ count: Int) {
                for index in start..<(start + count) { buffer[index] = 0 }
            }
            for frame in 0..<geometry.frames {
                let base = frame * frameSize
                for rectangle in rectangles {
                    let x0 = max(0, rectangle.x)
                    let y0 = max(0, rectangle.y)
                    let x1 = min(columns, rectangle.x.addingReportingOverflow(max(0, rectangle.width)).partialValue)
                    let y1 = min(rows, rectangle.y.addingReportingOverflow(max(0, rectangle.height)).partialValue)
                    guard x0 < x1, y0 < y1 else { continue }
                    if samples == 1 || geometry.planarConfiguration == 0 {
                        for y in y0..<y1 {
                            zero(base + (y * columns + x0) * samples * sampleBytes, (x1 - x0) * samples * sampleBytes)
                        }
                    } else {
                        for plane in 0..<samples {
                            let planeBase = base + plane * rows * columns * sampleBytes
                            for y in y0..<y1 {
                                zero(planeBase + (y * columns + x0) * sampleBytes, (x1 - x0) * sampleBytes)
                            }
                        }
                    }
                }
            }
        }
        var cleaned = element
        cleaned.value = .bytes(bytes)
        return .success(cleaned)
    }
}
