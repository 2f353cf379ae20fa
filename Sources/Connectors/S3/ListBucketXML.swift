/// Reads the XML documents of the S3 API that the ``S3Source`` needs: ListObjectsV2 results and error
/// documents.
///
/// Both come from the network, so they are parsed by a small bounded reader that never expands entities
/// and refuses `<!DOCTYPE` (see the limits on ``ListBucketXML/maximumBytes``). Elements the S3 API
/// Reference does not define for these documents are ignored.
///
/// ```swift
/// let page = try ListBucketXML.parse(bytes: response.body)
/// for object in page.contents { print(object.key, object.eTag, object.size) }
/// if page.isTruncated { /* ask for the next page with page.nextContinuationToken */ }
/// ```
///
/// References: Amazon S3 API Reference, "ListObjectsV2" (response elements) and "Error responses"
/// (`<Error><Code/><Message/><RequestId/></Error>`).
public enum ListBucketXML {
    /// The largest document accepted (64 MiB; a 1000-key page is well under 1 MiB).
    public static let maximumBytes = 64 << 20
    /// The deepest element nesting accepted (a listing needs 3).
    public static let maximumDepth = 32
    /// The longest text of one element accepted (1 MiB; S3 keys are at most 1024 bytes).
    public static let maximumTextBytes = 1 << 20

    /// Parses a ListObjectsV2 result (`<ListBucketResult>`).
    ///
    /// - Parameters:
    ///   - bytes: The response body, UTF-8.
    ///   - source: The source named in errors.
    /// - Returns: The page.
    /// - Throws: ``ConnectorError`` `.malformedResponse` naming the byte offset or the element that is
    ///   missing or invalid, when the document is not well-formed within the limits, is an `<Error>`
    ///   document, or lacks a required element.
    public static func parse(bytes: [UInt8], source: String = "s3") throws(ConnectorError) -> ListBucketResult {
        let root = try document(bytes, source: source, operation: "reading a ListObjectsV2 result")
        func failure(_ reason: String) -> ConnectorError {
            ConnectorError(.malformedResponse, source: source, operation: "reading a ListObjectsV2 result",
                           reason: reason)
        }
        guard root.name == "ListBucketResult" else {
            throw failure("the root element is <\(root.name)>, not <ListBucketResult>")
        }
        guard let truncated = root.child("IsTruncated")?.text.trimmed else {
            throw failure("<IsTruncated> is missing")
        }
        guard truncated == "true" || truncated == "false" else {
            throw failure("<IsTruncated> is neither true nor false")
        }
        var objects: [ListBucketResult.Object] = []
        for (position, contents) in root.children("Contents").enumerated() {
            guard let key = contents.child("Key")?.text, !key.isEmpty else {
                throw failure("<Contents> number \(position + 1) has no <Key>")
            }
            guard let sizeText = contents.child("Size")?.text.trimmed, let size = Int64(sizeText), size >= 0 else {
                throw failure("<Contents> number \(position + 1) has no valid <Size>")
            }
            let eTag = contents.child("ETag").map { ListBucketResult.unquotedETag($0.text) } ?? ""
            objects.append(ListBucketResult.Object(
                key: key, eTag: eTag, size: size, lastModified: contents.child("LastModified")?.text.trimmed ?? ""))
        }
        var keyCount: Int?
        if let text = root.child("KeyCount")?.text.trimmed {
            guard let count = Int(text), count >= 0 else { throw failure("<KeyCount> is not a count") }
            keyCount = count
        }
        let prefixes = root.children("CommonPrefixes").compactMap { $0.child("Prefix")?.text }
        return ListBucketResult(
            name: root.child("Name")?.text ?? "",
            prefix: root.child("Prefix")?.text ?? "",
            keyCount: keyCount,
            isTruncated: truncated == "true",
            continuationToken: root.child("ContinuationToken")?.text,
            nextContinuationToken: root.child("NextContinuationToken")?.text,
            startAfter: root.child("StartAfter")?.text,
            contents: objects,
            commonPrefixes: prefixes)
    }

