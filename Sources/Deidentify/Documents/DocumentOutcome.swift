/// The kinds of document the ``DocumentDeidentifier`` reads.
public enum DocumentKind: String, Sendable, Hashable, CustomStringConvertible {
    /// UTF-8 plain text (`.txt`).
    case plainText
    /// Comma-separated values (`.csv`, RFC 4180).
    case csv
    /// A FHIR R4 resource or Bundle in JSON (`.json` with `resourceType`).
    case fhirJSON

    /// The kind as a word.
    public var description: String { rawValue }
}

/// What became of one document: de-identified bytes, or quarantine with the reason.
public enum DocumentOutcome: Sendable, Hashable {
    /// The de-identified document, its kind, and the kinds and counts of identifiers replaced.
    case deidentified(bytes: [UInt8], kind: DocumentKind, findings: [ScrubFinding])
    /// The document was not de-identified and must not leave quarantine; the error names the file and what is
    /// wrong, never its content.
    case quarantined(DeidentifyError)
}
