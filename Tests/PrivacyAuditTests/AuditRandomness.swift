import Privacy

/// The seeded byte source of the audits: ``AuditGenerator``'s words fed to `Privacy`'s randomness seam
/// (`RandomBytesSource`), so a release of the real ``Releaser`` can be reproduced from its seed.
struct AuditBytes: RandomBytesSource {
    let generator: AuditGenerator

    mutating func fill(_ words: UnsafeMutableBufferPointer<UInt64>) throws(PrivacyError) {
        for index in words.indices { words[index] = generator.next() }
    }
}

extension Releaser {
    /// A releaser whose every draw comes from `AuditGenerator(seed: seed)`.
    static func seeded(_ seed: UInt64) -> Releaser {
        Releaser(stream: RandomStream(source: AuditBytes(generator: AuditGenerator(seed: seed))))
    }
}
