// The one file of this module that talks to libcurl. Everything else uses `CurlEasy` and the Swift types
// it takes and returns; no curl type leaves this file.
internal import CCurl
import Foundation

/// `curl_global_init` must run once before any handle is made, and is not thread-safe itself: a global
/// `let` is initialised exactly once, atomically (see https://curl.se/libcurl/c/curl_global_init.html).
private let curlGlobalInitResult: Int32 = {
    // CURL_GLOBAL_DEFAULT = CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32 (a macro Swift does not import).
    Int32(bitPattern: curl_global_init(3).rawValue)
}()

/// Where a response body goes while curl receives it.
enum BodySink {
    /// Into memory, up to a limit.
    case memory(limit: Int)
    /// 2xx bodies into this open file; other statuses' bodies into memory up to `errorLimit`.
    case file(FileHandle, errorLimit: Int)
    /// 2xx bodies into memory while they fit in `memoryLimit`; a longer one goes whole into the file at `path`
    /// (created, mode 0600, only then). Other statuses' bodies into memory up to `errorLimit`.
    case spill(path: String, memoryLimit: Int, errorLimit: Int)

    /// Opens the working file at `path` for a body, in place (`open(2)` creating or truncating it, mode 0600 so
    /// patient data stays from other users; a working copy needs no atomic replacement, which would cost a
    /// temporary file and a rename per download); `nil` with `errno` set when it cannot be opened.
    static func openWorkingFile(path: String) -> FileHandle? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        return descriptor >= 0 ? FileHandle(fileDescriptor: descriptor, closeOnDealloc: true) : nil
    }
}

/// Per-transfer state handed to curl's C callbacks as their `userdata` pointer.
///
/// Confinement: lives on the stack of one `CurlEasy.perform` call; curl calls back on that same thread.
private final class Transfer {
    var status = 0
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    var failure: (code: HTTPError.Code, detail: String)?
    let sink: BodySink
    var upload: (bytes: [UInt8], offset: Int)?
    var uploadFile: FileHandle?
    /// The file a ``BodySink/spill(path:memoryLimit:errorLimit:)`` body went to, once it outgrew memory.
    var spillFile: FileHandle?

    init(sink: BodySink) { self.sink = sink }

    /// One header line from curl (status lines included, CRLF-terminated).
    func receiveHeader(_ line: UnsafeRawBufferPointer) {
        // Split and trimmed on the bytes: the line ends in CR LF, and optional white space around a field
        // value is spaces and tabs (RFC 9110 §5.5, §5.6.3).
        var end = line.count
        while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        let bytes = UnsafeRawBufferPointer(rebasing: line[0..<end])
        if bytes.starts(with: "HTTP/".utf8) {
            // A new response (after a 1xx or an auth round trip) starts afresh.
            headers = []
            let parts = bytes.split(separator: 0x20, maxSplits: 2)
            status = parts.count > 1 ? Int(String(decoding: parts[1], as: UTF8.self)) ?? 0 : 0
        } else if let colon = bytes.firstIndex(of: 0x3A) {
            var start = colon + 1
            var stop = bytes.count
            while start < stop, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while stop > start, bytes[stop - 1] == 0x20 || bytes[stop - 1] == 0x09 { stop -= 1 }
            headers.append(
                (String(decoding: bytes[..<colon], as: UTF8.self), String(decoding: bytes[start..<stop], as: UTF8.self)))
        }
    }

