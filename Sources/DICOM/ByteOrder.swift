/// Byte-order helpers shared by the reader, the writer and typed value access.
enum ByteOrder {
    /// Reverses every `unit`-byte group of `bytes` in place; a trailing partial group is left alone.
    static func swap(_ bytes: inout [UInt8], unit: Int) {
        guard unit > 1 else { return }
        bytes.withUnsafeMutableBytes { swap($0, unit: unit) }
    }

    /// Reverses every `unit`-byte group of `buffer` in place; a trailing partial group is left alone.
    static func swap(_ buffer: UnsafeMutableRawBufferPointer, unit: Int) {
        guard unit > 1 else { return }
        var start = 0
        let whole = buffer.count - buffer.count % unit
        while start < whole {
            var low = start
            var high = start + unit - 1
            while low < high {
                let byte = buffer[low]
                buffer[low] = buffer[high]
                buffer[high] = byte
                low += 1
                high -= 1
            }
            start += unit
        }
    }

    /// The size of the units a value of `vr` is byte-swapped in between little- and big-endian encodings
    /// (PS3.5 §7.3); 1 for byte-oriented VRs. AT is a pair of 16-bit numbers.
    static func swapUnit(for vr: VR) -> Int {
        switch vr {
        case .AT, .US, .SS, .OW: 2
        case .UL, .SL, .FL, .OF, .OL: 4
        case .FD, .SV, .UV, .OD, .OV: 8
        default: 1
        }
    }

    /// Decodes little-endian fixed-width values; `nil` if the byte count is not a multiple of the size.
    static func decodeLittleEndian<T: FixedWidthInteger>(_ bytes: [UInt8], as type: T.Type) -> [T]? {
        let size = MemoryLayout<T>.size
        guard bytes.count % size == 0 else { return nil }
        return bytes.withUnsafeBytes { raw in
            (0..<(raw.count / size)).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }

    /// Encodes fixed-width values little-endian.
    static func encodeLittleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
