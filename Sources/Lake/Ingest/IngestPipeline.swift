import Connectors
public import Deidentify
import Foundation
import Synchronization

/// Pulls objects from sources into a lake: list → fetch → de-identify → store → commit, exactly once.
///
/// ```swift
/// let pipeline = try IngestPipeline(lake: lake, deidentification: configuration, options: IngestOptions()) {
///     event in print(event)
/// }
/// let report = await pipeline.ingestOnce([IngestSourceDescriptor(source: orthanc, kind: .orthanc)])
/// ```
///
/// How each source is read: its ``SourceCursor`` is loaded from `sources.cursor`, a batch of
/// ``IngestOptions/batchSize`` entries is listed, and every object the lake does not hold in that version
/// (by keyed digests of its identifier and version) is fetched to a scratch file, de-identified on a
/// worker thread (at most ``IngestOptions/concurrency`` objects in flight, so memory does not grow with
/// the backlog) and stored in the object store. Prepared objects are committed in groups while the next
/// ones are prepared: one flush of the object store, then one transaction in which each object is handled
/// as if alone (its rows, its provenance, the end of a version it replaces, the resolution of its
/// quarantine entry). When every object of the batch is committed, one more transaction records the
/// objects seen unchanged, deletions and the new cursor.
///
/// Exactly once under `SIGKILL` at any instant: the cursor moves only after every object of its batch
/// is committed, so a restart lists the batch again; objects already committed are recognised by their
/// provenance (same object and version digest, checked again inside the commit transaction) and skipped.
/// A stored file whose transaction never committed is either written again by the replay (same bytes, same
/// name) or removed by ``Lake/removeOrphanObjects()`` when the next run starts (under the lake's ingest lock).
///
/// One bad object never stops the rest: what cannot be de-identified (burned-in annotation, not DICOM, an
/// unsupported document) is quarantined with a reason code. A transient failure (the server is down or
/// erring, after the source's ``RetryPolicy``) stops the source's pass without moving its cursor; an object
/// that keeps failing that way is quarantined after ``IngestOptions/maxAttempts`` passes.
public struct IngestPipeline: Sendable {
    /// The lake written to.
    public let lake: Lake
    /// How the pipeline works.
    public let options: IngestOptions
    let dicom: DICOMDeidentifier
    let documents: DocumentDeidentifier
    let patients: PatientPseudonymizer
    let dates: DateShifter
    let shiftsDates: Bool
    let profile: String
    let identities = IdentityRegistry()
    let scratchFiles: ScratchFiles
    let events: @Sendable (IngestEvent) -> Void

    /// Creates a pipeline.
    ///
    /// - Parameters:
    ///   - lake: The lake to fill.
    ///   - deidentification: The DICOM de-identification configuration (the node's key, profile options, pixel
    ///     rules); documents are de-identified with the same key, and their dates shifted by the same
    ///     ``DateShifter``, so a patient's documents move with their images.
    ///   - options: Parallelism, batch size, deletions, retries.
    ///   - events: Called for every ``IngestEvent``, from any thread.
    /// - Throws: ``LakeError`` `.configuration` when the configuration is refused by the de-identifier.
    public init(
        lake: Lake, deidentification: DeidentificationConfiguration, options: IngestOptions = IngestOptions(),
        events: @escaping @Sendable (IngestEvent) -> Void = { _ in }
    ) throws(LakeError) {
        self.lake = lake
        self.options = options
        self.events = events
        scratchFiles = ScratchFiles(lake: lake)
        do {
            dicom = try DICOMDeidentifier(configuration: deidentification)
            documents = try DocumentDeidentifier(key: deidentification.key)
            patients = try PatientPseudonymizer(key: deidentification.key)
            dates = try DateShifter(key: deidentification.key, range: deidentification.dateShiftRange)
        } catch {
            throw LakeError(.configuration, input: "deidentification", error.description)
        }
        shiftsDates = deidentification.options.contains(.retainLongitudinalTemporalInformationModifiedDates)
        profile = (["basic"] + deidentification.options.map(\.rawValue).sorted()).joined(separator: "+")
    }

    /// The outcome of one pass over several sources.
    public struct RunReport: Sendable {
        /// Per source: its printable ID, what was done, and its error if it failed.
        public var sources: [(source: String, counts: IngestCounts, error: String?)] = []
        /// Whether the pass stopped early because a stop was requested.
        public var stopped = false
        /// The totals over every source.
        public var totals: IngestCounts {
            var totals = IngestCounts()
            for entry in sources { totals.add(entry.counts) }
            return totals
        }
        /// Whether every source finished without error.
        public var succeeded: Bool { sources.allSatisfy { $0.error == nil } }
    }

