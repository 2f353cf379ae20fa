import Foundation
import TestSupport
import Lake
import Node
import Testing

@Suite struct NodeConfigurationTests {
    static let file = URL(fileURLWithPath: "/etc/fedlake/node.json")

    static func parse(_ text: String) throws -> NodeConfiguration {
        try NodeConfiguration.parse(Data(text.utf8), file: file)
    }

    static let minimal = """
        {"institution": "Synthetic Hospital", "lake": "lake", "secretKeyFile": "node.key",
         "sources": [{"type": "folder", "path": "/data/in"}]}
        """

    @Test func appliesDefaultsAndResolvesRelativePathsAgainstTheConfigFolder() throws {
        let configuration = try Self.parse(Self.minimal)
        #expect(configuration.lake.path == "/etc/fedlake/lake")
        #expect(configuration.secretKeyFile.path == "/etc/fedlake/node.key")
        #expect(configuration.ingest.batchSize == 500)
        #expect(configuration.ingest.pollIntervalSeconds == 10)
        #expect(configuration.ingest.propagateDeletions == false)
        #expect(configuration.ingest.maxAttempts == 5)
        #expect(configuration.privacy.minimumCount == 11)
        #expect(configuration.metrics.listen == "127.0.0.1:9464")
        #expect(configuration.deidentification.options == nil)
    }
}

@Suite struct NodeConfigurationErrorTests {
    static func error(_ text: String) -> NodeError? {
        do {
            _ = try NodeConfigurationTests.parse(text)
            return nil
        } catch let error as NodeError {
            return error
        } catch {
            return nil
        }
    }

