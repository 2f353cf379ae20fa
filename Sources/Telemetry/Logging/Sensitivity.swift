/// How sensitive a logged value is, decided where it is logged (STYLE.md R5; swift-log's SLG-0004 metadata
/// value attributes).
///
/// Handlers write `.public` values as they are and replace the others with `"[redacted]"`. A value that is
/// not marked is treated as `.phi` unless it is a number or a Boolean (see ``Logger/Message``), so patient
/// data reaches a log line only when someone wrote `.public` next to it.
public enum Sensitivity: String, Sendable, Hashable, Comparable, CaseIterable {
    /// Safe to write anywhere: counts, durations, source names from the configuration, error kinds.
    case `public`
    /// Protected health information or anything derived from patient data: names, identifiers, dates,
    /// free text, file names and object keys of a source. Always redacted in production output.
    case phi
    /// Secrets and infrastructure details that are not patient data: tokens, credentials, key material.
    /// Always redacted in production output.
    case sensitive

    /// The text handlers write instead of a value that is not `.public`.
    public static let redactionMarker = "[redacted]"

    /// Whether values of this sensitivity are replaced by ``redactionMarker`` in production output.
    public var isRedacted: Bool { self != .public }

    /// Orders by how much protection a value needs: `.public` < `.phi` < `.sensitive`.
    public static func < (lhs: Sensitivity, rhs: Sensitivity) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .public: 0
        case .phi: 1
        case .sensitive: 2
        }
    }
}

/// Whether a handler replaces non-public values with ``Sensitivity/redactionMarker``.
public enum Redaction: Sendable, Hashable {
    /// Replace every `.phi` and `.sensitive` value (the default everywhere).
    case redact
    /// Write every value as it is.
    ///
    /// - Warning: For debugging on synthetic data only. Never use it on a node that sees patient data:
    ///   the output would then hold PHI.
    case revealForDebuggingSyntheticDataOnly
}