    /// Ingests every source once, in order, until each reports it has nothing more (or a stop is
    /// requested). A failing source is recorded (`sources.last_error`, ``IngestEvent/sourceFailed(source:message:)``)
    /// and the others still run.
    ///
    /// The run holds the lake's ingest lock, so only one process ingests into a lake at a time; what an
    /// interrupted run left (half-written files, stored files never committed) is removed first.
    /// - Throws: ``LakeError`` `.io` when another process is ingesting into the lake.
    public func ingestOnce(_ sources: [IngestSourceDescriptor], stop: StopSignal = StopSignal()) async throws(LakeError)
        -> RunReport
    {
        let lock = try lake.beginIngestRun()
        defer {
            scratchFiles.removeAll()
            lock.release()
        }
        // Only documents are scrubbed against what instances said about their patients.
        identities.isEnabled = sources.contains { $0.kind != .orthanc }
        var report = RunReport()
        for descriptor in sources {
            if stop.isRequested {
                report.stopped = true
                break
            }
            do {
                let counts = try await ingest(descriptor, stop: stop)
                report.sources.append((descriptor.source.sourceID, counts, nil))
            } catch let failure as SourceFailure {
                report.sources.append((descriptor.source.sourceID, failure.counts, failure.message))
            } catch {
                report.sources.append((descriptor.source.sourceID, IngestCounts(), "\(error)"))
            }
        }
        if stop.isRequested { report.stopped = true }
        return report
    }

    /// A source's pass that ended in an error, with what was done before it.
    struct SourceFailure: Error {
        let counts: IngestCounts
        let message: String
    }

    /// Ingests one source until it reports it has nothing more, or a stop is requested.
    ///
    /// - Returns: What was done.
    /// - Throws: An error naming the source when listing fails or a transient failure stops the pass; the
    ///   error is also recorded in `sources.last_error` and reported as an event.
    public func ingest(_ descriptor: IngestSourceDescriptor, stop: StopSignal = StopSignal()) async throws -> IngestCounts {
        let name = descriptor.source.sourceID
        var total = IngestCounts()
        let sourceID = try await lake.sourceState(name: name, kind: descriptor.kind).id
        while !stop.isRequested {
            let state = try await lake.sourceState(name: name, kind: descriptor.kind)
            let batch: ChangeBatch
            do {
                batch = try await descriptor.source.listChanges(after: state.cursor, limit: options.batchSize)
            } catch {
                let message = "\(error)"
                try? await lake.recordSourceError(sourceID: sourceID, message: message)
                events(.sourceFailed(source: name, message: message))
                throw SourceFailure(counts: total, message: message)
            }
            let outcome = try await process(batch, state: state, descriptor: descriptor, stop: stop)
            total.add(outcome.counts)
            if let failure = outcome.failure {
                try? await lake.recordSourceError(sourceID: sourceID, message: failure)
                events(.sourceFailed(source: name, message: failure))
                throw SourceFailure(counts: total, message: failure)
            }
            if outcome.interrupted || batch.isComplete { break }
        }
        return total
    }

    private struct BatchOutcome {
        var counts = IngestCounts()
        var failure: String?
        var interrupted = false
    }

    private func process(
        _ batch: ChangeBatch, state: SourceState, descriptor: IngestSourceDescriptor, stop: StopSignal
    ) async throws -> BatchOutcome {
        let name = descriptor.source.sourceID
        var outcome = BatchOutcome()
        var upserts: [(ref: SourceObjectRef, objectKey: String, versionKey: String)] = []
        var deleted: [String] = []
        for change in batch.changes {
            switch change {
            case .upsert(let ref):
                upserts.append((ref, try lake.keyedDigest(ref.id), try lake.keyedDigest(ref.version)))
            case .delete(let ref):
                deleted.append(try lake.keyedDigest(ref.id))
            }
        }
        outcome.counts.listed = batch.changes.count
        let known = try await lake.knownVersions(sourceID: state.id, upserts.map { ($0.objectKey, $0.versionKey) })
        var seen: [String] = []
        var work: [(ref: SourceObjectRef, objectKey: String)] = []
        for (upsert, version) in zip(upserts, known) {
            switch version {
            case .unchanged:
                seen.append(upsert.objectKey)
                outcome.counts.unchanged += 1
            case .new:
                work.append((upsert.ref, upsert.objectKey))
            }
        }
        // Instances first, then documents: a document is scrubbed with what its patient's instances said.
        let phases = [
            work.filter { !Self.isDocument($0.ref.id, kind: descriptor.kind) },
            work.filter { Self.isDocument($0.ref.id, kind: descriptor.kind) },
        ]
        for phase in phases where !phase.isEmpty && outcome.failure == nil && !outcome.interrupted {
            try await run(phase, state: state, descriptor: descriptor, stop: stop, outcome: &outcome)
        }
        if outcome.failure != nil || outcome.interrupted { return outcome }
        outcome.counts.deleted = try await lake.finishBatch(
            sourceID: state.id, kind: descriptor.kind, pass: state.pass, seen: seen, deleted: deleted,
            cursor: batch.nextCursor, passComplete: batch.isComplete, propagateDeletions: options.propagateDeletions)
        events(.batchCommitted(source: name, counts: outcome.counts, passComplete: batch.isComplete))
        return outcome
    }

