import HTTP
import Testing

@Suite struct HTTPParserTests {
    private func parse(_ text: String, limits: HTTPParser.Limits = .init()) throws(HTTPError) -> HTTPParser.Result {
        try HTTPParser.parseRequestHead(Array(text.utf8), limits: limits)
    }

    private func head(_ text: String) throws -> (HTTPRequestHead, Int) {
        guard case .complete(let head, let length) = try parse(text) else {
            Issue.record("incomplete")
            throw HTTPError(.malformedRequest, context: "test", detail: "incomplete")
        }
        return (head, length)
    }

    private func code(_ text: String, limits: HTTPParser.Limits = .init()) -> HTTPError.Code? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func parsesARequestHead() throws {
        let text = "GET /metrics?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9464\r\nAccept:  text/plain \t\r\nX-Empty:\r\n\r\nBODY"
        let (head, length) = try head(text)
        #expect(head.method == "GET")
        #expect(head.target == "/metrics?x=1")
        #expect(head.path == "/metrics")
        #expect(head.minorVersion == 1)
        #expect(head.fields.map(\.name) == ["Host", "Accept", "X-Empty"])
        #expect(head.field("accept") == "text/plain")
        #expect(head.field("x-empty") == "")
        #expect(length == text.utf8.count - 4)
    }

    @Test func waitsForTheEndOfTheHead() throws {
        let full = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        for cut in 0..<full.utf8.count {
            let prefix = String(decoding: Array(full.utf8).prefix(cut), as: UTF8.self)
            #expect(try parse(prefix) == .incomplete, "prefix of \(cut) bytes")
        }
        #expect(try head(full).1 == full.utf8.count)
    }

    @Test func acceptsBareLFLineEndsAndLeadingEmptyLines() throws {
        // RFC 9112 §2.2: a recipient MAY recognize a single LF as a line terminator and ignore any preceding CR;
        // a server SHOULD ignore at least one empty line received prior to the request-line.
        let (head, length) = try head("\r\n\nGET /metrics HTTP/1.1\nHost: a\r\nAccept: */*\n\n")
        #expect(head.path == "/metrics")
        #expect(head.field("host") == "a")
        #expect(head.field("accept") == "*/*")
        #expect(length == 47)
    }

    @Test func refusesABareCR() {
        #expect(code("GET / HTTP/1.1\rHost: a\r\n\r\n") == .malformedRequest)
        #expect(code("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n") == .malformedRequest)
    }

    @Test func refusesBadRequestLines() {
        for line in [
            "GET /metrics", "GET  /metrics HTTP/1.1", "GET /metrics  HTTP/1.1", "GET /metrics HTTP/1.1 ",
            " GET / HTTP/1.1", "G(T / HTTP/1.1", "GET /a\u{7F} HTTP/1.1", "GET /é HTTP/1.1", "GET / HTTP/1",
            "GET / http/1.1", "GET / HTTP/1.10", "GET\t/ HTTP/1.1", "GET / HTTP/x.1",
        ] {
            #expect(code(line + "\r\nHost: a\r\n\r\n") == .malformedRequest, "\(line)")
        }
        #expect(code("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == .unsupportedVersion)
        #expect(code("GET / HTTP/0.9\r\n\r\n") == .unsupportedVersion)
    }

    @Test func refusesBadHeaderLines() {
        for field in [
            "Host : a", "NoColon", ": value", "Na me: x", "X-A: a\u{0}b", "X-A: a\u{1}b", "X-A: \u{7F}",
            " X-Folded: yes", "\tX-Folded: yes",
        ] {
            #expect(code("GET / HTTP/1.1\r\nHost: a\r\n\(field)\r\n\r\n") == .malformedRequest, "\(field)")
        }
        // Whitespace between the request line and the first field (RFC 9112 §2.2) and obs-fold (§5.2).
        #expect(code("GET / HTTP/1.1\r\n Host: a\r\n\r\n") == .malformedRequest)
        #expect(code("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n") == .malformedRequest)
    }

    @Test func enforcesHostAndFramingRules() throws {
        #expect(code("GET / HTTP/1.1\r\n\r\n") == .malformedRequest)
        #expect(code("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == .malformedRequest)
        #expect(try head("GET / HTTP/1.0\r\n\r\n").0.minorVersion == 0)
        #expect(code("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n") == .malformedRequest)
        #expect(code("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == .malformedRequest)
        #expect(code("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") == .malformedRequest)
        #expect(code("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == .malformedRequest)
        #expect(try head("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 05\r\ncontent-length: 5\r\n\r\n").0.fields.count == 3)
    }

    @Test func refusesAHugeHead() {
        let big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "a", count: 16 * 1024) + "\r\n\r\n"
        let error = #expect(throws: HTTPError.self) { try parse(big) }
        #expect(error?.code == .headerTooLarge)
        #expect(error?.responseStatus == 431)
        #expect(error?.description.contains("aaaa") == false)
        // Refused while still arriving, before the end of the head is seen.
        let unterminated = "GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 16 * 1024 + 1)
        #expect(code(unterminated) == .headerTooLarge)
        // Exactly at the limit is fine.
        let base = "GET / HTTP/1.1\r\nHost: a\r\nX: \r\n\r\n"
        let exact = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 16 * 1024 - base.utf8.count) + "\r\n\r\n"
        #expect(exact.utf8.count == 16 * 1024)
        #expect(code(exact) == nil)
    }

    @Test func refusesTooManyHeaders() {
        let fields = (0..<100).map { "X-\($0): v\r\n" }.joined()
        #expect(code("GET / HTTP/1.1\r\n\(fields)\r\n") == .malformedRequest)  // no Host, but within the count
        #expect(code("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n") == .tooManyHeaders)
        #expect(code("GET / HTTP/1.1\r\nHost: a\r\n\(fields)") == .tooManyHeaders)  // still arriving
        let error = #expect(throws: HTTPError.self) { try parse("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n") }
        #expect(error?.responseStatus == 431)
    }

    @Test func refusesALongRequestLine() {
        let target = "/" + String(repeating: "a", count: 8 * 1024)
        #expect(code("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n") == .requestLineTooLong)
        #expect(code("GET \(target)") == .requestLineTooLong)  // no line end yet
        let limits = HTTPParser.Limits(maximumRequestLineBytes: 20)
        #expect(code("GET /012345 HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) == nil)  // 20 bytes
        #expect(code("GET /0123456 HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) == .requestLineTooLong)
        #expect(code("GET /012345 HTTP/1.1\r", limits: limits) == nil)  // the CR of a line end still arriving
    }

    @Test func errorsNameTheOffsetButNotTheText() {
        let error = #expect(throws: HTTPError.self) { try parse("GET / HTTP/1.1\r\nHost: a\r\nX-Patient: DOE^JANE\u{1}\r\n\r\n") }
        #expect(error?.description.contains("byte 44") == true)
        #expect(error?.description.contains("header line 2") == true)
        #expect(error?.description.contains("DOE") == false)
    }

    @Test func serializesHeadsThatParseBackEqual() throws {
        let (head, _) = try head("POST http://h/x?y HTTP/1.0\nHost:h\nX-Latin: caf\u{E9}\n\n".unicodeScalars.reduce(into: "") {
            $0.unicodeScalars.append($1)
        })
        let bytes = head.serialized
        guard case .complete(let again, let length) = try HTTPParser.parseRequestHead(bytes) else {
            Issue.record("incomplete")
            return
        }
        #expect(again == head)
        #expect(length == bytes.count)
        #expect(head.path == "/x")
    }
}
