extension Logger {
    /// A log message: literal text from the code, and interpolated values that each carry a ``Sensitivity``.
    ///
    /// ```swift
    /// logger.info("ingested \(count) objects from \(source.name, sensitivity: .public)")
    /// logger.warning("quarantined \(objectKey, sensitivity: .phi): \(error, sensitivity: .public)")
    /// logger.debug("patient \(patientID)")   // not marked: treated as .phi, written as [redacted]
    /// ```
    ///
    /// Literal text is public. An interpolated integer, floating-point number, Boolean or `Duration` is public
    /// unless marked; any other interpolated value (strings, errors, paths, anything `CustomStringConvertible`)
    /// is `.phi` unless marked otherwise, so an unmarked value from patient data cannot reach a log line
    /// (STYLE.md R5).
    public struct Message: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
        /// A piece of a message: literal or interpolated text with its sensitivity.
        public struct Segment: Sendable, Hashable {
            /// The text.
            public var text: String
            /// How sensitive the text is; literal text is `.public`.
            public var sensitivity: Sensitivity

            /// Creates a segment.
            public init(_ text: String, sensitivity: Sensitivity) {
                self.text = text
                self.sensitivity = sensitivity
            }
        }

        /// The message's pieces in order.
        public var segments: [Segment]

        /// A message of the given segments.
        public init(segments: [Segment]) {
            self.segments = segments
        }

        /// A message that is a literal, hence public.
        public init(stringLiteral value: String) {
            segments = [Segment(value, sensitivity: .public)]
        }

        /// A message built from an interpolated string literal.
        public init(stringInterpolation: Interpolation) {
            segments = stringInterpolation.segments
        }

        /// The message with every non-public segment replaced by ``Sensitivity/redactionMarker``.
        public var redacted: String { rendered(.redact) }

        /// The message as handlers write it under `redaction`.
        public func rendered(_ redaction: Redaction) -> String {
            var text = ""
            for segment in segments {
                if segment.sensitivity.isRedacted, redaction == .redact {
                    text += Sensitivity.redactionMarker
                } else {
                    text += segment.text
                }
            }
            return text
        }

        /// The redacted message (``redacted``), so that printing a message never shows PHI.
        public var description: String { redacted }

        /// The most sensitive segment's sensitivity (`.public` for an empty message).
        public var sensitivity: Sensitivity { segments.map(\.sensitivity).max() ?? .public }

        /// Builds a ``Logger/Message`` from a string literal with interpolations.
        public struct Interpolation: StringInterpolationProtocol, Sendable {
            var segments: [Segment] = []

            /// Reserves room for the pieces.
            public init(literalCapacity: Int, interpolationCount: Int) {
                segments.reserveCapacity(interpolationCount * 2 + 1)
            }

            /// Appends literal text (public).
            public mutating func appendLiteral(_ literal: String) {
                guard !literal.isEmpty else { return }
                segments.append(Segment(literal, sensitivity: .public))
            }

            /// Appends a value marked at the call site: `"\(name, sensitivity: .phi)"`.
            public mutating func appendInterpolation(_ value: some Any, sensitivity: Sensitivity) {
                segments.append(Segment(String(describing: value), sensitivity: sensitivity))
            }

            /// Appends an unmarked value, which is treated as `.phi`.
            public mutating func appendInterpolation(_ value: some Any) {
                segments.append(Segment(String(describing: value), sensitivity: .phi))
            }

            /// Appends an unmarked integer (public: counts and sizes are not patient data on their own).
            public mutating func appendInterpolation(_ value: some BinaryInteger) {
                segments.append(Segment(String(value), sensitivity: .public))
            }

            /// Appends an unmarked integer with the given sensitivity.
            public mutating func appendInterpolation(_ value: some BinaryInteger, sensitivity: Sensitivity) {
                segments.append(Segment(String(value), sensitivity: sensitivity))
            }

            /// Appends an unmarked floating-point number (public).
            public mutating func appendInterpolation(_ value: some BinaryFloatingPoint) {
                segments.append(Segment(String(describing: value), sensitivity: .public))
            }

            /// Appends an unmarked Boolean (public).
            public mutating func appendInterpolation(_ value: Bool) {
                segments.append(Segment(String(describing: value), sensitivity: .public))
            }

            /// Appends an unmarked duration (public).
            public mutating func appendInterpolation(_ value: Duration) {
                segments.append(Segment(String(describing: value), sensitivity: .public))
            }
        }
    }
}
