import Telemetry
import Testing

@Suite struct MetricsRegistryTests {
    @Test func rendersTheTextFormatExactly() {
        let metrics = MetricsRegistry()
        metrics.counter("fedlake_ingest_objects_total", help: "Objects committed to the lake.", labels: ["source": "orthanc"])
            .increment(by: 3)
        metrics.counter("fedlake_ingest_objects_total", help: "ignored", labels: ["source": "minio"]).increment()
        metrics.gauge("fedlake_ingest_backlog", help: "Objects waiting.").set(12.5)
        let fetch = metrics.histogram(
            "fedlake_fetch_seconds", help: "Fetch time.", buckets: [0.1, 1, 10], labels: ["source": "orthanc"])
        for value in [0.05, 0.1, 0.5, 3, 42] { fetch.observe(value) }
        metrics.counter("fedlake_errors_total", help: "Errors.")
        let expected = """
            # HELP fedlake_errors_total Errors.
            # TYPE fedlake_errors_total counter
            fedlake_errors_total 0
            # HELP fedlake_fetch_seconds Fetch time.
            # TYPE fedlake_fetch_seconds histogram
            fedlake_fetch_seconds_bucket{source="orthanc",le="0.1"} 2
            fedlake_fetch_seconds_bucket{source="orthanc",le="1"} 3
            fedlake_fetch_seconds_bucket{source="orthanc",le="10"} 4
            fedlake_fetch_seconds_bucket{source="orthanc",le="+Inf"} 5
            fedlake_fetch_seconds_sum{source="orthanc"} 45.65
            fedlake_fetch_seconds_count{source="orthanc"} 5
            # HELP fedlake_ingest_backlog Objects waiting.
            # TYPE fedlake_ingest_backlog gauge
            fedlake_ingest_backlog 12.5
            # HELP fedlake_ingest_objects_total Objects committed to the lake.
            # TYPE fedlake_ingest_objects_total counter
            fedlake_ingest_objects_total{source="minio"} 1
            fedlake_ingest_objects_total{source="orthanc"} 3

            """
        #expect(metrics.prometheusText() == expected)
        #expect(MetricsRegistry.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }

    @Test func escapesLabelValuesAndHelpText() {
        let metrics = MetricsRegistry()
        metrics.counter("x_total", help: "a \\ b\nc \"q\"", labels: ["path": "C:\\dir\n\"x\"", "b": "é"]).increment()
        #expect(
            metrics.prometheusText() == """
                # HELP x_total a \\\\ b\\nc "q"
                # TYPE x_total counter
                x_total{b="é",path="C:\\\\dir\\n\\"x\\""} 1

                """)
    }

    @Test func bucketsAreCumulativeAndCountTheBoundItself() {
        let metrics = MetricsRegistry()
        let histogram = metrics.histogram("h", help: "h", buckets: [1, 2, 4])
        for value in [0.5, 1, 1.5, 2, 2, 4, 4.0001, -3] { histogram.observe(value) }
        let lines = metrics.prometheusText().split(separator: "\n").filter { $0.hasPrefix("h_bucket") }
        #expect(
            lines == [
                #"h_bucket{le="1"} 3"#, #"h_bucket{le="2"} 6"#, #"h_bucket{le="4"} 7"#, #"h_bucket{le="+Inf"} 8"#,
            ])
        #expect(histogram.count == 8)
    }

    @Test func formatsSpecialValues() {
        let metrics = MetricsRegistry()
        metrics.gauge("g", help: "g", labels: ["k": "inf"]).set(Double.infinity)
        metrics.gauge("g", help: "g", labels: ["k": "minf"]).set(-Double.infinity)
        metrics.gauge("g", help: "g", labels: ["k": "nan"]).set(Double.nan)
        metrics.gauge("g", help: "g", labels: ["k": "small"]).set(0.00001)
        metrics.gauge("g", help: "g", labels: ["k": "big"]).set(1e20)
        let text = metrics.prometheusText()
        #expect(text.contains(#"g{k="inf"} +Inf"#))
        #expect(text.contains(#"g{k="minf"} -Inf"#))
        #expect(text.contains(#"g{k="nan"} NaN"#))
        #expect(text.contains(#"g{k="small"} 1e-05"#))
        #expect(text.contains(#"g{k="big"} 1e+20"#))
    }

    @Test func sameNameAndLabelsShareOneSeries() {
        let metrics = MetricsRegistry()
        metrics.counter("c_total", help: "c", labels: ["a": "1", "b": "2"]).increment()
        metrics.counter("c_total", help: "c", labels: ["b": "2", "a": "1"]).increment(by: 2)
        #expect(metrics.counter("c_total", help: "c", labels: ["a": "1", "b": "2"]).value == 3)
        let gauge = metrics.gauge("g", help: "g")
        gauge.increment(by: 5)
        gauge.decrement(by: 2)
        #expect(metrics.gauge("g", help: "g").value == 3)
    }

    @Test func countsExactlyUnderConcurrentUpdates() async {
        let metrics = MetricsRegistry()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let counter = metrics.counter("c_total", help: "c", labels: ["parity": "\(task % 2)"])
                    let histogram = metrics.histogram("h", help: "h", buckets: [1, 10])
                    for index in 0..<1000 {
                        counter.increment()
                        histogram.observe(Double(index % 20))
                        if index % 100 == 0 { _ = metrics.prometheusText() }
                    }
                }
            }
        }
        #expect(metrics.counter("c_total", help: "c", labels: ["parity": "0"]).value == 4000)
        #expect(metrics.counter("c_total", help: "c", labels: ["parity": "1"]).value == 4000)
        let histogram = metrics.histogram("h", help: "h", buckets: [1, 10])
        #expect(histogram.count == 8000)
        #expect(metrics.prometheusText().contains(#"h_bucket{le="1"} 800"#))
        #expect(metrics.prometheusText().contains(#"h_bucket{le="10"} 4400"#))
    }

    @Test func timesABlockIntoAHistogram() throws {
        let metrics = MetricsRegistry()
        let histogram = metrics.histogram("t_seconds", help: "t")
        let value = histogram.time { 7 }
        #expect(value == 7)
        #expect(throws: TestFailure.self) { try histogram.time { () throws(TestFailure) in throw TestFailure() } }
        #expect(histogram.count == 2)
        histogram.observe(.milliseconds(250))
        #expect(histogram.count == 3)
    }
}

private struct TestFailure: Error {}
