import HTTP

extension ConnectorError {
    /// Maps a failure of the HTTP client: transport problems are ``Code/unavailable`` (retryable), an
    /// oversized body ``Code/malformedResponse``, a file that cannot be written ``Code/io``.
    init(_ error: HTTPError, source: String, operation: String, objectLabel: String? = nil, objectKey: String? = nil) {
        let code: Code
        switch error.code {
        case .transport: code = .unavailable
        case .responseTooLarge: code = .malformedResponse
        case .fileWrite: code = .io
        case .credentials: code = .credentials
        case .invalidRequest, .setup: code = .configuration
        // Server-side codes; the client never produces them.
        case .malformedRequest, .requestLineTooLong, .headerTooLarge, .tooManyHeaders, .unsupportedVersion, .listen:
            code = .configuration
        }
        self.init(code, source: source, operation: operation, objectLabel: objectLabel, objectKey: objectKey,
                  reason: error.detail)
    }
}
