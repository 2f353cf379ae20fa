/// The one error type of the `Crypto` module.
///
/// Its description names the operation that failed and, for OpenSSL failures, OpenSSL's own reason
/// (from `ERR_get_error`). It never contains key material, digests or input bytes.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: Sendable, Equatable {
        /// An OpenSSL call returned failure; `detail` holds OpenSSL's error text.
        case openSSL
        /// A caller-supplied argument was out of range or malformed (for example, bad hexadecimal text).
        case invalidArgument
        /// A file could not be opened or read while hashing it.
        case fileUnreadable
        /// A secret file is readable by others, not a regular file, or too short.
        case insecureSecretFile
    }

    /// What kind of failure this is.
    public let code: Code
    /// The operation that failed, such as `EVP_DigestUpdate` or `SHA256.hash(contentsOf: a.dcm)`.
    public let operation: String
    /// Why it failed: OpenSSL's reason, or a description of the bad argument or I/O failure.
    public let detail: String

    /// Creates an error for `operation` with a reason.
    public init(_ code: Code, operation: String, detail: String) {
        self.code = code
        self.operation = operation
        self.detail = detail
    }

    /// `"<operation> failed: <detail>"`.
    public var description: String { "\(operation) failed: \(detail)" }
}
