import Synchronization
import Telemetry
import Testing

@Suite struct LoggerTests {
    static let plantedName = "DOE^JANE^Q"
    static let plantedID = "MRN-4711-0815"
    static let plantedSecret = "AKIA-SECRET-1234"

    private func allOutputs(_ handler: InMemoryLogHandler) -> String {
        (handler.jsonLines + handler.textLines).joined(separator: "\n")
    }

    @Test func redactsMarkedAndUnmarkedPatientDataInEveryProductionFormat() {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "fedlake.test", handler: handler, logLevel: .trace)
        logger[metadataKey: "patient"] = .phi(Self.plantedID)
        let name = Self.plantedName
        logger.info("stored \(name, sensitivity: .phi) for \(Self.plantedID)")
        logger.warning(
            "key \(Self.plantedSecret, sensitivity: .sensitive)",
            metadata: [
                "study": "\(name, sensitivity: .phi)",
                "nested": ["inner": .phi(name), "list": [.phi(Self.plantedID)]],
                "token": .sensitive(Self.plantedSecret),
                "unmarked": "\(name)",
            ])
        logger.error("\(Error.planted)")
        #expect(handler.records.count == 3)
        let output = allOutputs(handler)
        for planted in [Self.plantedName, Self.plantedID, Self.plantedSecret, "DOE", "4711"] {
            #expect(!output.contains(planted), "planted value \(planted) leaked")
        }
        #expect(output.contains("[redacted]"))
        // The record itself still holds the values, for a debugging handler on synthetic data.
        let revealed = TextLogHandler.format(handler.records[0], redaction: .revealForDebuggingSyntheticDataOnly)
        #expect(revealed.contains(Self.plantedName))
    }

    @Test func keepsPublicValuesNumbersAndLiterals() {
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "fedlake.test", handler: handler)
        let source = "orthanc-main"
        logger.info(
            "pass over \(source, sensitivity: .public): \(42) objects in \(1.5) s, follow \(true)",
            metadata: ["source": .public(source), "bytes": .integer(5120), "phase": "fetch"])
        let line = handler.jsonLines[0]
        #expect(line.contains(#""message":"pass over orthanc-main: 42 objects in 1.5 s, follow true""#))
        #expect(line.contains(#""metadata":{"bytes":5120,"phase":"fetch","source":"orthanc-main"}"#))
    }

    @Test func writesOneJSONObjectPerLineInTheDocumentedLayout() {
        let record = LogRecord(
            time: Timestamp(secondsSinceEpoch: 1_796_329_793, nanoseconds: 123_999_999), level: .notice,
            label: "fedlake.ingest", message: "line \"one\"\nline\ttwo \u{1}",
            metadata: ["z": 1, "a": .phi("x"), "b": true, "c": 0.25])
        let line = JSONLinesLogHandler.format(record)
        #expect(
            line == #"{"time":"2026-12-03T20:29:53.123Z","level":"notice","label":"fedlake.ingest","#
                + #""message":"line \"one\"\nline\ttwo \u0001","metadata":{"a":"[redacted]","b":true,"c":0.25,"z":1}}"#)
        #expect(!line.contains("\n"))
    }

    @Test func leavesOutMetadataWhenThereIsNone() {
        let record = LogRecord(
            time: Timestamp(secondsSinceEpoch: 0), level: .info, label: "l", message: "m")
        #expect(JSONLinesLogHandler.format(record) == #"{"time":"1970-01-01T00:00:00.000Z","level":"info","label":"l","message":"m"}"#)
    }

    @Test func formatsHumanReadableLinesWithoutControlCharacters() {
        let record = LogRecord(
            time: Timestamp(secondsSinceEpoch: 951_782_400, nanoseconds: 7_000_000), level: .warning, label: "fedlake.node",
            message: "two\nlines", metadata: ["source": "s3", "key": .phi("a/b.pdf")])
        #expect(
            TextLogHandler.format(record)
                == #"2000-02-29T00:00:00.007Z warning fedlake.node: two\u{a}lines key=[redacted] source=s3"#)
    }

    @Test func skipsRecordsBelowTheLevelWithoutEvaluatingThem() {
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "l", handler: handler, logLevel: .warning)
        let evaluated = Mutex(false)
        func expensive() -> Logger.Message {
            evaluated.withLock { $0 = true }
            return "expensive"
        }
        logger.debug(expensive())
        logger.info("info")
        logger.warning("warning")
        logger.critical("critical")
        #expect(handler.records.map(\.level) == [.warning, .critical])
        #expect(evaluated.withLock { $0 } == false)
        #expect(logger.isLogging(.error))
        #expect(!logger.isLogging(.notice))
    }

    @Test func callMetadataOverridesLoggerMetadata() {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "l", handler: handler, metadata: ["source": "a", "run": 1])
        logger[metadataKey: "source"] = "b"
        logger.info("x", metadata: ["run": 2])
        #expect(handler.records[0].metadata == ["source": "b", "run": 2])
    }

    @Test func ordersLevelsBySeverity() {
        #expect(Logger.Level.allCases.sorted() == [.trace, .debug, .info, .notice, .warning, .error, .critical])
        #expect(Logger.Level(rawValue: "warning") == .warning)
        #expect(LogFormat(rawValue: "json") == .json)
    }

    @Test func formatsTimestampsInUTCWithMilliseconds() {
        #expect(Timestamp(secondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(secondsSinceEpoch: 1_709_164_799, nanoseconds: 999_999_999).iso8601 == "2024-02-28T23:59:59.999Z")
        #expect(Timestamp(secondsSinceEpoch: 1_709_251_200).iso8601 == "2024-03-01T00:00:00.000Z")
        #expect(Timestamp(secondsSinceEpoch: 4_102_444_800).iso8601 == "2100-01-01T00:00:00.000Z")
        #expect(Timestamp(secondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.000Z")
    }

    @Test func writesWholeLinesFromManyThreads() async {
        let lines = Mutex<[String]>([])
        let output = LogOutput(isTerminal: false) { text in lines.withLock { $0.append(text) } }
        let logger = Logger(label: "l", handler: JSONLinesLogHandler(output: output))
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<200 { logger.info("task \(task) line \(index)") }
                }
            }
        }
        let written = lines.withLock { $0 }
        #expect(written.count == 1600)
        #expect(written.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}\n") })
    }

    @Test func printsMessagesAndValuesRedacted() {
        let name = Self.plantedName
        let message: Logger.Message = "patient \(name)"
        #expect(message.description == "patient [redacted]")
        #expect("\(Logger.MetadataValue.phi(name))" == "[redacted]")
        #expect(message.sensitivity == .phi)
    }
}

private enum Error: Swift.Error, CustomStringConvertible {
    case planted
    var description: String { "cannot open \(LoggerTests.plantedName).dcm" }
}
