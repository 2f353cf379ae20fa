import Glibc

/// An IP address and TCP port for a server to listen on, such as the node configuration's
/// `metrics.listen` (`"127.0.0.1:9464"`).
///
/// Accepted forms: `IPv4:port`, `[IPv6]:port`, and `localhost:port` (which means `127.0.0.1`). Host names
/// are refused, so what is bound never depends on name resolution. Port 0 asks the kernel for a free port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address in its numeric form: `127.0.0.1` or `::1`.
    public let host: String
    /// The TCP port; 0 before binding means "any free port".
    public let port: UInt16
    /// Whether the host is IPv6.
    public let isIPv6: Bool

    /// Parses `text`.
    /// - Throws: `HTTPError` with `.listen` naming the text when it is not `IP:port`.
    public init(parsing text: String) throws(HTTPError) {
        let fail = { (detail: String) in
            HTTPError(.listen, context: "listen address \"\(text)\"", detail: detail)
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw fail("an IPv6 address is written [address]:port, e.g. [::1]:9464")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw fail("no port; write address:port, e.g. 127.0.0.1:9464") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !portText.isEmpty, portText.utf8.allSatisfy({ (48...57).contains($0) }), let port = UInt16(portText) else {
            throw fail("the port is not a number from 0 to 65535")
        }
        let numericHost = host == "localhost" ? "127.0.0.1" : String(host)
        if text.hasPrefix("[") {
            guard Self.isIPv6Literal(numericHost) else { throw fail("not an IPv6 address literal") }
            self.init(host: numericHost, port: port, isIPv6: true)
        } else {
            guard Self.isIPv4Literal(numericHost) else {
                throw fail("not an IPv4 address literal (host names are not resolved; use e.g. 127.0.0.1)")
            }
            self.init(host: numericHost, port: port, isIPv6: false)
        }
    }

    init(host: String, port: UInt16, isIPv6: Bool) {
        self.host = host
        self.port = port
        self.isIPv6 = isIPv6
    }

    /// Whether the address is on the loopback interface: `127.0.0.0/8`, `::1` or `::ffff:127.x.y.z`.
    public var isLoopback: Bool {
        if isIPv6 {
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else { return false }
            let bytes = withUnsafeBytes(of: address) { Array($0) }
            if bytes == Array(repeating: 0, count: 15) + [1] { return true }
            return bytes.prefix(12) == (Array(repeating: 0, count: 10) + [0xFF, 0xFF])[...] && bytes[12] == 127
        }
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else { return false }
        return UInt32(bigEndian: address.s_addr) >> 24 == 127
    }

    /// `127.0.0.1:9464` or `[::1]:9464`.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    private static func isIPv4Literal(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    private static func isIPv6Literal(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
