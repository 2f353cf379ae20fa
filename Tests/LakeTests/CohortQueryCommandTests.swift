import Foundation
@_spi(CohortTesting) import Lake
import Storage
import TestSupport
import Testing

/// `fedlake query local` run as a process against a synthetic lake.
@Suite struct CohortQueryCommandTests {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    private func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try ToolLocator.fedlake()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: output, error: error)
    }

    /// A node folder: `node.json` and a lake filled with synthetic rows.
    private func node(privacy: String) throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory(prefix: "cohort-cli")
        let lake = directory.url.appending(path: "lake")
        try FileManager.default.createDirectory(at: lake, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: lake.appending(path: "lake.sqlite").path)
        try LakeSchema.migrator.migrate(queue)
        _ = try SyntheticLake(seed: 5, patients: 80, instances: 400).fill(queue)
        let config = directory.url.appending(path: "node.json")
        try Data(
            #"{"institution": "test", "lake": "lake", "secretKeyFile": "key", "sources": [{"type": "folder", "path": "in"}], "privacy": "#
                .appending(privacy).appending("}").utf8
        ).write(to: config)
        return (directory, config.path)
    }

    @Test func dryRunPrintsTheCostAndSpendsNothing() throws {
        let (directory, config) = try node(privacy: #"{"defaultRho": "1/100", "defaultBudgetRho": 1, "minimumCount": 11}"#)
        let cohort = CohortExamples.folder.appending(path: "chest-ct-over-60.json").path
        let result = try run(["query", "local", "--config", config, cohort, "--dry-run", "--json", "--project", "lung"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["rho"] as? String == "1/100")
        #expect((object["budget"] as? [String: Any])?["spent"] as? String == "0")
        #expect((object["budget"] as? [String: Any])?["remaining"] as? String == "1")
        let human = try run(["query", "local", "--config", config, cohort, "--dry-run"])
        #expect(human.output.contains("dry run, nothing spent"))
        #expect(human.output.contains("ρ = 1/100"))
        _ = directory
    }

    @Test func anUnaffordableQueryExitsThreeSayingWhatIsLeft() throws {
        let (directory, config) = try node(privacy: #"{"defaultRho": "1/100", "defaultBudgetRho": "1/1000"}"#)
        let cohort = CohortExamples.folder.appending(path: "chest-ct-over-60.json").path
        let result = try run(["query", "local", "--config", config, cohort, "--requester", "alice"])
        #expect(result.status == 3)
        #expect(result.error.contains("left 1/1000"))
        _ = directory
    }

    @Test func aBadCohortNamesItsJSONPathAndBadUsageExitsTwo() throws {
        let (directory, config) = try node(privacy: "{}")
        let bad = directory.url.appending(path: "bad.json")
        try Data(#"{"version":1,"criteria":{"any":[{"field":"modality","op":"eq","value":"CT"},{"field":"colour","op":"eq","value":1}]},"statistic":{"kind":"count"}}"#.utf8).write(to: bad)
        let result = try run(["query", "local", "--config", config, bad.path])
        #expect(result.status == 1)
        #expect(result.error.contains("$.criteria.any[1].field"))
        let usage = try run(["query", "local", bad.path])
        #expect(usage.status == 2)
    }

    @Test func aQueryReleasesDiscreteGaussianNoiseAndItsRepeatIsTheSameReleaseAtNoCost() throws {
        let (directory, config) = try node(privacy: #"{"defaultRho": "1/10", "defaultBudgetRho": "3/20"}"#)
        let cohort = CohortExamples.folder.appending(path: "mr-brain-by-sex.json").path
        let arguments = ["query", "local", "--config", config, cohort, "--json", "--project", "p", "--requester", "r"]
        let first = try run(arguments)
        #expect(first.status == 0, "\(first.error)")
        let release = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
        #expect(release["repeat"] as? Bool == false)
        let body = try #require(release["release"] as? [String: Any])
        #expect(body["mechanism"] as? String == "discreteGaussian")
        let epsilon = try #require(Double(body["epsilon"] as? String ?? ""))
        #expect(epsilon > 0 && epsilon < 10)
        #expect(body["delta"] as? String == "1e-6")
        let second = try run(arguments)
        #expect(second.status == 0, "\(second.error)")
        let again = try #require(try JSONSerialization.jsonObject(with: Data(second.output.utf8)) as? [String: Any])
        #expect(again["repeat"] as? Bool == true)
        #expect(again["spent"] as? String == "0")
        #expect(
            try JSONSerialization.data(withJSONObject: body, options: .sortedKeys)
                == JSONSerialization.data(withJSONObject: try #require(again["release"]), options: .sortedKeys))
        // 1/10 of 3/20 is spent; chest-ct-over-60 names its own 1/100; a third query (1/10) cannot be paid (exit 3).
        let other = CohortExamples.folder.appending(path: "chest-ct-over-60.json").path
        #expect(try run(["query", "local", "--config", config, other, "--project", "p", "--requester", "r"]).status == 0)
        let refused = try run(["query", "local", "--config", config,
            CohortExamples.folder.appending(path: "report-mentions-nodule.json").path, "--project", "p", "--requester", "r"])
        #expect(refused.status == 3, "\(refused.error)")
        _ = directory
    }
}