    /// Body bytes from curl; returns false to abort the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch sink {
        case .memory(let limit):
            return appendToMemory(bytes, limit: limit)
        case .file(let handle, let errorLimit):
            guard (200..<300).contains(status) else { return appendToMemory(bytes, limit: errorLimit) }
            return write(bytes, to: handle)
        case .spill(let path, let memoryLimit, let errorLimit):
            guard (200..<300).contains(status) else { return appendToMemory(bytes, limit: errorLimit) }
            if let spillFile { return write(bytes, to: spillFile) }
            if body.count + bytes.count <= memoryLimit {
                body.append(contentsOf: bytes)
                return true
            }
            guard let file = BodySink.openWorkingFile(path: path) else {
                failure = (.fileWrite, "cannot create the download file: \(String(cString: strerror(errno)))")
                return false
            }
            spillFile = file
            defer { body = [] }
            return body.withUnsafeBytes { held in write(held, to: file) } && write(bytes, to: file)
        }
    }

    private func write(_ bytes: UnsafeRawBufferPointer, to handle: FileHandle) -> Bool {
        do {
            try handle.write(contentsOf: Data(bytes))
            return true
        } catch {
            failure = (.fileWrite, "cannot write the downloaded body: \(error.localizedDescription)")
            return false
        }
    }

    private func appendToMemory(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Bool {
        guard body.count + bytes.count <= limit else {
            failure = (.responseTooLarge, "response body larger than \(limit) bytes")
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Rewinds the upload to `offset` so curl can send it again (on a fresh connection after a reused one
    /// died); false when that is impossible.
    func rewindBody(to offset: Int) -> Bool {
        guard offset >= 0 else { return false }
        if var pending = upload {
            guard offset <= pending.bytes.count else { return false }
            pending.offset = offset
            upload = pending
            return true
        }
        if let uploadFile {
            do {
                try uploadFile.seek(toOffset: UInt64(offset))
                return true
            } catch {
                return false
            }
        }
        return offset == 0
    }

    /// Fills `buffer` with the next upload bytes; returns the count (0 at the end) or nil to abort.
    func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        if var pending = upload {
            let count = min(buffer.count, pending.bytes.count - pending.offset)
            pending.bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[pending.offset..<pending.offset + count]))
            }
            pending.offset += count
            upload = pending
            return count
        }
        if let uploadFile {
            do {
                let chunk = try uploadFile.read(upToCount: buffer.count) ?? Data()
                chunk.withUnsafeBytes { buffer.copyMemory(from: $0) }
                return chunk.count
            } catch {
                failure = (.invalidRequest, "cannot read the body file: \(error.localizedDescription)")
                return nil
            }
        }
        return 0
    }
}

private let writeCallback: CCurl_data_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let pointer else { return 0 }
    return transfer.receiveBody(UnsafeRawBufferPointer(start: pointer, count: length)) ? length : 0
}

private let headerCallback: CCurl_data_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let pointer else { return length }
    transfer.receiveHeader(UnsafeRawBufferPointer(start: pointer, count: length))
    return length
}

private let readCallback: CCurl_data_callback = { pointer, size, count, userdata in
    // CURL_READFUNC_ABORT (a macro): stop the transfer with CURLE_ABORTED_BY_CALLBACK.
    let abort = 0x1000_0000
    guard let userdata, let pointer else { return abort }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.sendBody(into: UnsafeMutableRawBufferPointer(start: pointer, count: size * count)) ?? abort
}

