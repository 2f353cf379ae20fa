import Connectors
import DICOM
import Deidentify
import Dispatch
import Foundation
import Glibc
import Synchronization

/// CPU-bound de-identification runs here, off Swift's cooperative pool (STYLE R6); the number of objects in
/// flight (``IngestOptions/concurrency``) bounds how many threads it uses.
private let deidentificationQueue = DispatchQueue(label: "fedlake.lake.deidentify", attributes: .concurrent)

func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
        deidentificationQueue.async { continuation.resume(returning: work()) }
    }
}

extension IngestPipeline {
    /// File name extensions handled as documents; everything else must be DICOM.
    static let documentExtensions: Set<String> = [
        "txt", "text", "note", "csv", "json", "pdf", "doc", "docx", "rtf", "odt", "xls", "xlsx", "xml", "html", "htm",
        "png", "jpg", "jpeg", "gif", "tif", "tiff",
    ]

    /// Whether the object with source identifier `id` is handled as a document.
    static func isDocument(_ id: String, kind: SourceKind) -> Bool {
        guard kind != .orthanc else { return false }
        return documentExtensions.contains(FileTree.pathExtension(of: id))
    }

    /// Fetches one object (into memory when the source keeps it there, else to a scratch file), de-identifies
    /// it and stores the result in the object store.
    /// Never throws: every failure is a quarantine or a transient result.
    func prepare(_ ref: SourceObjectRef, objectKey: String, descriptor: IngestSourceDescriptor) async -> PreparationResult {
        let scratch = scratchFiles.take()
        defer { scratchFiles.give(scratch) }
        func origin(_ versionKey: String, _ bytes: Int64) -> PreparedObject.Origin {
            PreparedObject.Origin(objectKey: objectKey, versionKey: versionKey, sourceObject: ref.id, sourceBytes: bytes)
        }
        let listedVersionKey: String
        do {
            listedVersionKey = try lake.keyedDigest(ref.version)
        } catch {
            return .transient(origin: origin("", 0), error: error.description, countsAsAttempt: false)
        }
        let fetched: FetchedObject
        do {
            switch try await descriptor.source.fetch(ref, to: scratch) {
            case .deletedBeforeFetch: return .vanished
            case .fetched(let object): fetched = object
            }
        } catch let error as ConnectorError {
            if error.isRetryable {
                // A server that cannot be reached says nothing about this object: it is not an attempt.
                return .transient(
                    origin: origin(listedVersionKey, 0), error: error.description,
                    countsAsAttempt: error.code != .unavailable)
            }
            return .prepared(
                PreparedObject(
                    origin: origin(listedVersionKey, 0), stored: nil,
                    content: .quarantine(code: "fetchFailed", reason: error.description)))
        } catch {
            return .transient(origin: origin(listedVersionKey, 0), error: "\(error)", countsAsAttempt: false)
        }
        let versionKey: String
        do {
            versionKey = try lake.keyedDigest(fetched.version)
        } catch {
            return .transient(origin: origin(listedVersionKey, 0), error: error.description, countsAsAttempt: false)
        }
        let objectOrigin = origin(versionKey, fetched.byteCount)
        let isDocument = Self.isDocument(ref.id, kind: descriptor.kind)
        let pipeline = self
        return await offPool { () -> PreparationResult in
            if isDocument {
                return pipeline.prepareDocument(
                    fetched, origin: objectOrigin, key: ref.id, pattern: descriptor.documentPatientPattern)
            }
            return pipeline.prepareInstance(fetched, origin: objectOrigin)
        }
    }

    private func quarantine(_ origin: PreparedObject.Origin, _ code: String, _ reason: String) -> PreparationResult {
        .prepared(PreparedObject(origin: origin, stored: nil, content: .quarantine(code: code, reason: reason)))
    }

    /// Whether the file starts like DICOM: `DICM` after a 128-byte preamble (PS3.10 §7.1), or a bare data set
    /// beginning with a group 0002 or 0008 tag in little-endian order.
    static func looksLikeDICOM(_ object: FetchedObject) -> Bool {
        if let bytes = object.bytes { return looksLikeDICOM(head: Array(bytes.prefix(132))) }
        guard let handle = try? FileHandle(forReadingFrom: object.file) else { return false }
        defer { try? handle.close() }
        return looksLikeDICOM(head: [UInt8]((try? handle.read(upToCount: 132)) ?? Data()))
    }

    private static func looksLikeDICOM(head: [UInt8]) -> Bool {
        if head.count >= 132, head[128..<132].elementsEqual(Array("DICM".utf8)) { return true }
        return head.count >= 8 && head[1] == 0x00 && (head[0] == 0x02 || head[0] == 0x08)
            && !(head[2] == 0 && head[3] == 0)
    }

