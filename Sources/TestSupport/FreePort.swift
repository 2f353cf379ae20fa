import Glibc
import Synchronization

/// Free TCP ports on the loopback interface for servers started by tests.
///
/// A port is found by binding port 0 on 127.0.0.1, reading the port the kernel chose and closing the
/// socket. Ports handed out once are never handed out again by this process, so tests running in parallel
/// do not collide with each other (another process can still take a port in the short window before the
/// server binds it; the server launchers retry with new ports when that happens).
public enum FreePort {
    private static let handedOut = Mutex<Set<UInt16>>([])

    /// A currently free loopback port.
    /// - Throws: `LocalServerError` when no port can be bound.
    public static func next() throws -> UInt16 {
        for _ in 0..<100 {
            let port = try bindEphemeral()
            if claim(port) { return port }
        }
        throw LocalServerError("FreePort: no unclaimed loopback port after 100 attempts")
    }

    /// A free loopback port below 55535 whose `port + 10000` twin is free as well, as SeaweedFS needs
    /// (each of its services also listens on its port + 10000 for gRPC).
    /// - Throws: `LocalServerError` when no such pair turns up.
    public static func nextWithGRPCTwin() throws -> UInt16 {
        for _ in 0..<500 {
            let port = try bindEphemeral()
            guard port < 55535 else { continue }
            let twin = port + 10000
            guard isFree(twin) else { continue }
            let claimed = handedOut.withLock { set -> Bool in
                guard !set.contains(port), !set.contains(twin) else { return false }
                set.insert(port)
                set.insert(twin)
                return true
            }
            if claimed { return port }
        }
        throw LocalServerError("FreePort: no loopback port below 55535 with a free +10000 twin after 500 attempts")
    }

    /// Whether a server could listen on 127.0.0.1:`port` right now: binds it with `SO_REUSEADDR`, as servers
    /// do (Orthanc, SeaweedFS, this package's own), so connections the server closed that linger in TIME_WAIT
    /// on the port — as kept-alive client connections do when the server stops — do not count as holding it.
    public static func isFree(_ port: UInt16) -> Bool {
        (try? bind(port: port, reuseAddress: true)) != nil
    }

    private static func claim(_ port: UInt16) -> Bool {
        handedOut.withLock { $0.insert(port).inserted }
    }

    private static func bindEphemeral() throws -> UInt16 {
        try bind(port: 0)
    }

    /// Binds 127.0.0.1:`port` (0 = kernel's choice), returns the bound port, closes the socket.
    private static func bind(port: UInt16, reuseAddress: Bool = false) throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalServerError("FreePort: socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if reuseAddress {
            var one: Int32 = 1
            guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                throw LocalServerError("FreePort: setsockopt(SO_REUSEADDR) failed: \(String(cString: strerror(errno)))")
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            throw LocalServerError("FreePort: bind(127.0.0.1:\(port)) failed: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            throw LocalServerError("FreePort: getsockname failed: \(String(cString: strerror(errno)))")
        }
        return UInt16(bigEndian: address.sin_port)
    }
}
