import Dispatch

/// Blocking file work (copying, hashing) runs here, off Swift's cooperative pool (STYLE R6).
private let blockingQueue = DispatchQueue(label: "Connectors.blocking", attributes: .concurrent)

/// Runs `work` on a Dispatch thread and returns its result.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
        blockingQueue.async { continuation.resume(returning: Result { try work() }) }
    }
    return try result.get()
}
