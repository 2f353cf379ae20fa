import Crypto
import Foundation
import HTTP

extension FetchedObject {
    /// The object an HTTP source downloaded with ``HTTPClient/download(_:to:keepingInMemoryUpTo:)``: its size and
    /// SHA-256 from the response's body when it was kept in memory (the bytes come along), else from `file`,
    /// read back off the cooperative pool; the size checked against `Content-Length`.
    ///
    /// - Throws: ``ConnectorError`` `.io` when the body cannot be hashed or the file read back, `.integrity`
    ///   when the size differs from `Content-Length`; the error names `source`, `operation`, `label` and `key`.
    static func downloaded(
        _ ref: SourceObjectRef, response: HTTPResponse, file: URL, version: String,
        source: String, operation: String, label: String?, key: String? = nil
    ) async throws -> FetchedObject {
        @Sendable func failure(_ code: ConnectorError.Code, _ reason: String) -> ConnectorError {
            ConnectorError(code, source: source, operation: operation, objectLabel: label, objectKey: key, reason: reason)
        }
        let size: Int64
        let digest: [UInt8]
        var bytes: [UInt8]?
        if response.bodyIsInFile {
            do {
                (size, digest) = try await offPool {
                    // stat(2), not FileManager's attributes (those also look up the owner's names and the xattrs).
                    var status = stat()
                    guard stat(file.path, &status) == 0 else {
                        throw failure(.io, "cannot stat the downloaded file: \(String(cString: strerror(errno)))")
                    }
                    return (Int64(status.st_size), try SHA256.hash(contentsOf: file))
                }
            } catch {
                throw failure(.io, "cannot read back the downloaded file: \(error)")
            }
        } else {
            do {
                (size, digest, bytes) = (Int64(response.body.count), try SHA256.hash(response.body), response.body)
            } catch {
                throw failure(.io, "cannot hash the downloaded body: \(error)")
            }
        }
        if let announced = response.header("Content-Length").flatMap({ Int64($0) }), announced != size {
            throw failure(.integrity, "received \(size) bytes but Content-Length announced \(announced)")
        }
        return FetchedObject(ref: ref, file: file, byteCount: size, sha256: digest, version: version, bytes: bytes)
    }
}
