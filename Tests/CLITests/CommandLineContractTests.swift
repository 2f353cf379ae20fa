import Foundation
import TestSupport
import Testing

/// The command-line contract, checked against the built binary: help text, exit codes, error format.
@Suite struct CommandLineContractTests {
    private func fedlake(_ arguments: String...) throws -> ProcessResult {
        try ProcessRunner.run(try ToolLocator.fedlake(), arguments)
    }

    private func golden(_ name: String) throws -> String {
        let url = Fixtures.url("cli/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func topLevelHelpMatchesGoldenText() throws {
        let result = try fedlake("--help")
        #expect(result.status == 0)
        #expect(result.standardOutput == (try golden("fedlake-help.txt")))
    }

    @Test func helpCommandEqualsHelpFlagAtEveryLevel() throws {
        for path in [["dicom"], ["dicom", "dump"], ["node"], ["node", "ingest"], ["query", "local"], ["demo"]] {
            let viaHelp = try ProcessRunner.run(try ToolLocator.fedlake(), ["help"] + path)
            let viaFlag = try ProcessRunner.run(try ToolLocator.fedlake(), path + ["--help"])
            #expect(viaHelp.status == 0)
            #expect(viaFlag.status == 0)
            #expect(viaHelp.standardOutput == viaFlag.standardOutput, "help \(path)")
            #expect(viaFlag.standardOutput.hasPrefix("OVERVIEW: "))
            #expect(viaFlag.standardOutput.contains("USAGE: fedlake \(path.joined(separator: " "))"))
        }
    }

    @Test func versionPrintsTheVersion() throws {
        let result = try fedlake("--version")
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("fedlake "))
    }

    @Test func unknownCommandIsAUsageErrorWithExitCode2() throws {
        let result = try fedlake("frobnicate")
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(
            result.standardError
                == "Error: Unknown command 'frobnicate'\nUsage: fedlake <subcommand>\n  See 'fedlake --help' for more information.\n"
        )
    }

    @Test func unknownOptionNamesTheOption() throws {
        let result = try fedlake("dicom", "dump", "--frobnicate", "x.dcm")
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("Error: Unknown option '--frobnicate'\nUsage: fedlake dicom dump"))
    }

    @Test func groupWithoutSubcommandShowsHelpAndExits2() throws {
        let result = try fedlake("node")
        #expect(result.status == 2)
        #expect(result.standardError.contains("SUBCOMMANDS:"))
    }

    @Test func unbuiltCommandsSayTheyAreNotBuiltAndExit1() throws {
        for path in [["node", "run"], ["query", "submit"], ["coordinator", "run"], ["pki", "init"]] {
            let result = try ProcessRunner.run(try ToolLocator.fedlake(), path)
            #expect(result.status == 1, "\(path)")
            #expect(result.standardError.contains("is not built yet"), "\(path)")
        }
    }
}

@Suite struct DemoCommandTests {
    @Test func demoSynthesizesWritesAndRoundTripsAStudy() throws {
        let folder = try TemporaryDirectory(prefix: "demo")
        let result = try ProcessRunner.run(try ToolLocator.fedlake(), ["demo", "--dir", folder.path, "--slices", "3"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("3 of 3 files identical after the round trip"))
        #expect(result.standardOutput.contains("values the profile removes: 0 found"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.file("synthetic-ct").path)
        #expect(files.filter { $0.hasSuffix(".dcm") }.count == 3)
    }

    @Test func demoRefusesANonNumericSliceCount() throws {
        let result = try ProcessRunner.run(try ToolLocator.fedlake(), ["demo", "--slices", "many"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("'--slices'"))
    }
}

@Suite struct SynthCommandTests {
    @Test func synthWritesACorpusAndItsManifest() throws {
        let folder = try TemporaryDirectory(prefix: "synth-cli")
        let out = folder.file("corpus").path
        let result = try ProcessRunner.run(try ToolLocator.fedlake(), ["synth", "--out", out, "--patients", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder.file("corpus/manifest.json").path))
        #expect(FileManager.default.fileExists(atPath: folder.file("corpus/patient-0002/sr-1.dcm").path))
        #expect(result.standardOutput.contains("planted values: "))
    }

    @Test func synthJSONSummaryCountsFilesAndPlantedValues() throws {
        let folder = try TemporaryDirectory(prefix: "synth-cli-json")
        let result = try ProcessRunner.run(
            try ToolLocator.fedlake(), ["synth", "--out", folder.path, "--patients", "1", "--seed", "3", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(summary?["patients"] as? Int == 1)
        #expect((summary?["planted"] as? Int ?? 0) > 1000)
    }

    @Test func synthRefusesBadArgumentsWithExitCode2() throws {
        let folder = try TemporaryDirectory(prefix: "synth-cli-bad")
        let zero = try ProcessRunner.run(try ToolLocator.fedlake(), ["synth", "--out", folder.path, "--patients", "0"])
        #expect(zero.status == 2)
        #expect(zero.standardError.hasPrefix("Error: The value '0' is invalid for '--patients'"))
        let missing = try ProcessRunner.run(try ToolLocator.fedlake(), ["synth"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("--out"))
    }
}
