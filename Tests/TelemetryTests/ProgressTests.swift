import Synchronization
import Telemetry
import Testing

@Suite struct ProgressLineTests {
    @Test func drawsBarCountsRatesAndETA() {
        #expect(
            ProgressLine.format(done: 420, total: 1000, bytes: 220_200_960, elapsed: .seconds(12))
                == "[==========>             ]  42% 420/1000 objects  210.0 MiB  35.0 objects/s  17.5 MiB/s  ETA 0:17")
    }

    @Test func withoutATotalShowsElapsedTime() {
        #expect(
            ProgressLine.format(done: 420, total: nil, bytes: 220_200_960, elapsed: .seconds(3725))
                == "420 objects  210.0 MiB  0.1 objects/s  57.7 KiB/s  elapsed 1:02:05")
    }

    @Test func handlesTheEdges() {
        #expect(
            ProgressLine.format(done: 0, total: 10, bytes: 0, elapsed: .zero, barWidth: 4)
                == "[>   ]   0% 0/10 objects  0 B  - objects/s  - B/s  ETA --:--")
        #expect(
            ProgressLine.format(done: 10, total: 10, bytes: 1536, elapsed: .seconds(2), barWidth: 4)
                == "[====] 100% 10/10 objects  1.5 KiB  5.0 objects/s  768 B/s  ETA 0:00")
        #expect(
            ProgressLine.format(done: 12, total: 10, bytes: 0, elapsed: .seconds(1), barWidth: 4)
                == "[====] 100% 12/10 objects  0 B  12.0 objects/s  0 B/s  ETA 0:00")
        #expect(
            ProgressLine.format(done: 0, total: 0, bytes: 0, elapsed: .seconds(1), unit: "files", barWidth: 4)
                == "[====] 100% 0/0 files  0 B  0.0 files/s  0 B/s  ETA 0:00")
        #expect(
            ProgressLine.format(done: 1, total: 1_000_000, bytes: 0, elapsed: .seconds(3600), barWidth: 4)
                == "[>   ]   0% 1/1000000 objects  0 B  0.0 objects/s  0 B/s  ETA >99h")
        #expect(
            ProgressLine.format(done: 5000, total: 10000, bytes: 3 << 40, elapsed: .seconds(10), barWidth: 4)
                == "[==> ]  50% 5000/10000 objects  3.0 TiB  500 objects/s  307.2 GiB/s  ETA 0:10")
    }
}

@Suite struct ProgressRendererTests {
    final class Capture: Sendable {
        let writes = Mutex<[String]>([])
        let time = Mutex<Duration>(.zero)
        func output(terminal: Bool) -> LogOutput {
            LogOutput(isTerminal: terminal) { text in self.writes.withLock { $0.append(text) } }
        }
        func advance(_ duration: Duration) { time.withLock { $0 += duration } }
        var all: [String] { writes.withLock { $0 } }
    }

    @Test func redrawsInPlaceAtMostNTimesPerSecond() {
        let capture = Capture()
        let renderer = ProgressRenderer(
            output: capture.output(terminal: true), maximumRedrawsPerSecond: 4, now: { capture.time.withLock { $0 } })
        #expect(renderer.isEnabled)
        var drawn = 0
        for step in 1...100 {
            capture.advance(.milliseconds(50))  // 5 s in all at 20 updates per second
            if renderer.update(done: step, total: 100, bytes: 0) { drawn += 1 }
        }
        #expect(drawn == 20)  // 4 per second
        #expect(capture.all.count == 20)
        #expect(capture.all.allSatisfy { $0.hasPrefix("\r[") && $0.hasSuffix("\u{1B}[K") })
        renderer.finish(done: 100, total: 100, bytes: 0)
        #expect(capture.all.suffix(2).first?.contains("100% 100/100") == true)
        #expect(capture.all.last == "\n")
        #expect(renderer.update(done: 100, total: 100, bytes: 0) == false)
    }

    @Test func drawsNothingWhenNotATerminal() {
        let capture = Capture()
        let renderer = ProgressRenderer(output: capture.output(terminal: false), now: { capture.time.withLock { $0 } })
        capture.advance(.seconds(1))
        #expect(!renderer.update(done: 1, total: 2, bytes: 3))
        renderer.finish(done: 2, total: 2, bytes: 3)
        #expect(capture.all.isEmpty)
    }

    @Test func logLinesAppearAboveTheProgressLine() {
        let capture = Capture()
        let output = capture.output(terminal: true)
        let renderer = ProgressRenderer(output: output, now: { capture.time.withLock { $0 } })
        capture.advance(.seconds(1))
        renderer.update(done: 1, total: 2, bytes: 0)
        output.writeLine("a log line")
        let last = capture.all.last ?? ""
        #expect(last.hasPrefix("\r\u{1B}[Ka log line\n[============>"))
    }
}

@Suite struct ProgressLineLabelTests {
    @Test func putsTheLabelFirstAndTheDetailLast() {
        #expect(
            ProgressLine.format(
                done: 3, total: 10, bytes: 0, elapsed: .seconds(1), barWidth: 4, label: "radiology", detail: "1 quarantined")
                == "radiology  [=>  ]  30% 3/10 objects  0 B  3.0 objects/s  0 B/s  ETA 0:03  1 quarantined")
        #expect(
            ProgressLine.format(done: 3, total: nil, bytes: 0, elapsed: .seconds(1), label: "", detail: "")
                == "3 objects  0 B  3.0 objects/s  0 B/s  elapsed 0:01")
    }

    @Test func theRendererDrawsItsLabelAndTheDetailOfEachUpdate() {
        let writes = Mutex<[String]>([])
        let output = LogOutput(isTerminal: true) { text in writes.withLock { $0.append(text) } }
        let renderer = ProgressRenderer(output: output, label: "reports", now: { .seconds(2) })
        renderer.update(done: 1, total: nil, bytes: 0, detail: "0 quarantined")
        renderer.finish(done: 2, total: nil, bytes: 0, detail: "1 quarantined")
        let text = writes.withLock { $0.joined() }
        #expect(text.contains("\rreports  1 objects"), "\(text)")
        #expect(text.contains("elapsed 0:00  1 quarantined"), "\(text)")
        #expect(text.hasSuffix("\n"))
    }
}
