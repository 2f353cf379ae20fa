import Glibc

/// Reads secrets (keys, passwords) from files that only their owner can read.
///
/// Secrets never come from the command line or the environment, where other users and logs can see them.
/// A secret file must be a regular file with no permission bits for group or others (mode 0600 or 0400).
/// Its whole content is the secret, except trailing white space (the newline an editor adds), so that
/// `openssl rand -hex 32 > key` and a file written without a newline give the same key.
///
/// ```swift
/// let key = try SecretFile.read(path: "/etc/fedlake/node.key", minimumCount: 32)
/// ```
public enum SecretFile {
    /// Reads the secret at `path`.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - minimumCount: The fewest bytes the secret may have.
    /// - Returns: The secret, in memory that is zeroed when released.
    /// - Throws: `CryptoError` `.insecureSecretFile` when the file is readable by group or others, is not a
    ///   regular file, or is shorter than `minimumCount`; `.fileUnreadable` when it cannot be read.
    public static func read(path: String, minimumCount: Int = 1) throws(CryptoError) -> SecureBytes {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            throw CryptoError(.fileUnreadable, operation: "reading secret file \(path)", detail: errnoText())
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CryptoError(.fileUnreadable, operation: "reading secret file \(path)", detail: errnoText())
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw CryptoError(.insecureSecretFile, operation: "reading secret file \(path)", detail: "not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw CryptoError(
                .insecureSecretFile, operation: "reading secret file \(path)",
                detail: "mode \(String(permissions, radix: 8)) lets others read it; run 'chmod 600 \(path)'")
        }
        let size = Int(status.st_size)
        guard size <= 1 << 20 else {
            throw CryptoError(.insecureSecretFile, operation: "reading secret file \(path)", detail: "larger than 1 MiB")
        }
        // Read into zero-on-release memory, then keep the prefix without trailing white space.
        let raw = try SecureBytes(count: size) { (buffer) throws(CryptoError) in
            var done = 0
            while done < size {
                let count = Glibc.read(descriptor, buffer.baseAddress.map { $0 + done }, size - done)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    throw CryptoError(.fileUnreadable, operation: "reading secret file \(path)", detail: errnoText())
                }
                done += count
            }
        }
        let length = raw.withUnsafeBytes { bytes in
            var end = bytes.count
            while end > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
            return end
        }
        guard length >= minimumCount else {
            throw CryptoError(
                .insecureSecretFile, operation: "reading secret file \(path)",
                detail: "holds \(length) bytes; at least \(minimumCount) are needed")
        }
        if length == raw.count { return raw }
        return raw.withUnsafeBytes { bytes in
            SecureBytes(count: length) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<length])) }
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno)) + " (errno \(errno))"
    }
}
