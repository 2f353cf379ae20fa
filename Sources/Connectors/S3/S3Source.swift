import Crypto
public import Foundation
import HTTP

/// Ingests objects from a bucket of MinIO or any S3-compatible store, with path-style URLs and AWS
/// Signature Version 4.
///
/// ```swift
/// let s3 = try S3Source(endpoint: URL(string: "https://minio.local:9000")!, region: "us-east-1",
///                       bucket: "reports", prefix: "2025/", accessKeyID: "fedlake",
///                       secretAccessKeyFile: URL(fileURLWithPath: "/etc/fedlake/minio.secret"))
/// let batch = try await s3.listChanges(after: savedCursor, limit: 500)
/// ```
///
/// S3 has no change feed. ``listChanges(after:limit:)`` walks the bucket (under ``prefix``) in key order,
/// one ListObjectsV2 page per call, and reports every object as an upsert whose version is its ETag. The
/// caller finds the differences: a key it does not hold is new; a different ETag means changed content;
/// a key it holds that was not reported during a pass ending with ``ChangeBatch/isComplete`` was deleted.
/// The cursor is the last key returned (`after:<key>`, sent as `start-after`) rather than the continuation
/// token: a key stays meaningful across server restarts and between S3 implementations, while
/// continuation tokens are opaque server state. After a completed pass the cursor is `start` and the next
/// call begins a new pass.
///
/// Errors name what to fix: wrong credentials (`SignatureDoesNotMatch`, `InvalidAccessKeyId`), a missing
/// bucket (`NoSuchBucket`), clock skew (`RequestTimeTooSkewed`, more than 15 minutes). An object deleted
/// between listing and fetching (`NoSuchKey`) is ``FetchResult/deletedBeforeFetch``.
public struct S3Source: IngestSource {
    /// The server, such as `https://minio.local:9000`.
    public let endpoint: URL
    /// The bucket.
    public let bucket: String
    /// Only keys starting with this are listed (may be empty).
    public let prefix: String
    /// `s3 <endpoint>/<bucket>/<prefix>`.
    public let sourceID: String
    /// How failed requests are retried.
    public let retryPolicy: RetryPolicy
    private let signer: SigV4
    private let host: String
    private let client: HTTPClient
    private let clock: @Sendable () -> Date

