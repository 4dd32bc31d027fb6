// SPDX-License-Identifier: MIT
#include "fetch/curl_handles.hpp"

#include <curl/curl.h>

namespace trialwatch::fetch {

void CurlEasyDeleter::operator()(void* easy) const noexcept { curl_easy_cleanup(easy); }

void CurlListDeleter::operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }

void append(CurlList& list, const char* text) {
  if (curl_slist* longer = curl_slist_append(list.get(), text)) {
    (void)list.release();  // `longer` starts with the same nodes
    list.reset(longer);
  }
}

}  // namespace trialwatch::fetch
