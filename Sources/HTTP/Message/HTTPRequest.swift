public import Foundation

/// An HTTP/1.1 request for ``HTTPClient`` (RFC 9110).
///
/// ```swift
/// var request = HTTPRequest(method: "POST", url: orthanc.appendingPathComponent("instances"))
/// request.body = .file(dicomFile)               // streamed from disk
/// request.headers.append(("Content-Type", "application/dicom"))
/// ```
public struct HTTPRequest: Sendable {
    /// Where the request body comes from.
    public enum Body: Sendable {
        /// No body.
        case none
        /// A body held in memory.
        case bytes([UInt8])
        /// A body streamed from a file, so large uploads never sit in memory.
        case file(URL)
    }

    /// The method, such as `GET`, `PUT`, `POST`, `DELETE` or `HEAD` (RFC 9110 §9).
    public var method: String
    /// The absolute `http` or `https` URL. It must not carry credentials; use
    /// ``HTTPClient/Configuration/credentials`` instead.
    public var url: URL
    /// Header fields in sending order; names are case-insensitive (RFC 9110 §5.1).
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Body

    /// Creates a request.
    public init(method: String = "GET", url: URL, headers: [(name: String, value: String)] = [], body: Body = .none) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
