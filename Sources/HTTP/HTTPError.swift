public import Foundation

/// The one error type of the `HTTP` module.
///
/// The description names the method and URL (with user information removed and any query replaced by
/// `?…`, since queries can carry presigned tokens) and what went wrong, with curl's own message
/// (`curl_easy_strerror` and its error buffer) for transport failures. It never includes bodies or
/// header values.
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
