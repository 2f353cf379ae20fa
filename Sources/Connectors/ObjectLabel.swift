import Crypto

/// A printable stand-in for an object key or path that may contain a patient's name: its length and the
/// first 8 hex digits of its SHA-256, such as `key#3f2a9c01(27 bytes)`. Equal keys give equal labels, so
/// log lines can be correlated without showing the key.
func objectLabel(forKey key: String) -> String {
    let bytes = Array(key.utf8)
    let digest = (try? SHA256.hash(bytes)).map { Hex.encode($0.prefix(4)) } ?? "????????"
    return "key#\(digest)(\(bytes.count) bytes)"
}
