import Connectors
import Crypto
import DICOM
import Foundation
import HTTP
import Synthesis
import Testing
import TestSupport

@Suite(.enabled(if: LocalServers.orthancEnabled, "Orthanc not installed (set CI=1 to require it)"))
struct OrthancSourceTests {
    static let fastRetries = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(20), maxDelay: .milliseconds(50), seed: 1)

    /// Part 10 bytes of `count` synthetic CT slices.
    static func instances(seed: UInt64, count: Int) throws -> [[UInt8]] {
        try SyntheticStudy(seed: seed, slices: count, size: 16).files().map { try DICOMWriter.encode($0) }
    }

    /// Uploads `bytes` with `POST /instances`; returns Orthanc's instance ID.
    static func upload(_ bytes: [UInt8], to orthanc: OrthancServer) async throws -> String {
        let client = HTTPClient(configuration: .init(credentials: orthanc.credentials))
        let request = HTTPRequest(method: "POST", url: orthanc.baseURL.appendingPathComponent("instances"),
                                  headers: [("Content-Type", "application/dicom")], body: .bytes(bytes))
        let response = try await client.send(request)
        #expect(response.status == 200, "\(response.bodyText)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try #require(json["ID"] as? String)
    }

    static func source(_ orthanc: OrthancServer, passwordFile: URL? = nil, retry: RetryPolicy = fastRetries) throws
        -> OrthancSource
    {
        try OrthancSource(url: orthanc.baseURL, username: orthanc.username,
                          passwordFile: passwordFile ?? orthanc.passwordFile, retryPolicy: retry)
    }

    /// Follows the feed from `cursor` until `Done`; returns the upserted refs and the final cursor.
    static func drain(
        _ source: OrthancSource, from cursor: SourceCursor?, limit: Int
    ) async throws -> (refs: [SourceObjectRef], cursor: SourceCursor?) {
        var cursor = cursor
        var refs: [SourceObjectRef] = []
        while true {
            let batch = try await source.listChanges(after: cursor, limit: limit)
            refs += batch.changes.compactMap { if case .upsert(let ref) = $0 { ref } else { nil } }
            cursor = batch.nextCursor
            if batch.isComplete { return (refs, cursor) }
        }
    }

    @Test func listsNewInstancesInPagesFetchesThemByteIdenticalAndResumesWithoutDuplicates() async throws {
        let orthanc = try await OrthancServer.start()
        defer { orthanc.stop() }
        let bodies = try Self.instances(seed: 11, count: 5)
        var uploaded: [String: [UInt8]] = [:]
        for body in bodies { uploaded[try await Self.upload(body, to: orthanc)] = try SHA256.hash(body) }
        #expect(uploaded.count == 5)

        let source = try Self.source(orthanc)
        var cursor: SourceCursor?
        var seen: [SourceObjectRef] = []
        var pages = 0
        while true {
            let batch = try await source.listChanges(after: cursor, limit: 2)
            pages += 1
            seen += batch.changes.map(\.object)
            #expect(batch.changes.allSatisfy { if case .upsert = $0 { true } else { false } })
            cursor = batch.nextCursor
            if batch.isComplete { break }
        }
        // 5 instances + 1 series + 1 study + 1 patient entries at least, 2 per page.
        #expect(pages >= 4)
        #expect(seen.map(\.id).sorted() == uploaded.keys.sorted())
        #expect(Set(seen.map(\.version)).count == 5)

        let scratch = try TemporaryDirectory(prefix: "orthanc-fetch")
        for ref in seen {
            guard case .fetched(let object) = try await source.fetch(ref, to: scratch.file(ref.id)) else {
                Issue.record("instance \(ref.id) was not fetched")
                continue
            }
            #expect(object.sha256 == uploaded[ref.id])
            #expect(try SHA256.hash(object.contents()) == uploaded[ref.id])
            #expect(object.bytes != nil)  // small instances are kept in memory; the working file is not written
            #expect(!FileManager.default.fileExists(atPath: scratch.file(ref.id).path))
            #expect(object.version == ref.version)
        }

        // Resuming from the saved cursor: nothing old again, only what is new.
        let again = try await source.listChanges(after: cursor, limit: 100)
        #expect(again.changes.isEmpty)
        #expect(again.isComplete)
        let extra = try Self.instances(seed: 12, count: 1)[0]
        let extraID = try await Self.upload(extra, to: orthanc)
        let resumed = try await Self.drain(source, from: cursor, limit: 2)
        #expect(resumed.refs.map(\.id) == [extraID])
    }

    @Test func anInstanceDeletedBeforeItIsFetchedIsReportedNotThrown() async throws {
        let orthanc = try await LocalServers.orthanc()
        let source = try Self.source(orthanc)
        let start = try await Self.drain(source, from: nil, limit: 1000).cursor
        let id = try await Self.upload(try Self.instances(seed: 21, count: 1)[0], to: orthanc)
        let listed = try await Self.drain(source, from: start, limit: 1000).refs
        let ref = try #require(listed.first { $0.id == id })

        let client = HTTPClient(configuration: .init(credentials: orthanc.credentials))
        let deleted = try await client.send(HTTPRequest(
            method: "DELETE", url: orthanc.baseURL.appendingPathComponent("instances/\(id)")))
        #expect(deleted.status == 200)

        let scratch = try TemporaryDirectory(prefix: "orthanc-fetch")
        guard case .deletedBeforeFetch(let gone) = try await source.fetch(ref, to: scratch.file("x")) else {
            Issue.record("expected deletedBeforeFetch")
            return
        }
        #expect(gone == ref)
        // Orthanc 1.10 logs no deletion and drops the deleted instance's own entries from the feed.
        let after = try await Self.drain(source, from: start, limit: 1000).refs
        #expect(!after.contains { $0.id == id })
    }

    @Test func aWrongPasswordIsACredentialsErrorThatIsNotRetried() async throws {
        let orthanc = try await LocalServers.orthanc()
        let directory = try TemporaryDirectory(prefix: "orthanc-password")
        let wrong = directory.file("password")
        try Data("not-the-password\n".utf8).write(to: wrong)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: wrong.path)
        // A retry would sleep a minute first; a credentials error must come back at once.
        let patient = RetryPolicy(maxAttempts: 3, baseDelay: .seconds(60), maxDelay: .seconds(60), seed: 1)
        let source = try Self.source(orthanc, passwordFile: wrong, retry: patient)
        let error = await #expect(throws: ConnectorError.self) { try await source.listChanges(after: nil, limit: 10) }
        #expect(error?.code == .credentials)
        #expect(error?.isRetryable == false)
        #expect(error?.description.contains("wrong credentials") == true)
        #expect(error?.description.contains("not-the-password") == false)
    }

    @Test func refusesAPasswordFileOthersCanRead() async throws {
        let orthanc = try await LocalServers.orthanc()
        let directory = try TemporaryDirectory(prefix: "orthanc-password")
        let open = directory.file("password")
        try Data(orthanc.password.utf8).write(to: open)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: open.path)
        let error = #expect(throws: ConnectorError.self) { try Self.source(orthanc, passwordFile: open) }
        #expect(error?.code == .credentials)
        #expect(error?.description.contains("chmod 600") == true)
    }

    @Test func aStoppedOrthancGivesARetryableErrorAndARestartedOneResumesFromTheCursor() async throws {
        let orthanc = try await OrthancServer.start()
        defer { orthanc.stop() }
        let bodies = try Self.instances(seed: 31, count: 4)
        var ids: [String] = []
        for body in bodies.prefix(3) { ids.append(try await Self.upload(body, to: orthanc)) }
        let source = try Self.source(orthanc)
        let firstPage = try await source.listChanges(after: nil, limit: 2)
        #expect(!firstPage.isComplete)
        let firstIDs = firstPage.changes.map(\.object.id)

        orthanc.stop()
        let error = await #expect(throws: ConnectorError.self) {
            try await source.listChanges(after: firstPage.nextCursor, limit: 2)
        }
        #expect(error?.code == .unavailable)
        #expect(error?.isRetryable == true)

        // Same configuration, storage and port: the change log survives the restart.
        let restarted = try LocalProcess(
            executable: try ToolLocator.path(of: "Orthanc"),
            arguments: [orthanc.directory.appendingPathComponent("orthanc.json").path],
            logFile: orthanc.directory.appendingPathComponent("orthanc-restarted.log"))
        defer { restarted.stop(gracePeriod: .seconds(5)) }
        let probe = HTTPClient(configuration: .init(credentials: orthanc.credentials, timeout: .seconds(5)))
        var ready = false
        for _ in 0..<300 where !ready {
            ready = (try? await probe.send(HTTPRequest(url: orthanc.baseURL.appendingPathComponent("system"))))?.status == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(ready, "restarted Orthanc did not answer: \(restarted.logTail())")
        ids.append(try await Self.upload(bodies[3], to: orthanc))

        let rest = try await Self.drain(source, from: firstPage.nextCursor, limit: 2).refs.map(\.id)
        #expect(Set(firstIDs).isDisjoint(with: rest))
        #expect((firstIDs + rest).sorted() == ids.sorted())
    }

    @Test func refusesCursorsItDidNotMake() async throws {
        let orthanc = try await LocalServers.orthanc()
        let source = try Self.source(orthanc)
        let error = await #expect(throws: ConnectorError.self) {
            try await source.listChanges(after: SourceCursor("after:x"), limit: 1)
        }
        #expect(error?.code == .invalidCursor)
        let badID = await #expect(throws: ConnectorError.self) {
            try await source.fetch(SourceObjectRef(id: "../system", version: "1"), to: URL(fileURLWithPath: "/dev/null"))
        }
        #expect(badID?.code == .invalidCursor)
    }
}