    @Test func namesAnUnknownKeyWithItsPathAndTheFile() throws {
        let text = """
            {"institution": "X", "lake": "lake", "secretKeyFile": "k",
             "sources": [{"type": "folder", "path": "a"},
                         {"type": "s3", "endpoint": "http://127.0.0.1:9000", "region": "us-east-1", "bukcet": "b",
                          "bucket": "bucket", "accessKeyId": "id", "secretAccessKeyFile": "s"}]}
            """
        let error = try #require(Self.error(text))
        #expect(error.code == .invalidConfiguration)
        #expect(error.key == "sources[1].bukcet")
        #expect(error.description.hasPrefix("/etc/fedlake/node.json: sources[1].bukcet: unknown key"))
        #expect(Self.error(#"{"institution": "X", "lake": "l", "secretKeyFile": "k", "sources": [], "lakes": 1}"#)?.key == "lakes")
        #expect(
            Self.error(
                #"{"institution": "X", "lake": "l", "secretKeyFile": "k", "sources": [{"type": "folder", "path": "a"}], "ingest": {"batchsize": 3}}"#
            )?.key == "ingest.batchsize")
        #expect(
            Self.error(
                #"{"institution": "X", "lake": "l", "secretKeyFile": "k", "sources": [{"type": "folder", "path": "a"}], "privacy": {"budgets": [{"project": "p", "rho": 1, "requestor": "r"}]}}"#
            )?.key == "privacy.budgets[0].requestor")
    }

    @Test func namesMissingKeysWrongTypesAndBadValues() {
        #expect(Self.error(#"{"lake": "l", "secretKeyFile": "k", "sources": []}"#)?.key == "institution")
        #expect(Self.error(#"{"institution": "X", "lake": "l", "secretKeyFile": "k", "sources": []}"#)?.key == "sources")
        let base = #"{"institution": "X", "lake": "l", "secretKeyFile": "k", "sources": [{"type": "folder", "path": "a"}]"#
        #expect(Self.error(base + #", "ingest": {"batchSize": "100"}}"#)?.key == "ingest.batchSize")
        #expect(Self.error(base + #", "ingest": {"batchSize": 0}}"#)?.key == "ingest.batchSize")
        #expect(Self.error(base + #", "ingest": {"propagateDeletions": 1}}"#)?.key == "ingest.propagateDeletions")
        #expect(Self.error(base + #", "log": {"format": "xml"}}"#)?.key == "log.format")
        #expect(Self.error(base + #", "metrics": {"listen": "0.0.0.0:9464"}}"#)?.key == "metrics.listen")
        #expect(Self.error(base + #", "deidentification": {"options": ["keepEverything"]}}"#)?.key == "deidentification.options")
        #expect(
            Self.error(#"{"institution": "X", "lake": "l", "secretKeyFile": "k", "sources": [{"type": "ftp", "path": "a"}]}"#)?.key
                == "sources[0].type")
        #expect(
            Self.error(
                #"{"institution": "X", "lake": "l", "secretKeyFile": "k", "sources": [{"type": "folder", "path": "a", "documentPatientPattern": "^([^/]+)/"}]}"#
            )?.key == "sources[0].documentPatientPattern")
        #expect(
            Self.error(
                #"{"institution": "X", "lake": "l", "secretKeyFile": "k", "sources": [{"type": "orthanc", "url": "ftp://h", "username": "u", "passwordFile": "p"}]}"#
            )?.key == "sources[0].url")
        #expect(Self.error(#"{"institution": "X", "institution": "Y"}"#)?.code == .unreadableConfiguration)
        #expect(Self.error("{\"institution\": ")?.code == .unreadableConfiguration)
    }

    @Test func readsEveryDocumentedKey() throws {
        let configuration = try NodeConfigurationTests.parse(
            """
            {"institution": "Synthetic Hospital", "lake": "/var/lib/fedlake/lake", "secretKeyFile": "node.key",
             "sources": [
               {"type": "orthanc", "name": "pacs", "url": "https://pacs.local:8042", "username": "fedlake",
                "passwordFile": "orthanc.password", "caFile": "ca.pem"},
               {"type": "s3", "endpoint": "https://minio.local:9000", "region": "us-east-1", "bucket": "reports",
                "prefix": "2025/", "accessKeyId": "fedlake", "secretAccessKeyFile": "minio.secret", "caFile": "ca.pem",
                "documentPatientPattern": "^2025/(?<patientID>[^/]+)/"},
               {"type": "folder", "name": "import", "path": "import", "documentPatientPattern": "^(?<patientID>[0-9]+)_"}],
             "deidentification": {"options": ["retainLongitudinalTemporalInformationModifiedDates", "cleanDescriptors"],
                                  "pixelCleaningRulesFile": "pixel-rules.json"},
             "ingest": {"concurrency": 4, "batchSize": 50, "pollIntervalSeconds": 2.5, "propagateDeletions": true,
                        "maxAttempts": 3},
             "privacy": {"defaultRho": 0.05, "defaultBudgetRho": 1.0, "minimumCount": 20,
                         "budgets": [{"project": "lung", "requester": "alice", "rho": 0.5}, {"project": "all", "rho": 2}]},
             "coordinator": {"url": "https://coordinator.net:8443", "certificateFile": "node.crt", "keyFile": "node.pem",
                             "caFile": "federation-ca.pem"},
             "metrics": {"listen": "127.0.0.1:9500"},
             "log": {"format": "json", "level": "debug"}}
            """)
        #expect(configuration.sources.count == 3)
        guard case .s3(let s3) = configuration.sources[1] else {
            Issue.record("the second source is not S3")
            return
        }
        #expect(s3.bucket == "reports" && s3.prefix == "2025/" && s3.secretAccessKeyFile.path == "/etc/fedlake/minio.secret")
        #expect(configuration.lake.path == "/var/lib/fedlake/lake")
        #expect(configuration.ingest.concurrency == 4 && configuration.ingest.pollIntervalSeconds == 2.5)
        #expect(configuration.ingest.propagateDeletions && configuration.ingest.maxAttempts == 3)
        #expect(configuration.privacy.defaultRho == "0.05" && configuration.privacy.defaultBudgetRho == "1.0")
        #expect(configuration.privacy.budgets.count == 2 && configuration.privacy.budgets[0].requester == "alice")
        #expect(configuration.privacy.budgets[1].rho == "2" && configuration.privacy.minimumCount == 20)
        #expect(configuration.coordinator?.keyFile.path == "/etc/fedlake/node.pem")
        #expect(configuration.metrics.listen == "127.0.0.1:9500")
        #expect(configuration.log.format == .json && configuration.log.level == "debug")
        #expect(configuration.deidentification.options?.count == 2)
    }
}
