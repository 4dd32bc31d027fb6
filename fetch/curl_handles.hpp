// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

struct curl_slist;

namespace trialwatch::fetch {

// Frees a libcurl easy handle (libcurl's CURL is void, so this header needs no curl header).
struct CurlEasyDeleter {
  void operator()(void* easy) const noexcept;
};

// An owned libcurl easy handle.
using CurlEasy = std::unique_ptr<void, CurlEasyDeleter>;

// Frees a libcurl string list (headers, recipients).
struct CurlListDeleter {
  void operator()(curl_slist* list) const noexcept;
};

// An owned libcurl string list.
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// Append a copy of `text` to `list`; keep the list as it was if libcurl cannot.
void append(CurlList& list, const char* text);

}  // namespace trialwatch::fetch