    /// The most keys one ListObjectsV2 page can hold (Amazon S3 API Reference, `max-keys`).
    public static let maximumKeysPerPage = 1000

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - endpoint: The server's base URL (`http` or `https`, no path, no credentials).
    ///   - region: The region to sign for (`us-east-1` for MinIO unless configured otherwise).
    ///   - bucket: The bucket.
    ///   - prefix: Only keys starting with this are listed.
    ///   - accessKeyID: The access key ID.
    ///   - secretAccessKeyFile: A file only its owner can read (mode 0600) holding the secret access key.
    ///   - caFile: A PEM file of CA certificates for an `https` endpoint, or nil for the system store.
    ///   - retryPolicy: How failed requests are retried.
    ///   - timeout: The limit on one request, downloads included.
    ///   - clock: The time requests are signed with (injected for clock-skew tests).
    /// - Throws: ``ConnectorError`` `.configuration` for an unusable endpoint or bucket name, `.credentials`
    ///   when the secret file cannot be read or others can read it.
    public init(
        endpoint: URL, region: String, bucket: String, prefix: String = "", accessKeyID: String,
        secretAccessKeyFile: URL, caFile: URL? = nil, retryPolicy: RetryPolicy = RetryPolicy(),
        timeout: Duration = .seconds(300), clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(ConnectorError) {
        let sourceID = "s3 \(OrthancSource.printable(endpoint))/\(bucket)/\(prefix)"
        func invalid(_ reason: String) -> ConnectorError {
            ConnectorError(.configuration, source: sourceID, operation: "configuring", reason: reason)
        }
        guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let hostName = endpoint.host, !hostName.isEmpty
        else { throw invalid("the endpoint must be http:// or https:// with a host") }
        guard endpoint.user == nil, endpoint.password == nil, endpoint.query == nil,
            endpoint.path.isEmpty || endpoint.path == "/"
        else { throw invalid("the endpoint must be scheme://host[:port] without a path, query or credentials") }
        // Bucket naming rules (Amazon S3 User Guide, "Bucket naming rules"): 3–63 of a-z 0-9 . -
        guard (3...63).contains(bucket.utf8.count),
            bucket.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D })
        else { throw invalid("bucket name '\(bucket.prefix(63))' breaks the S3 naming rules (3-63 of a-z 0-9 . -)") }
        let secret: SecureBytes
        do {
            secret = try SecretFile.read(path: secretAccessKeyFile.path)
        } catch {
            throw ConnectorError(.credentials, source: sourceID, operation: "reading the secret access key file",
                                 reason: error.description)
        }
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix
        self.sourceID = sourceID
        self.retryPolicy = retryPolicy
        self.signer = SigV4(accessKeyID: accessKeyID, secretAccessKey: secret, region: region)
        self.host = endpoint.port.map { "\(hostName):\($0)" } ?? hostName
        self.client = HTTPClient(configuration: .init(
            certificateAuthorityFile: caFile, timeout: timeout, maximumBodyBytes: ListBucketXML.maximumBytes))
        self.clock = clock
    }

    /// Reads one ListObjectsV2 page (`GET /<bucket>?list-type=2`).
    ///
    /// - Parameters:
    ///   - prefix: Only keys starting with this; nil uses the source's ``prefix``.
    ///   - continuationToken: The previous page's ``ListBucketResult/nextContinuationToken``, or nil.
    ///   - startAfter: List keys after this one (ignored by S3 when a continuation token is given).
    ///   - maxKeys: The most keys in the page (1–1000).
    /// - Returns: The page.
    /// - Throws: ``ConnectorError``: `.credentials`, `.notFound` (no such bucket), `.clockSkew`,
    ///   `.unavailable`/`.serverError` once retries are used up, `.malformedResponse`.
    public func listObjects(
        prefix: String? = nil, continuationToken: String? = nil, startAfter: String? = nil,
        maxKeys: Int = S3Source.maximumKeysPerPage
    ) async throws -> ListBucketResult {
        var query: [(name: String, value: String)] = [
            ("list-type", "2"), ("max-keys", String(max(1, min(maxKeys, Self.maximumKeysPerPage)))),
        ]
        let listPrefix = prefix ?? self.prefix
        if !listPrefix.isEmpty { query.append(("prefix", listPrefix)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let startAfter { query.append(("start-after", startAfter)) }
        let operation = "ListObjectsV2 bucket \(bucket)"
        let response = try await retryPolicy.run { () async throws -> HTTPResponse in
            let request = try signedRequest(path: "/\(bucket)", query: query, operation: operation)
            let response: HTTPResponse
            do throws(HTTPError) {
                response = try await client.send(request)
            } catch {
                throw ConnectorError(error, source: sourceID, operation: operation)
            }
            guard response.isSuccess else { throw failure(response, operation: operation, key: nil) }
            return response
        }
        return try ListBucketXML.parse(bytes: response.body, source: sourceID)
    }

    /// Lists the next page of the current pass after `cursor` (see the type's discussion).
    ///
    /// - Returns: One upsert per object, version = ETag, size from the listing; `isComplete` at the end
    ///   of a pass.
    /// - Throws: ``ConnectorError`` as ``listObjects(prefix:continuationToken:startAfter:maxKeys:)``, and
    ///   `.invalidCursor` for a cursor not made by this kind of source.
    public func listChanges(after cursor: SourceCursor?, limit: Int) async throws -> ChangeBatch {
        let startAfter: String?
        switch cursor?.value {
        case nil, "start": startAfter = nil
        case let value? where value.hasPrefix("after:"): startAfter = String(value.dropFirst(6))
        default:
            throw ConnectorError(.invalidCursor, source: sourceID, operation: "ListObjectsV2 bucket \(bucket)",
                                 reason: "the cursor is not an S3 pass position (start or after:<key>)")
        }
        let page = try await listObjects(startAfter: startAfter, maxKeys: limit)
        let changes = page.contents.map {
            SourceChange.upsert(SourceObjectRef(id: $0.key, version: $0.eTag, byteCount: $0.size))
        }
        guard page.isTruncated else {
            return ChangeBatch(changes: changes, nextCursor: SourceCursor("start"), isComplete: true)
        }
        guard let last = page.contents.last else {
            throw ConnectorError(.malformedResponse, source: sourceID, operation: "ListObjectsV2 bucket \(bucket)",
                                 reason: "a truncated page holds no keys, so the listing cannot advance")
        }
        return ChangeBatch(changes: changes, nextCursor: SourceCursor("after:" + last.key), isComplete: false)
    }

    /// Downloads an object (`GET /<bucket>/<key>`) into `file`, streaming it to disk.
    ///
    /// The size is checked against `Content-Length`. The ETag is not compared with an MD5 of the body: it is
    /// one only for single-part uploads without SSE-KMS. The returned version is the ETag sent with the body.
    /// - Returns: ``FetchResult/fetched(_:)``, or ``FetchResult/deletedBeforeFetch`` for `NoSuchKey`.
    /// - Throws: ``ConnectorError`` as ``listObjects(prefix:continuationToken:startAfter:maxKeys:)``;
    ///   `.integrity` when the size differs from `Content-Length`; `.io` when the file cannot be written.
    public func fetch(_ object: SourceObjectRef, to file: URL) async throws -> FetchResult {
        let operation = "GetObject bucket \(bucket)"
        let label = objectLabel(forKey: object.id)
        let response = try await retryPolicy.run { () async throws -> HTTPResponse in
            let request = try signedRequest(path: "/\(bucket)/\(object.id)", query: [], operation: operation)
            let response: HTTPResponse
            do throws(HTTPError) {
                response = try await client.download(
                    request, to: file, keepingInMemoryUpTo: IngestSourceLimits.inMemoryBytes)
            } catch {
                throw ConnectorError(error, source: sourceID, operation: operation, objectLabel: label,
                                     objectKey: object.id)
            }
            if response.isSuccess || Self.isMissingKey(response) { return response }
            throw failure(response, operation: operation, key: object.id)
        }
        if !response.isSuccess { return .deletedBeforeFetch(object) }
        let eTag = response.header("ETag").map(ListBucketResult.unquotedETag) ?? object.version
        return .fetched(
            try await FetchedObject.downloaded(
                object, response: response, file: file, version: eTag, source: sourceID, operation: operation,
                label: label, key: object.id))
    }

    private static func isMissingKey(_ response: HTTPResponse) -> Bool {
        guard response.status == 404 else { return false }
        // A 404 without a readable document is taken as a missing key; NoSuchBucket is not.
        guard let document = try? ListBucketXML.parseError(bytes: response.body) else { return true }
        return document.code == "NoSuchKey"
    }

    private func signedRequest(
        path: String, query: [(name: String, value: String)], operation: String
    ) throws(ConnectorError) -> HTTPRequest {
        let signed: SigV4.SignedRequest
        do {
            signed = try signer.sign(SigV4.Request(method: "GET", host: host, path: path, query: query), date: clock())
        } catch {
            throw ConnectorError(.configuration, source: sourceID, operation: operation,
                                 reason: "cannot sign the request: \(error.description)")
        }
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + signed.pathAndQuery) else {
            throw ConnectorError(.configuration, source: sourceID, operation: operation,
                                 reason: "cannot form the request URL")
        }
        return HTTPRequest(method: "GET", url: url, headers: signed.headers)
    }

    /// Turns an error response into a ``ConnectorError`` that says what to fix.
    private func failure(_ response: HTTPResponse, operation: String, key: String?) -> ConnectorError {
        let document = try? ListBucketXML.parseError(bytes: response.body, source: sourceID)
        let label = key.map(objectLabel(forKey:))
        let server = document.map { " (S3 code \($0.code), request ID \($0.requestID.isEmpty ? "none" : $0.requestID))" }
            ?? " (HTTP \(response.status))"
        func error(_ code: ConnectorError.Code, _ reason: String) -> ConnectorError {
            ConnectorError(code, source: sourceID, operation: operation, objectLabel: label, objectKey: key,
                           reason: reason + server)
        }
        switch document?.code {
        case "SignatureDoesNotMatch", "InvalidAccessKeyId":
            return error(.credentials, "wrong credentials: the server refused access key '\(signer.accessKeyID)' "
                + "or its secret; check the access key ID and the secret access key file")
        case "AccessDenied":
            return error(.credentials, "access denied: the credentials lack permission for this bucket")
        case "NoSuchBucket":
            return error(.notFound, "bucket \(bucket) does not exist")
        case "RequestTimeTooSkewed":
            return error(.clockSkew, "clock skew: local time differs from the server's by more than 15 minutes; "
                + "synchronise this machine's clock (NTP)")
        case "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout":
            return error(.serverError, "the server asked to retry later")
        default:
            switch response.status {
            case 401, 403: return error(.credentials, "wrong credentials or no permission")
            case 404: return error(.notFound, "bucket \(bucket) or the object does not exist")
            case 500...599: return error(.serverError, "server error")
            default: return error(.malformedResponse, "unexpected HTTP status \(response.status)")
            }
        }
    }
}
