import Connectors
import Crypto
import Foundation
import HTTP
import Testing
import TestSupport

@Suite(.enabled(if: LocalServers.s3Enabled, "SeaweedFS (weed) not installed (set CI=1 to require it)"))
struct S3SourceTests {
    static let fastRetries = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), maxDelay: .milliseconds(20), seed: 3)

    /// A source for `bucket` whose secret comes from a 0600 file, as an operator would provide it.
    static func source(
        _ s3: S3Server, bucket: String, prefix: String = "", secret: String? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> S3Source {
        // The secret is read once, here; the file may go when this returns.
        let directory = try TemporaryDirectory(prefix: "s3-secret")
        let file = directory.file("secret")
        try Data(((secret ?? s3.secretAccessKey) + "\n").utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let source = try S3Source(
            endpoint: s3.endpoint, region: s3.region, bucket: bucket, prefix: prefix, accessKeyID: s3.accessKeyID,
            secretAccessKeyFile: file, retryPolicy: fastRetries, clock: clock)
        return source
    }

    static func put(_ s3: S3Server, _ bucket: String, _ key: String, _ body: [UInt8]) async throws {
        let response = try await S3ServerTests.send(s3, "PUT", "/\(bucket)/\(key)", body: body)
        #expect(response.status == 200, "\(response.bodyText)")
    }

    /// One bucket for the whole suite; each test works under its own random prefix. SeaweedFS gives every
    /// bucket its own collection of volumes, and the test server has few volume slots, so a bucket per test
    /// would run it out of space (PUT answers 500).
    static func makeBucket(_ s3: S3Server) async throws -> (bucket: String, prefix: String) {
        let bucket = try await SharedBucket.registry.bucket(on: s3)
        return (bucket, "t-" + Hex.encode(try SecureRandom.bytes(count: 6)) + "/")
    }

    static func pass(_ source: S3Source, limit: Int) async throws -> (refs: [SourceObjectRef], pages: Int) {
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

    @Test func listsAPrefixInPagesAndFetchesSmallObjectsIntoMemoryAndLargeOnesToDisk() async throws {
        let s3 = try await LocalServers.s3()
        let (bucket, p) = try await Self.makeBucket(s3)
        var bodies: [String: [UInt8]] = [:]
        for index in 0..<5 {
            let key = "\(p)in/study \(index)/slice+\(index).dcm"
            // 1 kB to 1.2 MB: the last one is above the in-memory limit (1 MiB) and goes to the working file.
            bodies[key] = try SecureRandom.bytes(count: 1000 + index * 300_000)
            try await Self.put(s3, bucket, key, bodies[key] ?? [])
        }
        try await Self.put(s3, bucket, "\(p)other/x.dcm", [1, 2, 3])
        try await Self.put(s3, bucket, "\(p)inbox.dcm", [4])

        let source = try Self.source(s3, bucket: bucket, prefix: "\(p)in/")
        let (refs, pages) = try await Self.pass(source, limit: 2)
        #expect(refs.map(\.id) == bodies.keys.sorted())
        #expect(pages == 3)

        // The same pages through continuation tokens.
        let first = try await source.listObjects(maxKeys: 2)
        #expect(first.isTruncated)
        #expect(first.contents.count == 2)
        let token = try #require(first.nextContinuationToken)
        let second = try await source.listObjects(continuationToken: token, maxKeys: 2)
        #expect(second.contents.map(\.key) == Array(bodies.keys.sorted()[2..<4]))

        let scratch = try TemporaryDirectory(prefix: "s3-fetch")
        for (index, ref) in refs.enumerated() {
            let body = try #require(bodies[ref.id])
            #expect(ref.byteCount == Int64(body.count))
            guard case .fetched(let object) = try await source.fetch(ref, to: scratch.file("\(index)")) else {
                Issue.record("object \(index) was not fetched")
                continue
            }
            #expect(object.byteCount == Int64(body.count))
            #expect(object.sha256 == (try SHA256.hash(body)))
            #expect(try SHA256.hash(object.contents()) == (try SHA256.hash(body)))
            let inMemory = body.count <= IngestSourceLimits.inMemoryBytes
            #expect((object.bytes != nil) == inMemory)
            #expect(FileManager.default.fileExists(atPath: scratch.file("\(index)").path) == !inMemory)
            if !inMemory { #expect(try SHA256.hash(contentsOf: scratch.file("\(index)")) == (try SHA256.hash(body))) }
            #expect(object.version == ref.version)
        }
    }

    @Test func aReplacedObjectHasANewETagAndADeletedOneIsGone() async throws {
        let s3 = try await LocalServers.s3()
        let (bucket, p) = try await Self.makeBucket(s3)
        try await Self.put(s3, bucket, "\(p)a.txt", Array("first".utf8))
        try await Self.put(s3, bucket, "\(p)b.txt", Array("stays".utf8))
        try await Self.put(s3, bucket, "\(p)c.txt", Array("goes".utf8))
        let source = try Self.source(s3, bucket: bucket, prefix: p)
        let before = Dictionary(uniqueKeysWithValues: try await Self.pass(source, limit: 1000).refs.map { ($0.id, $0) })

        try await Self.put(s3, bucket, "\(p)a.txt", Array("second version".utf8))
        let deleted = try await S3ServerTests.send(s3, "DELETE", "/\(bucket)/\(p)c.txt")
        #expect(deleted.status == 204 || deleted.status == 200)
        let after = Dictionary(uniqueKeysWithValues: try await Self.pass(source, limit: 2).refs.map { ($0.id, $0) })

        #expect(after["\(p)a.txt"]?.version != before["\(p)a.txt"]?.version)
        #expect(after["\(p)b.txt"]?.version == before["\(p)b.txt"]?.version)
        #expect(Set(before.keys).subtracting(after.keys) == ["\(p)c.txt"])

        let scratch = try TemporaryDirectory(prefix: "s3-fetch")
        let gone = try #require(before["\(p)c.txt"])
        guard case .deletedBeforeFetch = try await source.fetch(gone, to: scratch.file("c")) else {
            Issue.record("expected deletedBeforeFetch")
            return
        }
        // Fetching with the stale listing returns the new bytes and reports their ETag.
        let stale = try #require(before["\(p)a.txt"])
        guard case .fetched(let object) = try await source.fetch(stale, to: scratch.file("a")) else {
            Issue.record("expected the replaced object")
            return
        }
        #expect(object.version == after["\(p)a.txt"]?.version)
        #expect(try object.contents() == Array("second version".utf8))
        #expect(object.bytes != nil)  // a small object is kept in memory; the working file is never written
    }

    @Test func aWrongSecretIsACredentialsError() async throws {
        let s3 = try await LocalServers.s3()
        let (bucket, _) = try await Self.makeBucket(s3)
        let source = try Self.source(s3, bucket: bucket, secret: s3.secretAccessKey + "wrong")
        let error = await #expect(throws: ConnectorError.self) { try await source.listChanges(after: nil, limit: 10) }
        #expect(error?.code == .credentials)
        #expect(error?.isRetryable == false)
        #expect(error?.description.contains("wrong credentials") == true)
        #expect(error?.description.contains(s3.secretAccessKey) == false)
    }

    @Test func aMissingBucketIsNamed() async throws {
        let s3 = try await LocalServers.s3()
        let source = try Self.source(s3, bucket: "no-such-bucket-fedlake")
        let error = await #expect(throws: ConnectorError.self) { try await source.listChanges(after: nil, limit: 10) }
        #expect(error?.code == .notFound)
        #expect(error?.description.contains("bucket no-such-bucket-fedlake does not exist") == true)
    }

    @Test func aClockOneHourAheadIsReportedAsClockSkew() async throws {
        let s3 = try await LocalServers.s3()
        let (bucket, _) = try await Self.makeBucket(s3)
        let source = try Self.source(s3, bucket: bucket, clock: { Date().addingTimeInterval(3600) })
        let error = await #expect(throws: ConnectorError.self) { try await source.listChanges(after: nil, limit: 10) }
        #expect(error?.code == .clockSkew, "\(error?.description ?? "")")
        #expect(error?.description.contains("clock skew: local time differs from the server's by more than 15 minutes") == true)
    }

    @Test func refusesBadConfigurationAndForeignCursors() async throws {
        let s3 = try await LocalServers.s3()
        #expect(throws: ConnectorError.self) { try Self.source(s3, bucket: "Bad_Bucket") }
        let source = try Self.source(s3, bucket: "some-bucket")
        let error = await #expect(throws: ConnectorError.self) {
            try await source.listChanges(after: SourceCursor("42"), limit: 1)
        }
        #expect(error?.code == .invalidCursor)
    }
}

/// The suite's one bucket on the shared server, created on first use.
private actor SharedBucket {
    static let registry = SharedBucket()
    private var creation: Task<String, any Error>?

    func bucket(on s3: S3Server) async throws -> String {
        if let creation { return try await creation.value }
        let task = Task<String, any Error> {
            let bucket = try S3ServerTests.bucketName()
            let created = try await S3ServerTests.send(s3, "PUT", "/\(bucket)")
            guard created.status == 200 else { throw LocalServerError("cannot create bucket: HTTP \(created.status)") }
            return bucket
        }
        creation = task
        return try await task.value
    }
}
