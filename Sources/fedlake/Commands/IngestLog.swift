import Foundation
import Lake
import Node
import Synchronization

/// Log lines of `fedlake node ingest` on standard error, until the logging module takes over: a timestamp,
/// a level, an event and fields that are counts, source names and reason codes — never patient data or
/// object keys.
final class IngestLog: Sendable {
    enum Value: Sendable {
        case int(Int)
        case string(String)
        case bool(Bool)
    }

    let format: NodeConfiguration.Log.Format
    private let lock = Mutex(())

    init(format: NodeConfiguration.Log.Format) { self.format = format }

    func event(_ event: IngestEvent) {
        switch event {
        case .objectCommitted:
            break  // counted in the batch line
        case .objectQuarantined(let source, let code):
            line(level: "warning", event: "object quarantined", fields: ["source": .string(source), "reason": .string(code)])
        case .batchCommitted(let source, let counts, let passComplete):
            line(level: "info", event: "batch committed", fields: [
                "source": .string(source), "listed": .int(counts.listed), "committed": .int(counts.committed),
                "unchanged": .int(counts.unchanged), "quarantined": .int(counts.quarantined),
                "deleted": .int(counts.deleted), "bytes": .int(Int(counts.sourceBytes)), "passComplete": .bool(passComplete),
            ])
        case .sourceFailed(let source, let message):
            line(level: "error", event: "source failed", fields: ["source": .string(source), "error": .string(message)])
        }
    }

    func pass(_ report: IngestPipeline.RunReport) {
        let totals = report.totals
        line(level: "info", event: "pass finished", fields: [
            "committed": .int(totals.committed), "unchanged": .int(totals.unchanged),
            "quarantined": .int(totals.quarantined), "deleted": .int(totals.deleted),
            "failedSources": .int(report.sources.filter { $0.error != nil }.count), "stopped": .bool(report.stopped),
        ])
    }

    func line(level: String, event: String, fields: KeyValuePairs<String, Value>) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let time = formatter.string(from: Date())
        var text: String
        switch format {
        case .json:
            var members = ["\"ts\":\(quoted(time))", "\"level\":\(quoted(level))", "\"event\":\(quoted(event))"]
            for (key, value) in fields {
                switch value {
                case .int(let number): members.append("\(quoted(key)):\(number)")
                case .bool(let flag): members.append("\(quoted(key)):\(flag)")
                case .string(let string): members.append("\(quoted(key)):\(quoted(string))")
                }
            }
            text = "{" + members.joined(separator: ",") + "}\n"
        case .text:
            text = "\(time) \(level.uppercased()) \(event)"
            for (key, value) in fields {
                switch value {
                case .int(let number): text += " \(key)=\(number)"
                case .bool(let flag): text += " \(key)=\(flag)"
                case .string(let string): text += " \(key)=\"\(string)\""
                }
            }
            text += "\n"
        }
        lock.withLock { _ in FileHandle.standardError.write(Data(text.utf8)) }
    }

    private func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
