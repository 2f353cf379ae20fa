extension Logger {
    /// Structured context attached to a message: keys are code literals, values carry a ``Sensitivity``.
    public typealias Metadata = [String: MetadataValue]

    /// A metadata value and its sensitivity.
    ///
    /// ```swift
    /// logger.info("object stored", metadata: [
    ///     "source": .public(source.name),        // from the configuration
    ///     "bytes": .integer(size),               // public
    ///     "key": .phi(objectKey),                // from patient data: redacted
    ///     "accessKeyId": .sensitive(keyID),      // a secret: redacted
    ///     "phase": "fetch",                      // a literal: public
    ///     "study": "\(studyUID, sensitivity: .phi)",
    /// ])
    /// ```
    ///
    /// String and integer literals are public; an interpolated string takes the sensitivity of its most
    /// sensitive piece (unmarked interpolations of non-numbers are `.phi`, as in ``Logger/Message``).
    public struct MetadataValue: Sendable, Hashable, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral,
        ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
        ExpressibleByDictionaryLiteral, CustomStringConvertible
    {
        /// What a value holds.
        public enum Kind: Sendable, Hashable {
            /// Text.
            case string(String)
            /// A whole number.
            case integer(Int64)
            /// A floating-point number.
            case double(Double)
            /// A Boolean.
            case bool(Bool)
            /// A list; each element keeps its own sensitivity.
            case array([MetadataValue])
            /// A nested dictionary; each value keeps its own sensitivity.
            case dictionary([String: MetadataValue])
        }

        /// The value.
        public var value: Kind
        /// How sensitive the value is as a whole; a redacted array or dictionary is redacted entirely.
        public var sensitivity: Sensitivity

        /// A value with an explicit sensitivity.
        public init(_ value: Kind, sensitivity: Sensitivity) {
            self.value = value
            self.sensitivity = sensitivity
        }

        /// Text with an explicit sensitivity.
        public init(_ text: String, sensitivity: Sensitivity) {
            self.init(.string(text), sensitivity: sensitivity)
        }

        /// Public text: names from the configuration, error kinds, states.
        public static func `public`(_ value: some Any) -> MetadataValue {
            MetadataValue(.string(String(describing: value)), sensitivity: .public)
        }

        /// Patient data or anything derived from it; always redacted in production output.
        public static func phi(_ value: some Any) -> MetadataValue {
            MetadataValue(.string(String(describing: value)), sensitivity: .phi)
        }

        /// A secret or infrastructure detail; always redacted in production output.
        public static func sensitive(_ value: some Any) -> MetadataValue {
            MetadataValue(.string(String(describing: value)), sensitivity: .sensitive)
        }

        /// A public whole number.
        public static func integer(_ value: some BinaryInteger) -> MetadataValue {
            MetadataValue(.integer(Int64(clamping: value)), sensitivity: .public)
        }

        /// A public floating-point number.
        public static func double(_ value: Double) -> MetadataValue {
            MetadataValue(.double(value), sensitivity: .public)
        }

        /// A string literal: public.
        public init(stringLiteral value: String) {
            self.init(.string(value), sensitivity: .public)
        }

        /// An interpolated string: the sensitivity of its most sensitive piece.
        public init(stringInterpolation: Message.Interpolation) {
            let message = Message(stringInterpolation: stringInterpolation)
            self.init(.string(message.rendered(.revealForDebuggingSyntheticDataOnly)), sensitivity: message.sensitivity)
        }

        /// An integer literal: public.
        public init(integerLiteral value: Int64) {
            self.init(.integer(value), sensitivity: .public)
        }

        /// A floating-point literal: public.
        public init(floatLiteral value: Double) {
            self.init(.double(value), sensitivity: .public)
        }

        /// A Boolean literal: public.
        public init(booleanLiteral value: Bool) {
            self.init(.bool(value), sensitivity: .public)
        }

        /// A public list of values, each with its own sensitivity.
        public init(arrayLiteral elements: MetadataValue...) {
            self.init(.array(elements), sensitivity: .public)
        }

        /// A public dictionary of values, each with its own sensitivity.
        public init(dictionaryLiteral elements: (String, MetadataValue)...) {
            self.init(.dictionary(Dictionary(elements, uniquingKeysWith: { _, last in last })), sensitivity: .public)
        }

        /// The value as text with non-public parts redacted, e.g. `[redacted]`, `42`, `[a, [redacted]]`.
        public var description: String { rendered(.redact) }

        /// The value as text under `redaction`; dictionaries list their keys in sorted order.
        public func rendered(_ redaction: Redaction) -> String {
            if sensitivity.isRedacted, redaction == .redact { return Sensitivity.redactionMarker }
            switch value {
            case .string(let text): return text
            case .integer(let number): return String(number)
            case .double(let number): return String(describing: number)
            case .bool(let flag): return String(flag)
            case .array(let elements):
                return "[" + elements.map { $0.rendered(redaction) }.joined(separator: ", ") + "]"
            case .dictionary(let entries):
                let inner = entries.keys.sorted().map { key in "\(key): \(entries[key]?.rendered(redaction) ?? "")" }
                return "[" + inner.joined(separator: ", ") + "]"
            }
        }
    }
}