    /// What a child task of ``run(_:state:descriptor:stop:outcome:)`` hands back: one prepared object, or the
    /// outcomes of one group commit.
    private enum Step: Sendable {
        case prepared(PreparationResult)
        case committed([PreparedObject], [CommitOutcome])
    }

    /// The number of prepared objects that starts a group commit while others are still being prepared.
    /// Each commit writes the pages it changes once, so a group shares the B-tree and index pages its objects
    /// have in common and one flush of the store and of the WAL.
    static let commitGroupSize = 64

    /// Prepares `items` with at most ``IngestOptions/concurrency`` in flight and commits them in groups while
    /// the next ones are prepared: one commit runs at a time and takes every object ready when it starts
    /// (a group commit, see ``commitGroupSize``), so the lake's flushes are shared by the objects that wait on
    /// them and the preparation never waits for the disk.
    private func run(
        _ items: [(ref: SourceObjectRef, objectKey: String)], state: SourceState, descriptor: IngestSourceDescriptor,
        stop: StopSignal, outcome: inout BatchOutcome
    ) async throws {
        let name = descriptor.source.sourceID
        let lake = self.lake
        let profile = self.profile
        try await withThrowingTaskGroup(of: Step.self) { group in
            var next = 0
            var preparing = 0
            var ready: [PreparedObject] = []
            var committing = false
            func launch() {
                let item = items[next]
                next += 1
                preparing += 1
                group.addTask { .prepared(await prepare(item.ref, objectKey: item.objectKey, descriptor: descriptor)) }
            }
            func startCommit() {
                // A group grows while objects are still being prepared, up to `commitGroupSize`; when nothing
                // more is being prepared, what is ready commits at once.
                guard !committing, !ready.isEmpty, ready.count >= Self.commitGroupSize || preparing == 0 else { return }
                committing = true
                let objects = ready
                ready = []
                group.addTask {
                    .committed(
                        objects, try await lake.commit(objects, sourceID: state.id, pass: state.pass, profile: profile))
                }
            }
            while next < items.count, preparing < options.concurrency { launch() }
            while let step = try await group.next() {
                switch step {
                case .prepared(.vanished):
                    preparing -= 1
                    outcome.counts.vanished += 1
                case .prepared(.transient(let origin, let error, let countsAsAttempt)):
                    preparing -= 1
                    if countsAsAttempt, !origin.versionKey.isEmpty,
                        try await lake.recordTransientFailure(
                            origin, reason: error, sourceID: state.id, maxAttempts: options.maxAttempts)
                    {
                        outcome.counts.quarantined += 1
                        events(.objectQuarantined(source: name, reasonCode: "fetchFailed"))
                    } else if outcome.failure == nil {
                        outcome.failure = error
                    }
                case .prepared(.prepared(let object)):
                    preparing -= 1
                    ready.append(object)
                case .committed(let objects, let outcomes):
                    committing = false
                    for (object, result) in zip(objects, outcomes) { account(object, result, source: name, outcome: &outcome) }
                }
                if stop.isRequested { outcome.interrupted = true }
                // After a failure or a stop request, no new object starts; those in flight finish and commit.
                while next < items.count, preparing < options.concurrency, outcome.failure == nil, !outcome.interrupted {
                    launch()
                }
                startCommit()
            }
        }
    }

    /// Counts one commit's outcome and reports it.
    private func account(_ object: PreparedObject, _ result: CommitOutcome, source name: String, outcome: inout BatchOutcome) {
        switch result {
        case .committed(let replaced):
            outcome.counts.committed += 1
            outcome.counts.sourceBytes += object.origin.sourceBytes
            let kind: String
            if case .document = object.content { kind = "document" } else { kind = "instance" }
            events(.objectCommitted(source: name, kind: kind, sourceBytes: object.origin.sourceBytes, replacedVersion: replaced))
        case .alreadyPresent:
            outcome.counts.unchanged += 1
        case .quarantined(let code):
            outcome.counts.quarantined += 1
            events(.objectQuarantined(source: name, reasonCode: code))
        }
    }
}

/// A request to stop ingest cleanly: objects in flight are finished and committed, no new one starts, and
/// the batch's cursor stays where it was (the next run lists the batch again and skips what was committed).
///
/// ```swift
/// let stop = StopSignal()
/// signal handler: stop.request()
/// ```
public final class StopSignal: Sendable {
    private let requested = Atomic<Bool>(false)

    /// Creates a signal that is not requested.
    public init() {}

    /// Requests the stop. Safe from any thread.
    public func request() { requested.store(true, ordering: .relaxed) }

    /// Whether a stop was requested.
    public var isRequested: Bool { requested.load(ordering: .relaxed) }
}
