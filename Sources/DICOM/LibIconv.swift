import Glibc

/// The one owner of a glibc `iconv_t` conversion descriptor (see `man 3 iconv`).
///
/// Used by ``SpecificCharacterSet`` for the multi-byte character sets (JIS X 0208/0212 through EUC-JP,
/// KS X 1001 through EUC-KR, GB 2312, GBK, GB18030, Shift_JIS double-byte characters). A descriptor keeps
/// shift state, so an instance is confined to the call that made it and never shared.
final class IconvConverter {
    private let descriptor: iconv_t

    /// Opens a converter from `source` to `target` (glibc charset names such as `"EUC-KR"`, `"UTF-8"`);
    /// `nil` when glibc does not know one of them.
    init?(from source: String, to target: String) {
        let handle = iconv_open(target, source)
        // iconv_open reports failure as (iconv_t)-1.
        guard let handle, Int(bitPattern: handle) != -1 else { return nil }
        descriptor = handle
    }

    deinit { iconv_close(descriptor) }

    /// The outcome of converting as much of the input as possible.
    enum Stop: Equatable {
        /// All input was converted.
        case complete
        /// An invalid sequence starts at this input offset (`EILSEQ`).
        case invalid(at: Int)
        /// The input ends inside a multi-byte sequence starting at this offset (`EINVAL`).
        case incomplete(at: Int)
    }

    /// Converts `input`, appending the converted bytes to `output`, and says where it stopped.
    ///
    /// The shift state is reset first, so each call converts `input` as a complete unit.
    func convert(_ input: ArraySlice<UInt8>, into output: inout [UInt8]) -> Stop {
        _ = iconv(descriptor, nil, nil, nil, nil)
        if input.isEmpty { return .complete }
        var source = Array(input)
        var buffer = [UInt8](repeating: 0, count: max(64, input.count * 4))
        let total = source.count
        var stop = Stop.complete
        source.withUnsafeMutableBytes { (inRaw: UnsafeMutableRawBufferPointer) in
            guard let inBase = inRaw.baseAddress else { return }
            var inPointer: UnsafeMutablePointer<CChar>? = inBase.assumingMemoryBound(to: CChar.self)
            var inLeft = total
            while inLeft > 0 {
                var produced = 0
                var errorNumber: Int32 = 0
                var result = 0
                buffer.withUnsafeMutableBytes { (outRaw: UnsafeMutableRawBufferPointer) in
                    guard let outBase = outRaw.baseAddress else { return }
                    var outPointer: UnsafeMutablePointer<CChar>? = outBase.assumingMemoryBound(to: CChar.self)
                    var outLeft = outRaw.count
                    result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    errorNumber = errno
                    produced = outRaw.count - outLeft
                }
                output.append(contentsOf: buffer[0..<produced])
                // iconv returns (size_t)-1 on error and sets errno.
                if result == Int(bitPattern: UInt(bitPattern: -1)) {
                    switch errorNumber {
                    case E2BIG: continue
                    case EINVAL:
                        stop = .incomplete(at: total - inLeft)
                        return
                    default:
                        stop = .invalid(at: total - inLeft)
                        return
                    }
                }
            }
            // Flush any pending shift sequence of stateful targets.
            var flushed = 0
            buffer.withUnsafeMutableBytes { (outRaw: UnsafeMutableRawBufferPointer) in
                guard let outBase = outRaw.baseAddress else { return }
                var outPointer: UnsafeMutablePointer<CChar>? = outBase.assumingMemoryBound(to: CChar.self)
                var outLeft = outRaw.count
                _ = iconv(descriptor, nil, nil, &outPointer, &outLeft)
                flushed = outRaw.count - outLeft
            }
            output.append(contentsOf: buffer[0..<flushed])
        }
        return stop
    }
}

@available(*, unavailable, message: "an iconv descriptor keeps shift state; confine it to one call")
extension IconvConverter: Sendable {}
