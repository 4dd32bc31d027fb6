// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace trialwatch::notify {

// Message templates: plain text with `{{token}}` placeholders (`{{ token }}` also works), filled from a map and
// escaped for the channel that sends the result. Only values are escaped; the template's own text is the operator's
// and passes through as written. No conditionals, no loops: a template is a sentence, not a program.

// How substituted values are made safe for the channel's markup.
enum class Escaping {
  none,      // plain text (webhook JSON bodies are built elsewhere, SMTP text/plain)
  markdown,  // ntfy / Slack-style Markdown: formatting characters are backslash-escaped
  html,      // HTML mail: & < > " ' become entities
};

// The values a template may use, by token name.
using TemplateValues = std::map<std::string, std::string, std::less<>>;

// Fill every `{{token}}` in `template_text` with its value from `values`, escaped per `escaping`. Fail with
// invalid_input naming the problem for an unknown token, a `{{` without `}}`, or a token name that is not
// lowercase letters, digits and underscores.
core::Result<std::string> render(std::string_view template_text, const TemplateValues& values, Escaping escaping);

// Return `text` escaped so that Markdown shows it literally.
std::string escape_markdown(std::string_view text);

// Return `text` escaped so that HTML shows it literally, in element content and in quoted attributes.
std::string escape_html(std::string_view text);

}  // namespace trialwatch::notify
