internal import CZlib

/// The one wrapper over zlib: raw deflate streams as Deflated Explicit VR Little Endian uses them
/// (PS3.5 §A.5: "the Deflate compression method described in RFC 1951", no zlib header, so windowBits −15).
enum LibZ {
    /// Inflates a raw deflate stream, refusing to produce more than `limit` bytes (zip-bomb guard).
    ///
    /// - Returns: the inflated bytes and how many input bytes the stream used.
    /// - Throws: `DICOMError.Code.deflate` when the stream is corrupt or inflates beyond `limit`.
    static func inflate(_ input: UnsafeRawBufferPointer, limit: Int) throws(DICOMError) -> [UInt8] {
        var stream = z_stream()
        guard CZlib_inflateInit2(&stream, -15) == Z_OK else {
            throw DICOMError(.deflate, "zlib could not start inflating: \(message(stream))")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(input.count &* 4, 4096)))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        guard let inputBase = input.baseAddress, input.count > 0 else { return [] }
        stream.next_in = UnsafeMutablePointer(mutating: inputBase.assumingMemoryBound(to: Bytef.self))
        var remaining = input.count
        while true {
            // zlib counts input in 32-bit units; feed at most 1 GiB at a time.
            if stream.avail_in == 0, remaining > 0 {
                let feed = min(remaining, 1 << 30)
                stream.avail_in = uInt(feed)
                remaining -= feed
            }
            var status = Z_OK
            let produced: Int = chunk.withUnsafeMutableBytes { buffer in
                stream.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(buffer.count)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                return buffer.count - Int(stream.avail_out)
            }
            if status == Z_BUF_ERROR, produced == 0 {
                throw DICOMError(.deflate, "the deflated data set ends before its deflate stream does")
            }
            if status != Z_OK, status != Z_STREAM_END, status != Z_BUF_ERROR {
                throw DICOMError(.deflate, "the deflated data set is corrupt: \(message(stream)) (zlib \(status))")
            }
            if produced > limit - output.count {
                throw DICOMError(
                    .deflate, "the deflated data set inflates to more than \(limit) bytes",
                    remedy: "raise DICOMReader.Options.maxInflatedSize if the file is trusted")
            }
            output.append(contentsOf: chunk[0..<produced])
            if status == Z_STREAM_END { break }
        }
        return output
    }

    /// Compresses `input` into a raw deflate stream (no zlib header or checksum).
    /// - Throws: `DICOMError.Code.deflate` if zlib fails.
    static func deflate(_ input: [UInt8], level: Int32 = 6) throws(DICOMError) -> [UInt8] {
        var stream = z_stream()
        guard CZlib_deflateInit2(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
            throw DICOMError(.deflate, "zlib could not start deflating: \(message(stream))")
        }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var failure: Int32?
        input.withUnsafeBytes { raw in
            stream.next_in = UnsafeMutablePointer(mutating: raw.baseAddress?.assumingMemoryBound(to: Bytef.self))
            var offset = 0
            var status = Z_OK
            while status != Z_STREAM_END {
                if stream.avail_in == 0, offset < raw.count {
                    let feed = min(raw.count - offset, 1 << 30)
                    stream.avail_in = uInt(feed)
                    offset += feed
                }
                let flush = offset >= raw.count ? Z_FINISH : Z_NO_FLUSH
                let produced: Int = chunk.withUnsafeMutableBytes { buffer in
                    stream.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(buffer.count)
                    status = CZlib.deflate(&stream, flush)
                    return buffer.count - Int(stream.avail_out)
                }
                if status != Z_OK, status != Z_STREAM_END, status != Z_BUF_ERROR {
                    failure = status
                    return
                }
                output.append(contentsOf: chunk[0..<produced])
            }
        }
        if let failure { throw DICOMError(.deflate, "zlib failed to deflate (zlib \(failure))") }
        return output
    }

    private static func message(_ stream: z_stream) -> String {
        stream.msg.map { String(cString: $0) } ?? "no message"
    }
}
