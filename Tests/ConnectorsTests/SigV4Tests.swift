import Connectors
import Crypto
import Foundation
import Testing

struct SigV4Vectors: Decodable {
    struct Vector: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let method: String
        let path: String
        let query: [[String]]
        let headers: [[String]]
        let body: String
        let canonicalRequest: String
        let canonicalRequestHash: String
        let signature: String
        var description: String { name }
    }
    let accessKeyID: String
    let secretAccessKey: String
    let region: String
    let amzDate: String
    let host: String
    let vectors: [Vector]

    static func load(filePath: String = #filePath) throws -> SigV4Vectors {
        let url = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/vectors/sigv4-s3-aws.json")
        return try JSONDecoder().decode(SigV4Vectors.self, from: Data(contentsOf: url))
    }
}

@Suite struct SigV4Tests {
    static let fixture = try? SigV4Vectors.load()
    static let vectors = fixture?.vectors ?? []
    /// 2013-05-24T00:00:00Z, the date of every AWS example.
    static let exampleDate = Date(timeIntervalSince1970: 1_369_353_600)

    @Test func fixtureHasTheFourAWSExamples() {
        #expect(Self.vectors.count == 4)
    }

    @Test(arguments: SigV4Tests.vectors)
    func reproducesTheAWSExample(_ vector: SigV4Vectors.Vector) throws {
        let fixture = try #require(Self.fixture)
        let signer = SigV4(accessKeyID: fixture.accessKeyID, secretAccessKey: fixture.secretAccessKey, region: fixture.region)
        let request = SigV4.Request(
            method: vector.method, host: fixture.host, path: vector.path,
            query: vector.query.map { ($0[0], $0[1]) }, headers: vector.headers.map { ($0[0], $0[1]) },
            payloadHash: Hex.encode(try SHA256.hash(Array(vector.body.utf8))))
        let signed = try signer.sign(request, date: Self.exampleDate)
        #expect(signed.canonicalRequest == vector.canonicalRequest)
        #expect(signed.stringToSign.hasSuffix("\n" + vector.canonicalRequestHash))
        #expect(signed.signature == vector.signature)
        #expect(signed.authorization.hasPrefix(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders="))
        #expect(signed.authorization.hasSuffix("Signature=\(vector.signature)"))
    }

    @Test func stringToSignHasTheDocumentedLayout() throws {
        let signer = SigV4(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "secret", region: "us-east-1")
        let signed = try signer.sign(.init(method: "GET", host: "h", path: "/b/k"), date: Self.exampleDate)
        let lines = signed.stringToSign.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0] == "AWS4-HMAC-SHA256")
        #expect(lines[1] == "20130524T000000Z")
        #expect(lines[2] == "20130524/us-east-1/s3/aws4_request")
    }

    @Test func encodesEachPathSegmentOnceAndKeepsSlashes() {
        #expect(SigV4.encodePath("/bucket/dir/a b+c$~.dcm") == "/bucket/dir/a%20b%2Bc%24~.dcm")
        #expect(SigV4.encodePath("/bucket/ü") == "/bucket/%C3%BC")
        #expect(SigV4.encodePath("/bucket/a%2F") == "/bucket/a%252F")
    }

    @Test func sortsAndEncodesTheQuery() {
        let query = SigV4.canonicalQuery([("prefix", "a/b c"), ("list-type", "2"), ("delimiter", "/")])
        #expect(query == "delimiter=%2F&list-type=2&prefix=a%2Fb%20c")
    }

    @Test func trimsAndCollapsesHeaderValues() throws {
        let signer = SigV4(accessKeyID: "A", secretAccessKey: "S", region: "r")
        let signed = try signer.sign(
            .init(method: "GET", host: "h", path: "/", headers: [("X-Amz-Meta-A", "  one   two  ")],
                  payloadHash: SigV4.unsignedPayload),
            date: Self.exampleDate)
        #expect(signed.canonicalRequest.contains("\nx-amz-meta-a:one two\n"))
        #expect(signed.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
        #expect(signed.headers.contains { $0.name == "Authorization" })
    }

    @Test func aDifferentSecretGivesADifferentSignature() throws {
        let request = SigV4.Request(method: "GET", host: "h", path: "/b")
        let a = try SigV4(accessKeyID: "A", secretAccessKey: "one", region: "r").sign(request, date: Self.exampleDate)
        let b = try SigV4(accessKeyID: "A", secretAccessKey: "two", region: "r").sign(request, date: Self.exampleDate)
        #expect(a.canonicalRequest == b.canonicalRequest)
        #expect(a.signature != b.signature)
    }
}
