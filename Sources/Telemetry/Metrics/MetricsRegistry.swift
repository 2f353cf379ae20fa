import Synchronization

/// Counters, gauges and histograms with labels, rendered in the Prometheus text exposition format 0.0.4.
///
/// Thread-safe: handles can be made and updated from any thread or task. Asking twice for the same name and
/// labels returns a handle to the same series.
///
/// ```swift
/// let metrics = MetricsRegistry()
/// let stored = metrics.counter("fedlake_ingest_objects_total", help: "Objects committed to the lake.",
///                              labels: ["source": source.name])
/// stored.increment()
/// let fetch = metrics.histogram("fedlake_ingest_fetch_seconds", help: "Time to fetch one object.",
///                               buckets: [0.01, 0.1, 1, 10], labels: ["source": source.name])
/// fetch.observe(.milliseconds(35))
/// let text = metrics.prometheusText()    // serve with MetricsRegistry.contentType
/// ```
///
/// Names follow the Prometheus data model (`[a-zA-Z_:][a-zA-Z0-9_:]*`; label names `[a-zA-Z_][a-zA-Z0-9_]*`,
/// not starting with `__`; `le` is reserved for histogram buckets). Names come from code, so a bad name or a
/// name registered with two types is a programming error (a precondition failure).
/// - Important: Label values are exposed to whoever can read the metrics: never use patient data as a label.
public final class MetricsRegistry: Sendable {
    /// The `Content-Type` of ``prometheusText()``: the text format, version 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let families = Mutex<[String: MetricFamily]>([:])

    /// An empty registry.
    public init() {}

    /// The counter series `name{labels}`, created at 0 the first time.
    /// - Parameters:
    ///   - name: The metric name; counters conventionally end in `_total`.
    ///   - help: One line on what is counted (the first registration's text is kept).
    ///   - labels: Label names and values of this series.
    @discardableResult
    public func counter(_ name: String, help: String, labels: [String: String] = [:]) -> Counter {
        Counter(cell: valueCell(name, help: help, kind: .counter, labels: labels))
    }

    /// The gauge series `name{labels}`, created at 0 the first time.
    @discardableResult
    public func gauge(_ name: String, help: String, labels: [String: String] = [:]) -> Gauge {
        Gauge(cell: valueCell(name, help: help, kind: .gauge, labels: labels))
    }

    /// The histogram series `name{labels}` with fixed bucket upper bounds, created empty the first time.
    /// - Parameters:
    ///   - buckets: Finite, strictly increasing upper bounds; `+Inf` is added. Every series of one name
    ///     uses the bounds given when the name was first registered.
    @discardableResult
    public func histogram(
        _ name: String, help: String, buckets: [Double] = Histogram.defaultBuckets, labels: [String: String] = [:]
    ) -> Histogram {
        precondition(!buckets.isEmpty && buckets.allSatisfy(\.isFinite), "histogram \(name): buckets must be finite")
        precondition(zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }, "histogram \(name): buckets must increase")
        precondition(labels["le"] == nil, "histogram \(name): the label name le is reserved for buckets")
        let labelSet = LabelSet(name: name, labels)
        let cell = families.withLock { families -> HistogramCell in
            var family = families[name] ?? MetricFamily(kind: .histogram, help: help, buckets: buckets)
            precondition(family.kind == .histogram, "metric \(name) is already registered as a \(family.kind.rawValue)")
            if case .histogram(let existing) = family.series[labelSet] { return existing }
            let created = HistogramCell(bounds: family.buckets)
            family.series[labelSet] = .histogram(created)
            families[name] = family
            return created
        }
        return Histogram(cell: cell)
    }

    /// Every metric in the Prometheus text exposition format 0.0.4: per name a `# HELP` and a `# TYPE` line,
    /// then one line per series (histograms: cumulative `_bucket{le="…"}` lines ending with `le="+Inf"`,
    /// `_sum` and `_count`). Names are sorted, series sorted by their labels, labels by name.
    ///
    /// See https://prometheus.io/docs/instrumenting/exposition_formats/ ("Text-based format").
    public func prometheusText() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for name in snapshot.keys.sorted() {
            guard let family = snapshot[name] else { continue }
            out += "# HELP \(name) \(PrometheusText.escapedHelp(family.help))\n"
            out += "# TYPE \(name) \(family.kind.rawValue)\n"
            for (labels, series) in family.series.sorted(by: { $0.key < $1.key }) {
                switch series {
                case .value(let cell):
                    out += name + PrometheusText.labels(labels.pairs) + " " + PrometheusText.number(cell.value) + "\n"
                case .histogram(let cell):
                    let state = cell.snapshot()
                    var cumulative: UInt64 = 0
                    for (index, bound) in cell.bounds.enumerated() {
                        cumulative += state.counts[index]
                        let le = labels.pairs + [("le", PrometheusText.number(bound))]
                        out += name + "_bucket" + PrometheusText.labels(le) + " " + String(cumulative) + "\n"
                    }
                    let infinite = labels.pairs + [("le", "+Inf")]
                    out += name + "_bucket" + PrometheusText.labels(infinite) + " " + String(state.count) + "\n"
                    out += name + "_sum" + PrometheusText.labels(labels.pairs) + " " + PrometheusText.number(state.sum) + "\n"
                    out += name + "_count" + PrometheusText.labels(labels.pairs) + " " + String(state.count) + "\n"
                }
            }
        }
        return out
    }

    private func valueCell(_ name: String, help: String, kind: MetricKind, labels: [String: String]) -> ValueCell {
        let labelSet = LabelSet(name: name, labels)
        return families.withLock { families -> ValueCell in
            var family = families[name] ?? MetricFamily(kind: kind, help: help, buckets: [])
            precondition(family.kind == kind, "metric \(name) is already registered as a \(family.kind.rawValue)")
            if case .value(let existing) = family.series[labelSet] { return existing }
            let created = ValueCell()
            family.series[labelSet] = .value(created)
            families[name] = family
            return created
        }
    }
}

