import HTTP
import Testing

@Suite struct ListenAddressTests {
    @Test func parsesIPv4IPv6AndLocalhost() throws {
        let v4 = try ListenAddress(parsing: "127.0.0.1:9464")
        #expect(v4.host == "127.0.0.1" && v4.port == 9464 && !v4.isIPv6 && v4.isLoopback)
        let v6 = try ListenAddress(parsing: "[::1]:0")
        #expect(v6.host == "::1" && v6.port == 0 && v6.isIPv6 && v6.isLoopback)
        #expect(v6.description == "[::1]:0")
        #expect(try ListenAddress(parsing: "localhost:80").host == "127.0.0.1")
        #expect(try ListenAddress(parsing: "127.5.6.7:1").isLoopback)
        #expect(try ListenAddress(parsing: "[::ffff:127.0.0.1]:1").isLoopback)
    }

    @Test func knowsWhatIsNotLoopback() throws {
        for text in ["0.0.0.0:9464", "10.0.0.5:9464", "[::]:9464", "[fe80::1]:1", "[::ffff:10.0.0.1]:1"] {
            #expect(try !ListenAddress(parsing: text).isLoopback, "\(text)")
        }
    }

    @Test func refusesWhatIsNotIPAndPort() {
        for text in ["127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:+1", "metrics.example:9464",
                     "::1:9464", "[::1]9464", "[::1", "[127.0.0.1]:1", "256.0.0.1:1", ""] {
            let error = #expect(throws: HTTPError.self, "\(text)") { try ListenAddress(parsing: text) }
            #expect(error?.code == .listen)
        }
    }
}
