import DICOM

extension Tag {
    /// The tag as a record path component, `(GGGG,EEEE)`: the same text as ``DICOM/Tag/description``, written
    /// straight into a small string (eleven bytes, no allocation), since the session makes one per element.
    var recordPath: String {
        String(unsafeUninitializedCapacity: 11) { buffer in
            let digits: (UInt8) -> UInt8 = { $0 < 10 ? 0x30 + $0 : 0x37 + $0 }  // 0-9, A-F
            let value = rawValue
            buffer[0] = UInt8(ascii: "(")
            for index in 0..<4 {
                buffer[1 + index] = digits(UInt8(truncatingIfNeeded: value >> (28 - 4 * index)) & 0x0F)
                buffer[6 + index] = digits(UInt8(truncatingIfNeeded: value >> (12 - 4 * index)) & 0x0F)
            }
            buffer[5] = UInt8(ascii: ",")
            buffer[10] = UInt8(ascii: ")")
            return 11
        }
    }
}
