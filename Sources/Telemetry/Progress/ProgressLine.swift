/// Formats one line of progress for a terminal: a bar, counts, bytes, rates and the time left.
///
/// A pure function of its inputs, so the same numbers always give the same line.
///
/// ```swift
/// ProgressLine.format(done: 420, total: 1000, bytes: 220_200_960, elapsed: .seconds(12))
/// // "[=========>              ]  42% 420/1000 objects  210.0 MiB  35.0 objects/s  17.5 MiB/s  ETA 0:17"
/// ProgressLine.format(done: 420, total: nil, bytes: 220_200_960, elapsed: .seconds(12))
/// // "420 objects  210.0 MiB  35.0 objects/s  17.5 MiB/s  elapsed 0:12"
/// ProgressLine.format(done: 3, total: 10, bytes: 0, elapsed: .seconds(1), barWidth: 4,
///                     label: "radiology", detail: "1 quarantined")
/// // "radiology  [=>  ]  30% 3/10 objects  0 B  3.0 objects/s  0 B/s  ETA 0:03  1 quarantined"
/// ```
public enum ProgressLine {
    /// The progress line.
    /// - Parameters:
    ///   - done: Objects finished so far.
    ///   - total: Objects expected in all, or nil when unknown (no bar, no ETA: the elapsed time instead).
    ///   - bytes: Bytes processed so far.
    ///   - elapsed: Time since the work started.
    ///   - unit: The plural noun for what is counted.
    ///   - barWidth: Characters between the brackets.
    ///   - label: Text put first, such as the name of what is being worked on; nil for none.
    ///   - detail: Text put last, such as a count of failures; nil for none.
    /// - Returns: One line without a newline or carriage return.
    public static func format(
        done: Int, total: Int?, bytes: Int64, elapsed: Duration, unit: String = "objects", barWidth: Int = 24,
        label: String? = nil, detail: String? = nil
    ) -> String {
        let done = max(0, done)
        let seconds = Self.seconds(elapsed)
        let objectRate = seconds > 0 ? Double(done) / seconds : nil
        let byteRate = seconds > 0 ? Double(max(0, bytes)) / seconds : nil
        var parts: [String] = []
        if let total {
            let total = max(0, total)
            let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
            parts.append("[" + bar(fraction: fraction, width: max(1, barWidth)) + "] " + percent(fraction))
            parts[0] += " \(done)/\(total) \(unit)"
        } else {
            parts.append("\(done) \(unit)")
        }
        parts.append(byteCount(Double(max(0, bytes))))
        parts.append(objectRate.map { rate($0) + " \(unit)/s" } ?? "- \(unit)/s")
        parts.append(byteRate.map { byteCount($0) + "/s" } ?? "- B/s")
        if let total {
            let remaining = max(0, total - done)
            if remaining == 0 {
                parts.append("ETA 0:00")
            } else if let objectRate, objectRate > 0 {
                parts.append("ETA " + clock((Double(remaining) / objectRate).rounded(.up)))
            } else {
                parts.append("ETA --:--")
            }
        } else {
            parts.append("elapsed " + clock(seconds.rounded(.down)))
        }
        if let label, !label.isEmpty { parts.insert(label, at: 0) }
        if let detail, !detail.isEmpty { parts.append(detail) }
        return parts.joined(separator: "  ")
    }

    /// `=` for the part done, `>` at its edge, spaces for the rest.
    static func bar(fraction: Double, width: Int) -> String {
        let filled = min(width, Int((fraction * Double(width)).rounded(.down)))
        if filled == width { return String(repeating: "=", count: width) }
        return String(repeating: "=", count: filled) + ">" + String(repeating: " ", count: width - filled - 1)
    }

    /// `" 42%"`: whole percent rounded down (100% only when done), right-aligned in four characters.
    static func percent(_ fraction: Double) -> String {
        let value = Int((fraction * 100).rounded(.down))
        let text = "\(value)%"
        return String(repeating: " ", count: max(0, 4 - text.count)) + text
    }

    /// One decimal below 100 (`3.5`), whole numbers from there (`350`).
    static func rate(_ value: Double) -> String {
        value < 100 ? decimal(value) : String(Int(value.rounded()))
    }

    /// Bytes in IEC units (IEC 80000-13): `512 B`, `1.5 KiB`, `210.0 MiB`, `3.2 GiB`, `1.1 TiB`.
    static func byteCount(_ value: Double) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
        if value < 1024 { return "\(Int(value.rounded(.down))) B" }
        var scaled = value / 1024
        var unit = 0
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return decimal(scaled) + " " + units[unit]
    }

    /// `M:SS` below an hour, `H:MM:SS` from there; `>99h` beyond 99 hours.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 99 * 3600 else { return ">99h" }
        let total = Int(max(0, seconds))
        let (hours, minutes, secs) = (total / 3600, (total % 3600) / 60, total % 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }

    /// One digit after the point, rounded half up.
    static func decimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return max(0, Double(seconds) + Double(attoseconds) / 1e18)
    }
}
