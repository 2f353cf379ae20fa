/// Secret bytes (keys, passwords, seeds) whose memory is zeroed with `OPENSSL_cleanse` when released.
///
/// ```swift
/// let key = try SecureRandom.secureBytes(count: 32)
/// let secret = SecureBytes(Array(passwordText.utf8))
/// secret.withUnsafeBytes { raw in /* use raw */ }
/// ```
///
/// The contents never appear in `description`, and `==` compares in constant time (for equal lengths).
/// Copies share one immutable buffer, which is cleansed when the last copy goes away. Bytes you copy out
/// of `withUnsafeBytes` are your responsibility.
public struct SecureBytes: Sendable, Equatable, CustomStringConvertible {
    // Immutable after init; the buffer is written only inside init and read afterwards, so sharing across
    // threads is safe.
    private final class Storage: @unchecked Sendable {
        let buffer: UnsafeMutableRawBufferPointer

        init(count: Int) {
            buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
        }

        deinit {
            cleanse(buffer)
            buffer.deallocate()
        }
    }

    private let storage: Storage

    /// Copies `bytes` into zero-on-release memory.
    public init<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        let array = Array(bytes)
        storage = Storage(count: array.count)
        array.withUnsafeBytes { storage.buffer.copyMemory(from: $0) }
    }

    /// Creates `count` bytes filled in place by `initializer`, so the secret need not exist anywhere else.
    /// - Throws: Whatever `initializer` throws; the partly written buffer is cleansed.
    public init<E: Error>(
        count: Int, initializingWith initializer: (UnsafeMutableRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        precondition(count >= 0, "SecureBytes count must not be negative")
        storage = Storage(count: count)
        try initializer(storage.buffer)
    }

    /// The number of bytes.
    public var count: Int { storage.buffer.count }

    /// Runs `body` with read access to the bytes. Do not let the pointer escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(storage.buffer))
    }

    /// Equal lengths and equal contents, compared in constant time for equal lengths.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return constantTimeEqualBuffers(UnsafeRawBufferPointer(lhs.storage.buffer),
                                        UnsafeRawBufferPointer(rhs.storage.buffer))
    }

    /// `SecureBytes(<n> bytes)`; never the contents.
    public var description: String { "SecureBytes(\(count) bytes)" }
}
