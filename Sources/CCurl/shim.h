#ifndef COBRANZA_CCURL_SHIM_H
#define COBRANZA_CCURL_SHIM_H
// libcurl's setopt and getinfo are C variadic functions, which Swift cannot call: each value
// type gets a fixed-signature wrapper here. The Delivery module is the only user.
#include <curl/curl.h>

typedef size_t (*cobranza_curl_data_callback)(char *buffer, size_t size, size_t count, void *context);
typedef int (*cobranza_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *context);

static inline CURLcode cobranza_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode cobranza_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode cobranza_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode cobranza_curl_set_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode cobranza_curl_set_data_callback(CURL *handle, CURLoption option, cobranza_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode cobranza_curl_set_debug_callback(CURL *handle, cobranza_curl_debug_callback value) {
    return curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, value);
}
// CURLAUTH_BASIC is a macro with a cast, which Swift does not import.
static inline long cobranza_curlauth_basic(void) { return (long)CURLAUTH_BASIC; }
static inline CURLcode cobranza_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
#endif
