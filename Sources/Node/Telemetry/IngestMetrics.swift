public import Lake
public import Telemetry

/// The node's ingest metrics, kept in a ``MetricsRegistry`` and served in the Prometheus text format.
///
/// ```swift
/// let metrics = IngestMetrics(version: "0.1.0", sources: ["radiology"])
/// let report = try await node.ingest(events: { metrics.record($0) })
/// metrics.recordLake(try node.status())
/// print(metrics.registry.prometheusText())
/// ```
///
/// | name | type | labels |
/// | --- | --- | --- |
/// | `fedlake_ingest_objects_total` | counter | `source`, `outcome` (`committed`, `unchanged`, `quarantined`, `deleted`) |
/// | `fedlake_ingest_bytes_total` | counter | `source` (bytes fetched for committed objects) |
/// | `fedlake_ingest_source_errors_total` | counter | `source` |
/// | `fedlake_ingest_passes_total` | counter | — |
/// | `fedlake_ingest_pass_duration_seconds` | histogram | — |
/// | `fedlake_ingest_last_pass_objects` | gauge | — (objects listed in the last pass) |
/// | `fedlake_lake_instances`, `fedlake_lake_documents`, `fedlake_lake_patients`, `fedlake_lake_quarantined`, `fedlake_lake_bytes` | gauge | — |
/// | `fedlake_build_info` | gauge (always 1) | `version` |
///
/// Label values are source names from the configuration and fixed words, never patient data: the
/// registry's text is readable by anyone who can reach the endpoint.
public final class IngestMetrics: Sendable {
    /// The outcomes of `fedlake_ingest_objects_total`.
    public static let outcomes = ["committed", "unchanged", "quarantined", "deleted"]
    /// Bucket upper bounds of `fedlake_ingest_pass_duration_seconds`: 100 ms to 1 h.
    public static let passDurationBuckets: [Double] = [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600]

    /// The registry holding the series.
    public let registry: MetricsRegistry

    /// Registers every series at 0, so a scrape before the first event already shows them.
    /// - Parameters:
    ///   - registry: Where the series live.
    ///   - version: The version written in `fedlake_build_info`.
    ///   - sources: The configured source names, whose per-source series are created at 0.
    public init(registry: MetricsRegistry = MetricsRegistry(), version: String, sources: [String]) {
        self.registry = registry
        registry.gauge("fedlake_build_info", help: "Always 1; the version of the fedlake binary.", labels: ["version": version])
            .set(1)
        for source in sources {
            for outcome in Self.outcomes { _ = objects(source, outcome) }
            _ = bytes(source)
            _ = errors(source)
        }
        _ = passes
        _ = passDuration
        _ = lastPassObjects
        for name in ["instances", "documents", "patients", "quarantined", "bytes"] { _ = lake(name) }
    }

    /// Counts one ingest event: committed and quarantined objects as they happen, unchanged and deleted
    /// objects when their batch commits, source failures.
    public func record(_ event: IngestEvent) {
        switch event {
        case .objectCommitted(let source, _, let sourceBytes, _):
            objects(source, "committed").increment()
            bytes(source).increment(by: Double(max(0, sourceBytes)))
        case .objectQuarantined(let source, _):
            objects(source, "quarantined").increment()
        case .batchCommitted(let source, let counts, _):
            objects(source, "unchanged").increment(by: max(0, counts.unchanged))
            objects(source, "deleted").increment(by: max(0, counts.deleted))
        case .sourceFailed(let source, _):
            errors(source).increment()
        }
    }

    /// Counts a finished pass and how long it took.
    /// - Parameters:
    ///   - listed: The objects the sources listed in the pass (``IngestCounts/listed`` of its totals).
    ///   - duration: How long the pass took.
    public func recordPass(listed: Int, duration: Duration) {
        passes.increment()
        passDuration.observe(duration)
        lastPassObjects.set(listed)
    }

    /// Sets the lake gauges from the lake's totals.
    public func recordLake(_ status: LakeStatus) {
        lake("instances").set(status.instances)
        lake("documents").set(status.documents)
        lake("patients").set(status.patients)
        lake("quarantined").set(status.quarantined)
        lake("bytes").set(Double(status.bytes))
    }

    /// The registry's series in the Prometheus text format 0.0.4.
    public func prometheusText() -> String { registry.prometheusText() }

    private func objects(_ source: String, _ outcome: String) -> Counter {
        registry.counter(
            "fedlake_ingest_objects_total", help: "Objects handled by ingest, by source and outcome.",
            labels: ["source": source, "outcome": outcome])
    }

    private func bytes(_ source: String) -> Counter {
        registry.counter(
            "fedlake_ingest_bytes_total", help: "Bytes fetched from the source for committed objects.",
            labels: ["source": source])
    }

    private func errors(_ source: String) -> Counter {
        registry.counter(
            "fedlake_ingest_source_errors_total", help: "Passes of a source that ended in an error.",
            labels: ["source": source])
    }

    private var passes: Counter {
        registry.counter("fedlake_ingest_passes_total", help: "Ingest passes over every source finished.")
    }

    private var passDuration: Histogram {
        registry.histogram(
            "fedlake_ingest_pass_duration_seconds", help: "Time of one ingest pass over every source, in seconds.",
            buckets: Self.passDurationBuckets)
    }

    private var lastPassObjects: Gauge {
        registry.gauge("fedlake_ingest_last_pass_objects", help: "Objects listed by the sources in the last pass.")
    }

    private func lake(_ name: String) -> Gauge {
        let help: String
        switch name {
        case "instances": help = "DICOM instances in the lake."
        case "documents": help = "Documents in the lake."
        case "patients": help = "Pseudonymous patients in the lake."
        case "quarantined": help = "Objects in quarantine."
        default: help = "Bytes of de-identified objects stored in the lake."
        }
        return registry.gauge("fedlake_lake_" + name, help: help)
    }
}
