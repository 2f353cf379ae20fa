import Connectors
import Crypto
import Foundation
import Testing
import TestSupport

@Suite struct FolderSourceTests {
    /// Lists every change of one full pass, page by page.
    static func pass(_ source: FolderSource, limit: Int) async throws -> (refs: [SourceObjectRef], pages: Int) {
        var cursor: SourceCursor?
        var refs: [SourceObjectRef] = []
        var pages = 0
        while true {
            let batch = try await source.listChanges(after: cursor, limit: limit)
            pages += 1
            refs += batch.changes.map(\.object)
            cursor = batch.nextCursor
            if batch.isComplete { return (refs, pages) }
        }
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    @Test func walksRegularFilesInByteOrderInPagesAndResumesFromTheCursor() async throws {
        let tree = try TemporaryDirectory(prefix: "folder-source")
        for name in ["b/2.dcm", "a.dcm", "b/1.dcm", "c/d/e.txt", "B.dcm", ".hidden", "b/.partial"] {
            try Self.write(name, to: tree.file(name))
        }
        try FileManager.default.createSymbolicLink(atPath: tree.file("link.dcm").path, withDestinationPath: "/etc/passwd")
        let source = FolderSource(path: tree.url)
        let (refs, pages) = try await Self.pass(source, limit: 2)
        #expect(refs.map(\.id) == ["B.dcm", "a.dcm", "b/1.dcm", "b/2.dcm", "c/d/e.txt"])
        #expect(pages == 3)
        #expect(refs.first?.byteCount == 5)

        let first = try await source.listChanges(after: nil, limit: 2)
        let resumed = try await source.listChanges(after: first.nextCursor, limit: 10)
        #expect(first.changes.map(\.object.id) == ["B.dcm", "a.dcm"])
        #expect(resumed.changes.map(\.object.id) == ["b/1.dcm", "b/2.dcm", "c/d/e.txt"])
        #expect(resumed.isComplete)
        #expect(resumed.nextCursor == SourceCursor("start"))
    }

    @Test func fetchCopiesTheFileWithItsHashAndVersion() async throws {
        let tree = try TemporaryDirectory(prefix: "folder-source")
        let body = try SecureRandom.bytes(count: 3 << 20)
        try FileManager.default.createDirectory(at: tree.file("in"), withIntermediateDirectories: true)
        try Data(body).write(to: tree.file("in/x.dcm"))
        let source = FolderSource(path: tree.url)
        let ref = try #require(try await source.listChanges(after: nil, limit: 10).changes.first?.object)
        let scratch = try TemporaryDirectory(prefix: "folder-fetch")
        guard case .fetched(let object) = try await source.fetch(ref, to: scratch.file("copy")) else {
            Issue.record("expected a fetched object")
            return
        }
        #expect(object.byteCount == Int64(body.count))
        #expect(object.sha256 == (try SHA256.hash(body)))
        #expect(object.version == ref.version)
        #expect(try Data(contentsOf: scratch.file("copy")) == Data(body))
    }

    @Test func aChangedFileGetsANewVersionAndADeletedOneIsMissingFromTheNextPass() async throws {
        let tree = try TemporaryDirectory(prefix: "folder-source")
        try Self.write("one", to: tree.file("keep.txt"))
        try Self.write("two", to: tree.file("change.txt"))
        try Self.write("three", to: tree.file("delete.txt"))
        let source = FolderSource(path: tree.url)
        let before = Dictionary(uniqueKeysWithValues: try await Self.pass(source, limit: 100).refs.map { ($0.id, $0) })

        try Self.write("two, longer", to: tree.file("change.txt"))
        try FileManager.default.removeItem(at: tree.file("delete.txt"))
        let after = Dictionary(uniqueKeysWithValues: try await Self.pass(source, limit: 1).refs.map { ($0.id, $0) })

        #expect(after["keep.txt"]?.version == before["keep.txt"]?.version)
        #expect(after["change.txt"]?.version != before["change.txt"]?.version)
        #expect(Set(before.keys).subtracting(after.keys) == ["delete.txt"])

        let scratch = try TemporaryDirectory(prefix: "folder-fetch")
        let gone = try #require(before["delete.txt"])
        guard case .deletedBeforeFetch(let ref) = try await source.fetch(gone, to: scratch.file("x")) else {
            Issue.record("expected deletedBeforeFetch")
            return
        }
        #expect(ref == gone)
    }

    @Test func refusesPathsOutsideTheTreeAndMissingRoots() async throws {
        let tree = try TemporaryDirectory(prefix: "folder-source")
        let source = FolderSource(path: tree.url)
        let scratch = try TemporaryDirectory(prefix: "folder-fetch")
        for id in ["../etc/passwd", "/etc/passwd", "a/../../b", "a//b", ""] {
            let error = await #expect(throws: ConnectorError.self, "\(id)") {
                try await source.fetch(SourceObjectRef(id: id, version: "1-1"), to: scratch.file("x"))
            }
            #expect(error?.code == .invalidCursor)
        }
        let missing = FolderSource(path: tree.file("nope"))
        let error = await #expect(throws: ConnectorError.self) { try await missing.listChanges(after: nil, limit: 1) }
        #expect(error?.code == .notFound)
        let badCursor = await #expect(throws: ConnectorError.self) {
            try await source.listChanges(after: SourceCursor("17"), limit: 1)
        }
        #expect(badCursor?.code == .invalidCursor)
    }

    @Test func cursorsEncodeAsPlainJSONStrings() throws {
        let cursor = SourceCursor("after:b/1.dcm")
        let data = try JSONEncoder().encode(cursor)
        #expect(String(decoding: data, as: UTF8.self) == "\"after:b\\/1.dcm\"")
        #expect(try JSONDecoder().decode(SourceCursor.self, from: data) == cursor)
    }
}
