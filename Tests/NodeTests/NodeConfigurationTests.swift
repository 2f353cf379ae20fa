import Foundation
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
        #expect(configuration.ingest.batchSize == 100)
        #expect(configuration.ingest.pollIntervalSeconds == 10)
        #expect(configuration.ingest.propagateDeletions == false)
        #expect(configuration.ingest.maxAttempts == 5)
        #expect(configuration.privacy.minimumCount == 11)
        #expect(configuration.metrics.listen == "127.0.0.1:9464")
        #expect(configuration.deidentification.options == nil)
    }
}
