public import Crypto
public import Foundation

/// AWS Signature Version 4 for S3 requests with path-style URLs, signed in the `Authorization` header.
///
/// Follows "Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk"
/// (Amazon S3 API Reference, `sig-v4-header-based-auth`) and "Create a canonical request for Signature
/// Version 4" (AWS IAM User Guide). S3 differs from other services in that each path segment is
/// URI-encoded exactly once.
///
/// ```swift
/// let signer = SigV4(accessKeyID: key, secretAccessKey: secret, region: "us-east-1")
/// var request = SigV4.Request(method: "PUT", host: "127.0.0.1:8333", path: "/bucket/a b.dcm",
///                             payloadHash: Hex.encode(try SHA256.hash(body)))
/// let signed = try signer.sign(request, date: Date())
/// // send to "http://" + request.host + signed.url path+query, with signed.headers
/// ```
public struct SigV4: Sendable {
    /// A request to sign: what goes into the canonical request.
    public struct Request: Sendable {
        /// The HTTP method, such as `GET` or `PUT`.
        public var method: String
        /// The `Host` header value, with the port when it is not the scheme's default (`127.0.0.1:8333`).
        public var host: String
        /// The decoded path, starting with `/`: `/bucket/key with spaces`. Encoded by ``SigV4/encodePath(_:)``.
        public var path: String
        /// Decoded query parameters; a parameter without a value (such as `lifecycle`) has the value `""`.
        public var query: [(name: String, value: String)]
        /// Extra headers to sign and send (`Range`, `Content-Type`, `x-amz-storage-class`, …). `Host`,
        /// `x-amz-date` and `x-amz-content-sha256` are added by the signer.
        public var headers: [(name: String, value: String)]
        /// The lower-case hex SHA-256 of the body, or ``SigV4/unsignedPayload``.
        public var payloadHash: String

        /// Creates a request to sign. The default payload hash is that of an empty body.
        public init(
            method: String, host: String, path: String, query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)] = [],
            payloadHash: String = SigV4.emptyPayloadHash
        ) {
            self.method = method
            self.host = host
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The result of signing: what to send, and the intermediate strings for diagnostics and tests.
    public struct SignedRequest: Sendable {
        /// The encoded path and canonical query to put after the host: `/bucket/a%20b?max-keys=2`.
        public let pathAndQuery: String
        /// All headers to send: the request's own plus `Host`, `x-amz-date`, `x-amz-content-sha256` and
        /// `Authorization`.
        public let headers: [(name: String, value: String)]
        /// The canonical request (step 1).
        public let canonicalRequest: String
        /// The string to sign (step 2).
        public let stringToSign: String
        /// The lower-case hex signature (step 4).
        public let signature: String
        /// The `Authorization` header value.
        public let authorization: String
    }

    /// The payload hash that tells S3 the body is not signed.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The hex SHA-256 of an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The access key ID (public half of the credentials).
    public let accessKeyID: String
    /// `"AWS4" + secret`, the key of the first HMAC in the signing-key derivation.
    private let prefixedSecret: SecureBytes
    /// The region in the credential scope, such as `us-east-1`.
    public let region: String
    /// The service in the credential scope (`s3`).
    public let service: String

    /// Creates a signer for one set of credentials and one region.
    public init(accessKeyID: String, secretAccessKey: SecureBytes, region: String, service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.prefixedSecret = SecureBytes(count: 4 + secretAccessKey.count) { buffer in
            buffer.copyBytes(from: Array("AWS4".utf8))
            secretAccessKey.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: buffer[4...]).copyMemory(from: $0)
            }
        }
        self.region = region
        self.service = service
    }

    /// Creates a signer from a secret given as text.
    public init(accessKeyID: String, secretAccessKey: String, region: String, service: String = "s3") {
        self.init(accessKeyID: accessKeyID, secretAccessKey: SecureBytes(Array(secretAccessKey.utf8)),
                  region: region, service: service)
    }

    /// Signs `request` as of `date`.
    /// - Returns: What to send: path and query, headers including `Authorization`.
    /// - Throws: `CryptoError` if OpenSSL fails to compute a hash or HMAC.
    public func sign(_ request: Request, date: Date) throws(CryptoError) -> SignedRequest {
        let amzDate = Self.amzDate(date)
        let scopeDate = String(amzDate.prefix(8))
        var headers = request.headers.filter {
            let name = $0.name.lowercased()
            return name != "host" && name != "x-amz-date" && name != "x-amz-content-sha256" && name != "authorization"
        }
        headers.append(("Host", request.host))
        headers.append(("x-amz-content-sha256", request.payloadHash))
        headers.append(("x-amz-date", amzDate))

        // Step 1: canonical request.
        var grouped: [String: [String]] = [:]
        for (name, value) in headers {
            grouped[name.lowercased(), default: []].append(Self.trimmedHeaderValue(value))
        }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let path = Self.encodePath(request.path)
        let query = Self.canonicalQuery(request.query)
        let canonicalRequest = [
            request.method.uppercased(), path, query, canonicalHeaders, signedHeaders, request.payloadHash,
        ].joined(separator: "\n")

        // Step 2: string to sign.
        let scope = "\(scopeDate)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Hex.encode(try SHA256.hash(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")

        // Step 3: signing key; step 4: signature.
        let dateKey = try HMACSHA256.authenticationCode(for: Array(scopeDate.utf8), key: prefixedSecret)
        let regionKey = SecureBytes(try HMACSHA256.authenticationCode(for: Array(region.utf8), key: dateKey))
        let serviceKey = SecureBytes(try HMACSHA256.authenticationCode(for: Array(service.utf8), key: regionKey))
        let signingKey = SecureBytes(try HMACSHA256.authenticationCode(for: Array("aws4_request".utf8), key: serviceKey))
        let signature = Hex.encode(try HMACSHA256.authenticationCode(for: Array(stringToSign.utf8), key: signingKey))

        let authorization = "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        headers.append(("Authorization", authorization))
        return SignedRequest(
            pathAndQuery: query.isEmpty ? path : "\(path)?\(query)", headers: headers,
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            authorization: authorization)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC (ISO 8601 basic format), as `x-amz-date` wants it.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(c.year ?? 1970)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    /// The path with each segment URI-encoded once and `/` kept: `/test$file.text` → `/test%24file.text`.
    public static func encodePath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : "/" + path
        return absolute.split(separator: "/", omittingEmptySubsequences: false)
            .map { uriEncode(String($0)) }
            .joined(separator: "/")
    }

    /// The canonical query string: names and values URI-encoded, sorted by name then value, joined by `&`.
    public static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        // Encoded text is ASCII, so String ordering here is byte ordering, as AWS requires.
        let encoded: [(name: String, value: String)] = query.map { (uriEncode($0.name), uriEncode($0.value)) }
        let sorted = encoded.sorted { (a, b) -> Bool in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { (pair) -> String in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// AWS `UriEncode`: every byte except the unreserved `A-Z a-z 0-9 - _ . ~` becomes `%XX`, upper-case hex.
    public static func uriEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// RFC 3986 §2.3 unreserved characters.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5a, 0x61...0x7a, 0x30...0x39: true  // A-Z a-z 0-9
        case 0x2d, 0x5f, 0x2e, 0x7e: true  // - _ . ~
        default: false
        }
    }

    /// Header value trimmed at both ends with inner runs of spaces collapsed to one.
    private static func trimmedHeaderValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
