public import Foundation

/// The one error type of the `HTTP` module.
///
/// The description names the method and URL (with user information removed and any query replaced by
/// `?…`, since queries can carry presigned tokens) and what went wrong, with curl's own message
/// (`curl_easy_strerror` and its error buffer) for transport failures. It never includes bodies or
/// header values. Errors of the request parser name the byte offset and the part of the request head
/// (request line, header line number), never its text.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: Sendable, Equatable {
        /// The request could not be sent or the response not received (connection refused, TLS failure,
        /// timeout, …); `detail` holds curl's message.
        case transport
        /// The request itself is malformed: not http/https, a header with CR or LF, a body file that cannot
        /// be read.
        case invalidRequest
        /// The response body exceeded ``HTTPClient/Configuration/maximumBodyBytes``.
        case responseTooLarge
        /// Writing a downloaded body to its file failed.
        case fileWrite
        /// libcurl could not be initialised or refused an option.
        case setup
        /// A credentials file could not be read or is empty.
        case credentials
        /// A received request head breaks the HTTP/1.1 syntax (RFC 9112 §2–§5) or a rule a server must
        /// enforce, such as exactly one `Host` (RFC 9112 §3.2). Answered with 400.
        case malformedRequest
        /// The request line is longer than ``HTTPParser/Limits/maximumRequestLineBytes``. Answered with 414
        /// (RFC 9112 §3).
        case requestLineTooLong
        /// The request head is larger than ``HTTPParser/Limits/maximumHeadBytes``. Answered with 431
        /// (RFC 6585 §5).
        case headerTooLarge
        /// The request has more header lines than ``HTTPParser/Limits/maximumHeaderCount``. Answered with 431
        /// (RFC 6585 §5).
        case tooManyHeaders
        /// The request's HTTP major version is not 1. Answered with 505 (RFC 9110 §15.6.6).
        case unsupportedVersion
        /// A server could not listen: an address that is not an IP literal, a non-loopback address that was
        /// not allowed, or a failing `socket`/`bind`/`listen` (with `strerror` and errno).
        case listen
    }

    /// What kind of failure this is.
    public let code: Code
    /// What was being done: `"<METHOD> <redacted url>"` for requests, or the file for credentials.
    public let context: String
    /// What went wrong.
    public let detail: String

    /// Creates an error about the request `method url`.
    public init(_ code: Code, method: String, url: URL, detail: String) {
        self.init(code, context: "\(method) \(HTTPError.redacted(url))", detail: detail)
    }

    /// Creates an error about something other than a request, such as `"password file users.txt"`.
    public init(_ code: Code, context: String, detail: String) {
        self.code = code
        self.context = context
        self.detail = detail
    }

    /// The status a server answers a request with when parsing it failed with this error (400, 414, 431,
    /// 505), or nil for errors that are not about a received request.
    public var responseStatus: Int? {
        switch code {
        case .malformedRequest: 400
        case .requestLineTooLong: 414
        case .headerTooLarge, .tooManyHeaders: 431
        case .unsupportedVersion: 505
        case .transport, .invalidRequest, .responseTooLarge, .fileWrite, .setup, .credentials, .listen: nil
        }
    }

    /// `"<context>: <detail>"`.
    public var description: String { "\(context): \(detail)" }

    /// `url` without user, password or query values.
    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<unparsable URL>" }
        components.user = nil
        components.password = nil
        let hadQuery = components.percentEncodedQuery != nil
        components.percentEncodedQuery = nil
        components.fragment = nil
        return (components.string ?? "<unparsable URL>") + (hadQuery ? "?…" : "")
    }
}
