// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace trialwatch::core {

// Registry text (titles, conditions, sites, summaries) is written by strangers. Each function below makes any text
// safe for one output context; every output path that can carry registry text goes through the one for its context
// (docs/reliability.md, "Untrusted registry text"). Invalid UTF-8 never passes through any of them.

// Return `text` for a terminal: printable text as it is; control characters (C0, DEL, C1), line and paragraph
// separators and bidirectional overrides shown as visible escapes (`\n`, `\x1b`, `\u009b`, `\u202e`); each byte
// of invalid UTF-8 as `\xNN`. The result is one line that a terminal only prints.
std::string for_terminal(std::string_view text);

// Return `text` for one line of a log: the same treatment as for_terminal(), so a newline cannot forge a line and
// no `<N>` priority prefix can start one.
std::string for_log_line(std::string_view text);

// Say whether for_terminal(`text`) would return `text` unchanged (cheap; lets callers skip a copy).
bool is_terminal_safe(std::string_view text) noexcept;

// Return `text` as the value of an e-mail header (RFC 5322): control characters become spaces; text that is not
// plain printable ASCII, or holds "=?", becomes RFC 2047 encoded words (UTF-8, base64) folded with CRLF + space,
// each word whole characters. No bare CR or LF can come out.
std::string for_mail_header(std::string_view text);

// Return `text` for Slack's mrkdwn: `&`, `<`, `>` escaped (so no link, mention or `<!channel>` can be formed),
// control characters but line feeds shown as in for_terminal(), cut on a character boundary so the result is at
// most `max_bytes` bytes, ending in "…" when cut.
std::string for_slack(std::string_view text, std::size_t max_bytes);

// Return `text` for XML 1.0 character data or a quoted attribute: `& < > " '` escaped, and the characters XML 1.0
// forbids (C0 controls but tab, LF and CR; U+FFFE, U+FFFF) and invalid UTF-8 replaced by U+FFFD.
std::string for_xml(std::string_view text);

// Return `text` for HTML element content or a quoted attribute: for_xml(), and DEL and C1 controls replaced by
// U+FFFD too.
std::string for_html(std::string_view text);

// Return `text` with each byte of invalid UTF-8 replaced by U+FFFD (valid text is returned as it is).
std::string to_valid_utf8(std::string_view text);

// Say whether `text` is valid UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

// Return the longest prefix of `text` of at most `max_bytes` bytes that does not end inside a UTF-8 character.
std::string_view cut_utf8(std::string_view text, std::size_t max_bytes) noexcept;

}  // namespace trialwatch::core
