import Foundation
import Lake
import Node
import TestSupport
import Testing

@Suite struct LocalNodeTests {
    static func configuration(in directory: URL, keyBytes: Int, mode: Int) throws -> NodeConfiguration {
        let key = directory.appendingPathComponent("node.key")
        try Data(repeating: 0x5A, count: keyBytes).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: key.path)
        let file = directory.appendingPathComponent("node.json")
        try Data(
            #"{"institution": "X", "lake": "lake", "secretKeyFile": "node.key", "sources": [{"type": "folder", "path": "in"}]}"#
                .utf8
        ).write(to: file)
        return try NodeConfiguration.load(contentsOf: file)
    }

    @Test func refusesAKeyFileReadableByOthersOrShorterThan32Bytes() throws {
        let directory = try TemporaryDirectory(prefix: "node-key")
        let open = try Self.configuration(in: directory.url, keyBytes: 48, mode: 0o644)
        let error = #expect(throws: NodeError.self) { try LocalNode.initialize(open) }
        #expect(error?.code == .insecureSecret && error?.key == "secretKeyFile")
        #expect(error?.description.contains("chmod 600") == true)
        #expect(!FileManager.default.fileExists(atPath: open.lake.path))
        let short = try Self.configuration(in: directory.url, keyBytes: 16, mode: 0o600)
        #expect(throws: NodeError.self) { try LocalNode.initialize(short) }
        let good = try Self.configuration(in: directory.url, keyBytes: 48, mode: 0o400)
        let lake = try LocalNode.initialize(good)
        #expect(lake.keyFingerprint.count == 16)
        #expect(try LocalNode(configuration: good).status().instances == 0)
        #expect(throws: NodeError.self) { try LocalNode.initialize(good) }  // exists already
    }
}
