/// Why a local test server or tool could not be found, started or stopped.
public struct LocalServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the tail of the server's log where there is one.
    public let description: String

    /// Creates an error with a message.
    public init(_ description: String) { self.description = description }
}
