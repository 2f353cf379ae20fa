import Synchronization

/// The idle curl handles of one ``HTTPClient`` and its copies, so that requests reuse connections.
///
/// libcurl keeps a cache of open connections (and TLS sessions) in each easy handle; a handle that performs
/// a second request to the same host reuses the connection when the server kept it open
/// (https://curl.se/libcurl/c/libcurl-tutorial.html, "Persistence Is The Way to Happiness"). A request
/// takes an idle handle (or makes one), and gives it back afterwards; options are reset after every transfer
/// (`curl_easy_reset`, which keeps the connection cache), so nothing of one request carries into the next.
/// At most `capacity` idle handles are kept: a handle given back to a full pool is freed, with its
/// connections. More requests than that may run at once; they just open connections of their own.
final class CurlHandlePool: Sendable {
    /// An idle handle on its way into or out of the lock.
    // @unchecked: a handle is used by one thread at a time — the one that took it — and sits idle otherwise.
    private struct Idle: @unchecked Sendable {
        let easy: CurlEasy
    }

    /// The most idle handles kept.
    let capacity: Int
    private let idle: Mutex<[Idle]>

    /// A pool keeping at most `capacity` idle handles (0 keeps none: every request its own connection).
    init(capacity: Int) {
        self.capacity = max(0, capacity)
        self.idle = Mutex([])
    }

    /// Runs `body` with a handle of this pool, then gives the handle back.
    func withHandle<T>(_ body: (CurlEasy) throws(HTTPError) -> T) throws(HTTPError) -> T {
        let easy: CurlEasy
        if let taken = idle.withLock({ $0.popLast() }) {
            easy = taken.easy
        } else {
            easy = try CurlEasy()
        }
        defer { giveBack(Idle(easy: easy)) }
        return try body(easy)
    }

    /// How many handles sit idle now.
    var idleCount: Int { idle.withLock { $0.count } }

    private func giveBack(_ handle: Idle) {
        // A handle the pool has no room for is freed here, outside the lock.
        let extra: Idle? = idle.withLock { handles in
            guard handles.count < capacity else { return handle }
            handles.append(handle)
            return nil
        }
        _ = extra
    }
}
