/// A counter series: a value that only goes up (resets only when the process restarts).
public struct Counter: Sendable {
    let cell: ValueCell

    /// Adds `amount`, which must not be negative.
    public func increment(by amount: Double = 1) {
        precondition(amount >= 0, "a counter cannot decrease")
        cell.add(amount)
    }

    /// Adds `amount`, which must not be negative.
    public func increment(by amount: Int) {
        increment(by: Double(amount))
    }

    /// The current value.
    public var value: Double { cell.value }
}

/// A gauge series: a value that goes up and down, such as a queue length or the objects of a backlog.
public struct Gauge: Sendable {
    let cell: ValueCell

    /// Sets the value.
    public func set(_ value: Double) { cell.set(value) }

    /// Sets the value.
    public func set(_ value: Int) { cell.set(Double(value)) }

    /// Adds `amount` (negative to subtract).
    public func increment(by amount: Double = 1) { cell.add(amount) }

    /// Subtracts `amount`.
    public func decrement(by amount: Double = 1) { cell.add(-amount) }

    /// The current value.
    public var value: Double { cell.value }
}

/// A histogram series: observations counted into fixed buckets, with their sum and count.
public struct Histogram: Sendable {
    let cell: HistogramCell

    /// Prometheus' default buckets for latencies in seconds: 5 ms to 10 s.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Counts one observation.
    public func observe(_ value: Double) { cell.observe(value) }

    /// Counts one duration, in seconds.
    public func observe(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// Runs `body` and observes how long it took, in seconds, whether it returns or throws.
    public func time<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer { observe(clock.now - start) }
        return try body()
    }

    /// The upper bounds of the buckets, without `+Inf`.
    public var buckets: [Double] { cell.bounds }

    /// The number of observations.
    public var count: UInt64 { cell.snapshot().count }

    /// The sum of the observations.
    public var sum: Double { cell.snapshot().sum }
}