    /// Parses an S3 error document (`<Error>`).
    ///
    /// - Parameters:
    ///   - bytes: The response body, UTF-8.
    ///   - source: The source named in errors.
    /// - Returns: The error's code, message and request ID.
    /// - Throws: ``ConnectorError`` `.malformedResponse` when the body is not an `<Error>` document with a
    ///   `<Code>`.
    public static func parseError(bytes: [UInt8], source: String = "s3") throws(ConnectorError) -> S3ErrorDocument {
        let root = try document(bytes, source: source, operation: "reading an S3 error document")
        guard root.name == "Error", let code = root.child("Code")?.text.trimmed, !code.isEmpty else {
            throw ConnectorError(.malformedResponse, source: source, operation: "reading an S3 error document",
                                 reason: "the root element is <\(root.name)> without <Code>, not <Error>")
        }
        return S3ErrorDocument(
            code: code, message: root.child("Message")?.text ?? "",
            requestID: root.child("RequestId")?.text.trimmed ?? "",
            bucketName: root.child("BucketName")?.text.trimmed)
    }

    private static func document(_ bytes: [UInt8], source: String, operation: String) throws(ConnectorError)
        -> MiniXML.Element
    {
        var limits = MiniXML.Limits()
        limits.maximumBytes = maximumBytes
        limits.maximumDepth = maximumDepth
        limits.maximumTextBytes = maximumTextBytes
        do {
            return try MiniXML.parse(bytes, limits: limits)
        } catch {
            throw ConnectorError(.malformedResponse, source: source, operation: operation,
                                 reason: "invalid XML at byte offset \(error.offset): \(error.reason)")
        }
    }
}

/// One page of a ListObjectsV2 listing (Amazon S3 API Reference, "ListObjectsV2", Response Elements).
public struct ListBucketResult: Sendable, Equatable {
    /// One `<Contents>` entry.
    public struct Object: Sendable, Equatable {
        /// The object key.
        public let key: String
        /// The entity tag without its quotes. For a single-part upload without SSE-KMS it is the hex MD5 of
        /// the body; for multipart uploads it is not (it ends in `-<parts>`). Changes whenever the content does.
        public let eTag: String
        /// The size in bytes.
        public let size: Int64
        /// `<LastModified>` as sent (ISO 8601), or empty.
        public let lastModified: String

        /// Creates an entry.
        public init(key: String, eTag: String, size: Int64, lastModified: String) {
            self.key = key
            self.eTag = eTag
            self.size = size
            self.lastModified = lastModified
        }
    }

    /// The bucket (`<Name>`).
    public let name: String
    /// The prefix the listing was limited to.
    public let prefix: String
    /// `<KeyCount>`: entries in this page (objects and common prefixes), when sent.
    public let keyCount: Int?
    /// Whether more pages follow.
    public let isTruncated: Bool
    /// The token this page was asked with.
    public let continuationToken: String?
    /// The token that asks for the next page, when ``isTruncated``.
    public let nextContinuationToken: String?
    /// The `start-after` key this page was asked with.
    public let startAfter: String?
    /// The objects, in ascending UTF-8 key order.
    public let contents: [Object]
    /// The `<CommonPrefixes><Prefix>` values (only with a delimiter).
    public let commonPrefixes: [String]

    /// Creates a page.
    public init(
        name: String, prefix: String, keyCount: Int?, isTruncated: Bool, continuationToken: String?,
        nextContinuationToken: String?, startAfter: String?, contents: [Object], commonPrefixes: [String]
    ) {
        self.name = name
        self.prefix = prefix
        self.keyCount = keyCount
        self.isTruncated = isTruncated
        self.continuationToken = continuationToken
        self.nextContinuationToken = nextContinuationToken
        self.startAfter = startAfter
        self.contents = contents
        self.commonPrefixes = commonPrefixes
    }

    /// An ETag without surrounding white space and double quotes (`"abc"` → `abc`, `W/"abc"` → `W/abc`).
    public static func unquotedETag(_ text: String) -> String {
        text.trimmed.replacingAll("\"", with: "")
    }
}

/// An S3 error response body (Amazon S3 API Reference, "Error responses").
public struct S3ErrorDocument: Sendable, Equatable {
    /// The error code, such as `NoSuchBucket` or `SignatureDoesNotMatch`.
    public let code: String
    /// The server's message.
    public let message: String
    /// The request ID, for the server's logs.
    public let requestID: String
    /// `<BucketName>`, when sent.
    public let bucketName: String?

    /// Creates an error document.
    public init(code: String, message: String, requestID: String, bucketName: String?) {
        self.code = code
        self.message = message
        self.requestID = requestID
        self.bucketName = bucketName
    }
}

extension String {
    /// Without leading and trailing ASCII white space (no Foundation needed, so the fuzzer builds alone).
    var trimmed: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }

    /// Every occurrence of `character` replaced by `replacement`.
    func replacingAll(_ character: Character, with replacement: String) -> String {
        var output = ""
        for c in self { if c == character { output += replacement } else { output.append(c) } }
        return output
    }
}
