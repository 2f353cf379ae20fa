import Glibc
import Telemetry
import Testing

@Suite struct LogOutputTests {
    @Test func writesWholeLinesToAFileDescriptor() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let output = LogOutput(fileDescriptor: ends[1])
        #expect(!output.isTerminal)  // a pipe: no progress line is ever drawn on it
        output.setStatusLine("progress")
        let logger = Logger(label: "fedlake.pipe", handler: JSONLinesLogHandler(output: output))
        logger.info("patient \("DOE^JANE", sensitivity: .phi) done", metadata: ["n": 1])
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(ends[0], &buffer, buffer.count)
        let text = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
        #expect(text.hasSuffix(#","level":"info","label":"fedlake.pipe","message":"patient [redacted] done","metadata":{"n":1}}"# + "\n"))
        #expect(!text.contains("DOE"))
        #expect(!text.contains("progress"))
    }
}
