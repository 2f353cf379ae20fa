import Telemetry
import Testing

@Suite struct LoggingSystemTests {
    // The only test in this process that bootstraps: every other test injects its handler.
    @Test func bootstrapSetsTheHandlerAndLevelOfNewLoggers() {
        let handler = InMemoryLogHandler()
        LoggingSystem.bootstrap(level: .debug) { _ in handler }
        let logger = Logger(label: "fedlake.bootstrapped")
        logger.trace("hidden")
        logger.debug("shown")
        #expect(logger.logLevel == .debug)
        #expect(handler.records.map(\.label) == ["fedlake.bootstrapped"])
    }
}
