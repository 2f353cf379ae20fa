/* shim.h — only what Swift cannot import: variadic functions and function-like macros. */
#include <curl/curl.h>

/// curl_easy_setopt is variadic; Swift cannot call it. One wrapper per argument kind.
static inline CURLcode CCurl_easy_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode CCurl_easy_setopt_string(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode CCurl_easy_setopt_pointer(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode CCurl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode CCurl_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}
typedef size_t (*CCurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode CCurl_easy_setopt_data_callback(CURL *h, CURLoption o, CCurl_data_callback v) {
    return curl_easy_setopt(h, o, v);
}
/// curl_easy_getinfo is variadic too.
static inline CURLcode CCurl_easy_getinfo_long(CURL *h, CURLINFO i, long *out) {
    return curl_easy_getinfo(h, i, out);
}
/// CURLOPT_SEEKFUNCTION: lets curl rewind an upload to resend it on a fresh connection.
typedef int (*CCurl_seek_callback)(void *userdata, curl_off_t offset, int origin);
static inline CURLcode CCurl_easy_setopt_seek_callback(CURL *h, CURLoption o, CCurl_seek_callback v) {
    return curl_easy_setopt(h, o, v);
}