    func prepareInstance(_ fetched: FetchedObject, origin: PreparedObject.Origin) -> PreparationResult {
        guard Self.looksLikeDICOM(fetched) else {
            return quarantine(origin, "notDICOM", "the object is not a DICOM file (no DICM prefix, no data set)")
        }
        var options = DICOMReader.Options.lenient
        options.deferThreshold = 64 * 1024
        let file: DICOMFile
        do {
            if let bytes = fetched.bytes {
                file = try DICOMReader.read(bytes: bytes, options: options)
            } else {
                file = try DICOMReader.read(contentsOf: fetched.file, options: options)
            }
        } catch {
            return quarantine(origin, "unreadableDICOM", "the DICOM file cannot be read: \(error.reason)")
        }
        identities.add(file.dataset)
        switch dicom.deidentify(file) {
        case .quarantined(let reason):
            return quarantine(origin, reason.code.rawValue, reason.message)
        case .deidentified(let output, _):
            let record: InstanceRecord
            switch InstanceRecord.make(from: output) {
            case .failure(let failure): return quarantine(origin, failure.code, failure.reason)
            case .success(let made): record = made
            }
            do {
                let stored: (sha256: String, byteCount: Int64)
                if origin.sourceBytes <= Int64(IngestSourceLimits.inMemoryBytes) {
                    // Encoded in memory, hashed there and written once; never read back.
                    stored = try lake.store(bytes: try DICOMWriter.encode(output))
                } else {
                    // Large values (pixel data) are copied from the fetched file as the output is written.
                    stored = try lake.store { file in _ = try DICOMWriter.write(output, to: file) }
                }
                return .prepared(
                    PreparedObject(
                        origin: origin,
                        stored: .init(sha256: stored.sha256, byteCount: stored.byteCount, mediaType: "application/dicom"),
                        content: .instance(record)))
            } catch {
                return .transient(origin: origin, error: "the de-identified file cannot be stored: \(error)", countsAsAttempt: true)
            }
        }
    }

    func prepareDocument(
        _ fetched: FetchedObject, origin: PreparedObject.Origin, key: String, pattern: DocumentPatientPattern?
    ) -> PreparationResult {
        let fileName = "document." + FileTree.pathExtension(of: key)
        guard origin.sourceBytes <= Int64(DocumentDeidentifier.maximumTextBytes) else {
            return quarantine(origin, "invalidDocument", "\(fileName): larger than \(DocumentDeidentifier.maximumTextBytes) bytes")
        }
        guard let data = try? fetched.contents() else {
            return .transient(origin: origin, error: "the fetched document cannot be read back", countsAsAttempt: true)
        }
        let patientID = pattern?.patientID(in: key)
        var pseudonym: String?
        var dateShift: DateShift?
        if let patientID {
            do {
                pseudonym = try patients.pseudonym(forPatientID: patientID, issuer: nil)
                if shiftsDates { dateShift = try dates.shift(forPatientID: patientID, issuer: nil) }
            } catch {
                return quarantine(origin, "keyedDigestFailed", "\(fileName): \(error.reason)")
            }
        }
        let identity = identities.identity(forPatientID: patientID)
        switch documents.deidentify(bytes: data, fileName: fileName, identity: identity, dateShift: dateShift) {
        case .quarantined(let error):
            return quarantine(origin, error.code.rawValue, error.description)
        case .deidentified(let bytes, let kind, _):
            let mediaType: String
            switch kind {
            case .plainText: mediaType = "text/plain"
            case .csv: mediaType = "text/csv"
            case .fhirJSON: mediaType = "application/fhir+json"
            }
            let date = kind == .fhirJSON ? DocumentRecord.fhirDate(bytes) : nil
            do {
                let stored = try lake.store(bytes: bytes)
                return .prepared(
                    PreparedObject(
                        origin: origin, stored: .init(sha256: stored.sha256, byteCount: stored.byteCount, mediaType: mediaType),
                        content: .document(
                            DocumentRecord(
                                patientPseudonym: pseudonym, kind: kind.rawValue, date: date?.0, year: date?.1,
                                text: String(decoding: bytes, as: UTF8.self)))))
            } catch {
                return .transient(origin: origin, error: "the de-identified file cannot be stored: \(error)", countsAsAttempt: true)
            }
        }
    }
}

/// The working files fetched objects are downloaded into, reused from one object to the next: a file is
/// emptied (`truncate(2)`) as soon as its object is prepared, so no original bytes stay on disk between
/// objects, and its inode is kept, so a pass does not create and delete a file per object. The files are
/// removed when the run ends (and any left by a killed run when the next one starts).
final class ScratchFiles: Sendable {
    private let lake: Lake
    private let idle = Mutex<[URL]>([])
    /// The most idle files kept; more are removed when given back.
    static let maximumIdle = 64

    init(lake: Lake) { self.lake = lake }

    deinit { removeAll() }

    /// An empty working file's name (an idle one, or a fresh name in the lake's scratch folder).
    func take() -> URL {
        idle.withLock { $0.popLast() } ?? lake.scratchFile()
    }

    /// Empties `file` and keeps it for the next object; removes it when it cannot be emptied or enough are kept.
    func give(_ file: URL) {
        // A name no file was made under (the object was fetched into memory, or the fetch failed first) is
        // kept as well: there is nothing to empty.
        if Glibc.truncate(file.path, 0) == 0 || errno == ENOENT, idle.withLock({ files in
            guard files.count < Self.maximumIdle else { return false }
            files.append(file)
            return true
        }) {
            return
        }
        _ = Glibc.unlink(file.path)
    }

    /// Removes every idle file.
    func removeAll() {
        for file in idle.withLock({ files in defer { files.removeAll() }; return files }) { _ = Glibc.unlink(file.path) }
    }
}
