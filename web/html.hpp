// SPDX-License-Identifier: MIT
#pragma once

#include "web/site.hpp"

#include <string>
#include <string_view>

namespace trialwatch::web {

// Return untrusted text escaped for HTML content or a quoted attribute (core::for_html).
std::string h(std::string_view text);

// Return `text` percent-encoded for a URL's query value.
std::string url_encode(std::string_view text);

// The sections of the site, for the navigation bar's current mark.
enum class Section { studies, events, due, related, status, none };

// Return a whole HTML page: doctype, head (title, stylesheet, icon), the navigation with `section` marked, `body`.
std::string page(std::string_view title, Section section, std::string_view body);

// Return an HTML response of `status` whose page says `sentence` (escaped) under a heading for the status.
Response error_page(int status, std::string_view sentence);

// Return the site's stylesheet: layout, tables, light and dark colours, the timeline's colours.
std::string_view stylesheet();

// Return the site's icon, an SVG.
std::string_view icon_svg();

}  // namespace trialwatch::web
