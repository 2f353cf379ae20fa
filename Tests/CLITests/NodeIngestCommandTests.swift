import Foundation
import Storage
import Synthesis
import TestSupport
import Testing

@Suite struct NodeIngestCommandTests {
    /// The log lines and summaries of `node ingest` and `node status` carry counts, source names and reason
    /// codes: no planted value of the corpus appears in them.
    @Test func ingestOutputCarriesNoPlantedValue() throws {
        let node = try NodeFolder(sources: #"[{"type": "folder", "path": "corpus"}]"#)
        let synth = try node.fedlake("synth", "--out", node.directory.file("corpus").path, "--patients", "2", "--seed", "9")
        #expect(synth.status == 0)
        let manifest = try Manifest.decode(try Data(contentsOf: node.directory.file("corpus/manifest.json")))
        #expect(try node.fedlake("node", "init", "--config", "CONFIG").status == 0)
        let ingest = try node.fedlake("node", "ingest", "--config", "CONFIG", "--once")
        #expect(ingest.status == 0, "\(ingest.standardError)")
        #expect(ingest.standardError.contains("object quarantined"))
        let status = try node.fedlake("node", "status", "--config", "CONFIG")
        let statusJSON = try node.fedlake("node", "status", "--config", "CONFIG", "--json")
        let output = [ingest.standardOutput, ingest.standardError, status.standardOutput, statusJSON.standardOutput]
            .joined(separator: "\n").lowercased()
        var found: [String] = []
        for planted in manifest.planted where planted.detectable && planted.value.count >= 4 {
            if output.contains(planted.value.lowercased()) { found.append("\(planted.kind) from \(planted.file)") }
        }
        #expect(found.isEmpty, "\(found.count) planted values in the output: \(found.prefix(10))")
    }
}

@Suite(.enabled(if: LocalServers.s3Enabled, "SeaweedFS (weed) not installed (set CI=1 to require it)"))
struct NodeS3CommandTests {
    @Test func aWrongS3SecretFailsWithAClearErrorAndExit1() async throws {
        let s3 = try await LocalServers.s3()
        let node = try NodeFolder(
            sources: """
                [{"type": "s3", "endpoint": "\(s3.endpoint.absoluteString)", "region": "\(s3.region)",
                  "bucket": "no-such-bucket-here", "accessKeyId": "\(s3.accessKeyID)", "secretAccessKeyFile": "s3.secret"}]
                """)
        let secret = node.directory.file("s3.secret")
        try Data("a-wrong-secret-of-some-length".utf8).write(to: secret)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret.path)
        #expect(try node.fedlake("node", "init", "--config", "CONFIG").status == 0)
        let ingest = try node.fedlake("node", "ingest", "--config", "CONFIG", "--once")
        #expect(ingest.status == 1)
        #expect(ingest.standardError.contains("Error: "), "\(ingest.standardError)")
        #expect(ingest.standardError.contains("1 of 1 sources failed"))
        #expect(
            ingest.standardError.contains("SignatureDoesNotMatch") || ingest.standardError.lowercased().contains("credential"),
            "\(ingest.standardError)")
        #expect(!ingest.standardError.contains("a-wrong-secret-of-some-length"))
        #expect(try node.count("SELECT count(*) FROM provenance") == 0)
        #expect(try node.count("SELECT count(*) FROM sources WHERE last_error IS NOT NULL AND cursor IS NULL") == 1)
        let status = try node.fedlake("node", "status", "--config", "CONFIG")
        #expect(status.status == 0 && status.standardOutput.contains("0 instances"))
    }
}
