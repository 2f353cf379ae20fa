import Crypto
public import Foundation
import HTTP

/// Ingests DICOM instances from an Orthanc server through its REST API, following the change log.
///
/// ```swift
/// let orthanc = try OrthancSource(url: URL(string: "https://pacs.local:8042")!, username: "fedlake",
///                                 passwordFile: URL(fileURLWithPath: "/etc/fedlake/orthanc.password"),
///                                 caFile: URL(fileURLWithPath: "/etc/fedlake/hospital-ca.pem"))
/// let batch = try await orthanc.listChanges(after: savedCursor, limit: 100)
/// ```
///
/// `GET /changes?since=N&limit=M` returns `Changes` (each with `Seq`, `ChangeType`, `ResourceType`, `ID`),
/// `Done` and `Last` (Orthanc Book, "Tracking changes"). Only `NewInstance` entries of `Instance` resources
/// become changes; `NewSeries`, `NewStudy`, `NewPatient` and the `Stable*` entries are skipped but still
/// advance the cursor (the cursor is `Last`, so a batch may hold fewer instances than `limit`, or none).
/// An instance is fetched with `GET /instances/{id}/file`.
///
/// Deletions: Orthanc 1.10 logs no change for a deletion and removes the deleted resources' earlier
/// entries from the log, so this source never reports ``SourceChange/delete(_:)``. An instance deleted
/// between listing and fetching answers 404, reported as ``FetchResult/deletedBeforeFetch``.
///
/// Restarts: the log lives in Orthanc's index, so after a restart the sequence numbers continue and the
/// saved cursor resumes. While Orthanc is down, requests fail with ``ConnectorError/Code/unavailable``
/// after the ``RetryPolicy`` has run out. If `Last` is below the cursor, the index was replaced (a new
/// database): the source starts again from the beginning, which is safe because ingest is idempotent by
/// instance ID and version.
public struct OrthancSource: IngestSource {
    /// The server's base URL, such as `https://pacs.local:8042`.
    public let baseURL: URL
    /// `orthanc <base URL>`.
    public let sourceID: String
    /// How failed requests are retried.
    public let retryPolicy: RetryPolicy
    private let client: HTTPClient
    private let username: String

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - url: The Orthanc base URL (`http` or `https`, without credentials).
    ///   - username: The Orthanc user (`RegisteredUsers`).
    ///   - passwordFile: A file only its owner can read (mode 0600) holding the password.
    ///   - caFile: A PEM file of CA certificates to verify an `https` server, or nil for the system store.
    ///   - retryPolicy: How failed requests are retried.
    ///   - timeout: The limit on one request, downloads included.
    /// - Throws: ``ConnectorError`` `.configuration` for an unusable URL, `.credentials` when the password
    ///   file cannot be read or others can read it.
    public init(
        url: URL, username: String, passwordFile: URL, caFile: URL? = nil, retryPolicy: RetryPolicy = RetryPolicy(),
        timeout: Duration = .seconds(300)
    ) throws(ConnectorError) {
        let sourceID = "orthanc \(Self.printable(url))"
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw ConnectorError(.configuration, source: sourceID, operation: "configuring",
                                 reason: "the URL must be http:// or https:// with a host")
        }
        guard url.user == nil, url.password == nil, url.query == nil else {
            throw ConnectorError(.configuration, source: sourceID, operation: "configuring",
                                 reason: "the URL must not carry credentials or a query; use passwordFile")
        }
        let password: SecureBytes
        do {
            password = try SecretFile.read(path: passwordFile.path)
        } catch {
            throw ConnectorError(.credentials, source: sourceID, operation: "reading the password file",
                                 reason: error.description)
        }
        let text = password.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        self.baseURL = url
        self.sourceID = sourceID
        self.retryPolicy = retryPolicy
        self.username = username
        self.client = HTTPClient(configuration: .init(
            credentials: BasicCredentials(username: username, password: text), certificateAuthorityFile: caFile,
            timeout: timeout, maximumBodyBytes: 32 << 20))
    }

    /// Lists instance changes after `cursor` (Orthanc's `since`), reading at most `limit` log entries.
    ///
    /// - Returns: A batch of ``SourceChange/upsert(_:)`` with the instance ID and its change sequence number
    ///   as version; `nextCursor` is Orthanc's `Last`, `isComplete` its `Done`.
    /// - Throws: ``ConnectorError``: `.invalidCursor` for a cursor not made by this source, `.credentials`
    ///   for 401/403, `.unavailable`/`.serverError` once retries are used up, `.malformedResponse` otherwise.
    public func listChanges(after cursor: SourceCursor?, limit: Int) async throws -> ChangeBatch {
        var since: Int64 = 0
        if let cursor {
            guard let value = Int64(cursor.value), value >= 0 else {
                throw ConnectorError(.invalidCursor, source: sourceID, operation: "GET /changes",
                                     reason: "the cursor is not an Orthanc change sequence number")
            }
            since = value
        }
        let page = try await changesPage(since: since, limit: max(1, min(limit, 10_000)))
        if page.Last < since {
            // The index was replaced: sequence numbers started again below our cursor.
            return try await listChanges(after: nil, limit: limit)
        }
        var changes: [SourceChange] = []
        for entry in page.Changes where entry.ChangeType == "NewInstance" && entry.ResourceType == "Instance" {
            guard Self.isResourceID(entry.ID) else {
                throw ConnectorError(.malformedResponse, source: sourceID, operation: "GET /changes",
                                     reason: "change \(entry.Seq) has an instance ID that is not an Orthanc ID")
            }
            changes.append(.upsert(SourceObjectRef(id: entry.ID, version: String(entry.Seq))))
        }
        return ChangeBatch(changes: changes, nextCursor: SourceCursor(String(page.Last)), isComplete: page.Done)
    }

    /// Downloads an instance's DICOM file (`GET /instances/{id}/file`) into `file`.
    ///
    /// - Returns: The file's size and SHA-256, with `ref.version` as version; ``FetchResult/deletedBeforeFetch``
    ///   when Orthanc answers 404.
    /// - Throws: ``ConnectorError`` as ``listChanges(after:limit:)``; `.integrity` when the file's size
    ///   differs from `Content-Length`; `.io` when the file cannot be written or read back.
    public func fetch(_ object: SourceObjectRef, to file: URL) async throws -> FetchResult {
        let operation = "GET /instances/{id}/file"
        guard Self.isResourceID(object.id) else {
            throw ConnectorError(.invalidCursor, source: sourceID, operation: operation,
                                 reason: "the object ID is not an Orthanc instance ID")
        }
        let url = try endpoint("instances/\(object.id)/file", operation: operation)
        let response = try await retryPolicy.run { () async throws -> HTTPResponse in
            let response: HTTPResponse
            do throws(HTTPError) {
                response = try await client.download(
                    HTTPRequest(url: url), to: file, keepingInMemoryUpTo: IngestSourceLimits.inMemoryBytes)
            } catch {
                throw ConnectorError(error, source: sourceID, operation: operation, objectLabel: object.id)
            }
            if response.status == 404 || response.isSuccess { return response }
            throw failure(status: response.status, operation: operation, objectLabel: object.id)
        }
        if response.status == 404 { return .deletedBeforeFetch(object) }
        return .fetched(
            try await FetchedObject.downloaded(
                object, response: response, file: file, version: object.version, source: sourceID,
                operation: operation, label: object.id))
    }

    private struct ChangesPage: Decodable {
        struct Entry: Decodable {
            let ChangeType: String
            let ResourceType: String
            let ID: String
            let Seq: Int64
        }
        let Changes: [Entry]
        let Done: Bool
        let Last: Int64
    }

    private func changesPage(since: Int64, limit: Int) async throws -> ChangesPage {
        let operation = "GET /changes"
        let url = try endpoint("changes?since=\(since)&limit=\(limit)", operation: operation)
        let response = try await retryPolicy.run { () async throws -> HTTPResponse in
            let response: HTTPResponse
            do throws(HTTPError) {
                response = try await client.send(HTTPRequest(url: url))
            } catch {
                throw ConnectorError(error, source: sourceID, operation: operation)
            }
            guard response.isSuccess else { throw failure(status: response.status, operation: operation) }
            return response
        }
        do {
            return try JSONDecoder().decode(ChangesPage.self, from: Data(response.body))
        } catch {
            throw ConnectorError(.malformedResponse, source: sourceID, operation: operation,
                                 reason: "the body is not a changes document (Changes, Done, Last)")
        }
    }

    private func endpoint(_ relative: String, operation: String) throws(ConnectorError) -> URL {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + "/" + relative) else {
            throw ConnectorError(.configuration, source: sourceID, operation: operation,
                                 reason: "cannot form the request URL")
        }
        return url
    }

    private func failure(status: Int, operation: String, objectLabel: String? = nil) -> ConnectorError {
        switch status {
        case 401, 403:
            ConnectorError(.credentials, source: sourceID, operation: operation, objectLabel: objectLabel,
                           reason: "Orthanc refused user '\(username)' (HTTP \(status)): wrong credentials; "
                               + "check the user name and the password file")
        case 500...599:
            ConnectorError(.serverError, source: sourceID, operation: operation, objectLabel: objectLabel,
                           reason: "Orthanc answered HTTP \(status)")
        default:
            ConnectorError(.malformedResponse, source: sourceID, operation: operation, objectLabel: objectLabel,
                           reason: "unexpected HTTP status \(status); is this the Orthanc REST API?")
        }
    }

    /// Orthanc resource IDs are SHA-1 based: lower-case hex groups joined by dashes. Checking keeps a hostile
    /// change log from steering requests to other paths.
    static func isResourceID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2D }
    }

    /// The URL without user information, query or fragment.
    static func printable(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<invalid URL>" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "<invalid URL>"
    }
}
