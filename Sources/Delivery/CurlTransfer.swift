import CCurl
import Foundation

/// One libcurl easy handle and everything it points at, owned together and freed together, as
/// `Connection` owns a `PGconn`: libcurl keeps raw pointers to the header list, the upload
/// buffer and the callback context for the whole transfer, so they live exactly as long as the
/// handle. Not shared between threads: one transfer, one caller, then it is gone.
///
/// libcurl never writes to the terminal here: its verbose trace goes to `trace`, and only the
/// server's lines are kept (our own lines may hold AUTH credentials).
final class CurlTransfer {
    private let handle: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let state = TransferState()
    /// libcurl writes its explanation of a failure here; it must stay put for the handle's life.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// libcurl's global setup, once per process, before the first handle (thread-safe since 7.84).
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    init() throws(DeliveryFailure) {
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw DeliveryFailure.permanent("libcurl could not start a transfer")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passUnretained(state).toOpaque()
        // Signals would interrupt the whole process; timeouts work without them (threaded resolver).
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try check(cobranza_curl_set_data_callback(handle, CURLOPT_WRITEFUNCTION, TransferState.write), CURLOPT_WRITEFUNCTION)
        try check(cobranza_curl_set_pointer(handle, CURLOPT_WRITEDATA, context), CURLOPT_WRITEDATA)
        try check(cobranza_curl_set_debug_callback(handle, TransferState.trace), CURLOPT_DEBUGFUNCTION)
        try check(cobranza_curl_set_pointer(handle, CURLOPT_DEBUGDATA, context), CURLOPT_DEBUGDATA)
        try set(CURLOPT_VERBOSE, 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) throws(DeliveryFailure) {
        try check(cobranza_curl_set_long(handle, option, value), option)
    }

    /// libcurl copies string options (CURLOPT_URL, CURLOPT_USERNAME, …) since 7.17.
    func set(_ option: CURLoption, _ value: String) throws(DeliveryFailure) {
        try check(cobranza_curl_set_string(handle, option, value), option)
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutablePointer<CChar>) throws(DeliveryFailure) {
        try check(cobranza_curl_set_pointer(handle, option, pointer), option)
    }

    /// A string list option (recipients, HTTP headers); the list lives until the handle does.
    func set(_ option: CURLoption, list items: [String]) throws(DeliveryFailure) {
        var list: UnsafeMutablePointer<curl_slist>?
        for item in items {
            guard let grown = curl_slist_append(list, item) else {
                if let list { curl_slist_free_all(list) }
                throw DeliveryFailure.permanent("libcurl: out of memory building a list")
            }
            list = grown
        }
        guard let list else { return }
        lists.append(list)
        try check(cobranza_curl_set_list(handle, option, list), option)
    }

    /// The bytes libcurl reads for an upload (SMTP DATA).
    func upload(_ data: [UInt8]) throws(DeliveryFailure) {
        state.upload = data
        state.uploaded = 0
        try check(cobranza_curl_set_data_callback(handle, CURLOPT_READFUNCTION, TransferState.read), CURLOPT_READFUNCTION)
        try check(cobranza_curl_set_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(state).toOpaque()), CURLOPT_READDATA)
        try set(CURLOPT_UPLOAD, 1)
    }

    /// Runs the transfer; libcurl's result code (CURLE_OK or why not).
    func perform() -> CURLcode {
        withExtendedLifetime(state) { curl_easy_perform(handle) }
    }

    /// The last SMTP reply code or HTTP status; 0 when the server never answered.
    var responseCode: Int {
        var code = 0
        _ = cobranza_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// What the server sent back (the HTTP body), at most `TransferState.maximumResponse` bytes.
    var response: [UInt8] { state.response }

    /// The server's last reply line ("250 OK queued as 4F2A"), control characters removed.
    var lastServerLine: String? { state.lastServerLine }

    /// The server's last 4xx or 5xx line ("550 5.1.1 no such user"): after a refusal libcurl
    /// still says QUIT, so the last line is "221 Bye" and the reason is the one before.
    var lastRefusalLine: String? { state.lastRefusalLine }

    /// libcurl's own explanation of a failure, or its generic text for `code`.
    func explanation(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(DeliveryFailure) {
        guard code == CURLE_OK else {
            throw DeliveryFailure.permanent("libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}

/// What the callbacks read and write during a transfer; a class so libcurl can hold a pointer to it.
private final class TransferState {
    static let maximumResponse = 1 << 20
    var upload: [UInt8] = []
    var uploaded = 0
    var response: [UInt8] = []
    var lastServerLine: String?
    var lastRefusalLine: String?

    static let write: cobranza_curl_data_callback = { buffer, size, count, context in
        let state = Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard let buffer, length > 0 else { return length }
        // A provider that answers without end is cut off: returning less than given stops the transfer.
        guard state.response.count + length <= maximumResponse else { return 0 }
        state.response.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
        return length
    }

    static let read: cobranza_curl_data_callback = { buffer, size, count, context in
        let state = Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue()
        let length = min(size * count, state.upload.count - state.uploaded)
        guard let buffer, length > 0 else { return 0 }
        state.upload.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + state.uploaded, byteCount: length)
        }
        state.uploaded += length
        return length
    }

    /// Only the server's lines (CURLINFO_HEADER_IN) are kept: what we send includes AUTH.
    static let trace: cobranza_curl_debug_callback = { _, kind, data, size, context in
        guard kind == CURLINFO_HEADER_IN, let data, let context else { return 0 }
        let state = Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue()
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
        let line = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty else { return 0 }
        state.lastServerLine = String(line.prefix(300))
        if line.first == "4" || line.first == "5" { state.lastRefusalLine = state.lastServerLine }
        return 0
    }
}