private let seekCallback: CCurl_seek_callback = { userdata, offset, origin in
    // CURL_SEEKFUNC_OK, CURL_SEEKFUNC_CANTSEEK; curl rewinds with SEEK_SET (0).
    guard let userdata, origin == 0, let offset = Int(exactly: offset) else { return 2 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.rewindBody(to: offset) ? 0 : 2
}

/// What `CurlEasy.perform` needs beyond the request: resolved settings from `HTTPClient.Configuration`.
struct CurlSettings {
    var username: String?
    var password: String?
    var certificateAuthorityFile: String?
    var connectTimeoutMilliseconds: Int
    var timeoutMilliseconds: Int
}

/// Owns one libcurl easy handle (`CURL*`), freed with `curl_easy_cleanup` in `deinit`.
///
/// A handle serves one request after another: ``perform(_:settings:sink:)`` sets every option it needs and
/// resets them all with `curl_easy_reset` when it returns, which keeps the handle's open connections, DNS
/// and TLS session caches but forgets URL, method, headers, body, credentials and callbacks
/// (https://curl.se/libcurl/c/curl_easy_reset.html). The cookie engine, the only other state that survives a
/// reset, is never enabled.
///
/// Confinement: one thread at a time (https://curl.se/libcurl/c/threadsafe.html); `HTTPClient` takes one
/// from its `CurlHandlePool` for each request, on the thread that performs it.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer

    init() throws(HTTPError) {
        guard curlGlobalInitResult == 0 else {
            throw HTTPError(.setup, context: "curl_global_init", detail: curlMessage(curlGlobalInitResult))
        }
        guard let handle = curl_easy_init() else {
            throw HTTPError(.setup, context: "curl_easy_init", detail: "libcurl returned no handle")
        }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sends `request` and receives the response into `sink`.
    func perform(_ request: HTTPRequest, settings: CurlSettings, sink: BodySink) throws(HTTPError) -> HTTPResponse {
        // Runs last, after the header list and error buffer below are freed: the idle handle keeps no pointer
        // to them, nor any option of this request.
        defer { curl_easy_reset(handle) }
        let method = request.method
        let url = request.url
        func failure(_ code: HTTPError.Code, _ detail: String) -> HTTPError {
            HTTPError(code, method: method, url: url, detail: detail)
        }
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw failure(.invalidRequest, "only http and https URLs are supported")
        }
        guard url.user == nil, url.password == nil else {
            throw failure(.invalidRequest, "credentials in the URL are not accepted; configure them instead")
        }
        guard !method.isEmpty, method.allSatisfy({ $0.isLetter && $0.isASCII }) else {
            throw failure(.invalidRequest, "method must be ASCII letters")
        }

        let transfer = Transfer(sink: sink)
        var uploadSize = 0
        switch request.body {
        case .none:
            break
        case .bytes(let bytes):
            transfer.upload = (bytes, 0)
            uploadSize = bytes.count
        case .file(let file):
            do {
                let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
                uploadSize = (attributes[.size] as? NSNumber)?.intValue ?? 0
                transfer.uploadFile = try FileHandle(forReadingFrom: file)
            } catch {
                throw failure(.invalidRequest, "cannot open the body file \(file.lastPathComponent): \(error.localizedDescription)")
            }
        }
        defer { try? transfer.uploadFile?.close() }

        // Header list: the caller's fields, then suppress curl's own `Expect: 100-continue` (a needless round
        // trip) and, unless the caller set one, its form Content-Type for POST.
        var lines: [String] = []
        for (name, value) in request.headers {
            // Check scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
            let badInName = name.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == ":" || $0 == "\0" }
            let badInValue = value.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
            guard !name.isEmpty, !badInName, !badInValue else {
                throw failure(.invalidRequest, "header field '\(name.prefix(40))' contains CR, LF or a bad name")
            }
            // "Name;" sends a header with an empty value; "Name:" would remove it.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        lines.append("Expect:")
        if !request.headers.contains(where: { $0.name.lowercased() == "content-type" }) { lines.append("Content-Type:") }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw failure(.setup, "curl_slist_append failed")
            }
            headerList = appended
        }

        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }

        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        var setupCode = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) {
            if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_long(handle, option, value) }
        }
        func set(_ option: CURLoption, _ value: String) {
            if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_string(handle, option, value) }
        }
        set(CURLOPT_URL, url.absoluteString)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_NOPROXY, "*")  // talk to the host itself even when http_proxy is set
        set(CURLOPT_FOLLOWLOCATION, 0)  // redirects are returned to the caller, never followed
        set(CURLOPT_NOSIGNAL, 1)  // no SIGALRM for timeouts: required with threads
        set(CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeoutMilliseconds)
        set(CURLOPT_TIMEOUT_MS, settings.timeoutMilliseconds)
        set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = settings.certificateAuthorityFile { set(CURLOPT_CAINFO, ca) }
        if let username = settings.username, let password = settings.password {
            // CURLAUTH_BASIC is libcurl's default scheme; RFC 7617.
            set(CURLOPT_USERNAME, username)
            set(CURLOPT_PASSWORD, password)
        }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer) }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, writeCallback) }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, userdata) }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, headerCallback) }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, userdata) }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION, readCallback) }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_pointer(handle, CURLOPT_READDATA, userdata) }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_seek_callback(handle, CURLOPT_SEEKFUNCTION, seekCallback) }
        if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_pointer(handle, CURLOPT_SEEKDATA, userdata) }

        switch method.uppercased() {
        case "GET" where uploadSize == 0:
            set(CURLOPT_HTTPGET, 1)
        case "HEAD":
            set(CURLOPT_NOBODY, 1)
        case "POST":
            set(CURLOPT_POST, 1)
            if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, uploadSize) }
        default:
            if case .none = request.body, method.uppercased() != "PUT" {
                set(CURLOPT_CUSTOMREQUEST, method)
            } else {
                set(CURLOPT_UPLOAD, 1)
                if setupCode == CURLE_OK { setupCode = CCurl_easy_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, uploadSize) }
                if method.uppercased() != "PUT" { set(CURLOPT_CUSTOMREQUEST, method) }
            }
        }
        guard setupCode == CURLE_OK else {
            throw failure(.setup, "curl_easy_setopt: \(curlMessage(Int32(bitPattern: setupCode.rawValue)))")
        }

        let result = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        if let (code, detail) = transfer.failure { throw failure(code, detail) }
        guard result == CURLE_OK else {
            let code = Int32(bitPattern: result.rawValue)
            let extra = String(cString: errorBuffer)
            throw failure(.transport, curlMessage(code) + " (curl \(code)" + (extra.isEmpty ? ")" : ": \(extra))"))
        }
        var status = 0
        if CCurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status == 0 {
            status = transfer.status
        }
        var response = HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
        if let spillFile = transfer.spillFile {
            do {
                try spillFile.close()
            } catch {
                throw failure(.fileWrite, "cannot close the download file: \(error.localizedDescription)")
            }
            response.bodyIsInFile = true
        }
        return response
    }
}

@available(*, unavailable)
extension CurlEasy: Sendable {}

/// curl's text for a result code (`curl_easy_strerror`).
private func curlMessage(_ code: Int32) -> String {
    String(cString: curl_easy_strerror(CURLcode(rawValue: UInt32(bitPattern: code))))
}