/// The metric types of the text format's `# TYPE` line.
enum MetricKind: String, Sendable {
    case counter, gauge, histogram
}

/// One metric name: its type, help text and series.
struct MetricFamily: Sendable {
    enum Series: Sendable {
        case value(ValueCell)
        case histogram(HistogramCell)
    }

    var kind: MetricKind
    var help: String
    var buckets: [Double]
    var series: [LabelSet: Series] = [:]

    init(kind: MetricKind, help: String, buckets: [Double]) {
        self.kind = kind
        self.help = help
        self.buckets = buckets
    }
}

/// The labels of one series, sorted by name.
struct LabelSet: Hashable, Sendable, Comparable {
    let names: [String]
    let values: [String]

    var pairs: [(String, String)] { Array(zip(names, values)) }

    init(name metric: String, _ labels: [String: String]) {
        precondition(PrometheusText.isValidMetricName(metric), "invalid metric name \(metric)")
        let sorted = labels.sorted { $0.key < $1.key }
        for (label, _) in sorted {
            precondition(PrometheusText.isValidLabelName(label), "metric \(metric): invalid label name \(label)")
        }
        names = sorted.map(\.key)
        values = sorted.map(\.value)
    }

    static func < (lhs: LabelSet, rhs: LabelSet) -> Bool {
        for (left, right) in zip(lhs.pairs, rhs.pairs) where left != right {
            return left < right
        }
        return lhs.names.count < rhs.names.count
    }
}

/// The value of a counter or gauge series.
final class ValueCell: Sendable {
    private let storage = Mutex<Double>(0)

    var value: Double { storage.withLock { $0 } }

    func add(_ amount: Double) {
        storage.withLock { $0 += amount }
    }

    func set(_ value: Double) {
        storage.withLock { $0 = value }
    }
}

/// The buckets, sum and count of a histogram series; counts per bucket are kept non-cumulative.
final class HistogramCell: Sendable {
    struct State: Sendable {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    let bounds: [Double]
    private let state: Mutex<State>

    init(bounds: [Double]) {
        self.bounds = bounds
        state = Mutex(State(counts: Array(repeating: 0, count: bounds.count)))
    }

    func observe(_ value: Double) {
        // Each bucket counts observations <= its upper bound ("le"); larger values only reach +Inf.
        let index = bounds.firstIndex { value <= $0 }
        state.withLock { state in
            if let index { state.counts[index] += 1 }
            state.sum += value
            state.count += 1
        }
    }

    func snapshot() -> State { state.withLock { $0 } }
}
