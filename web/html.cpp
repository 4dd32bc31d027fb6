// SPDX-License-Identifier: MIT
#include "web/html.hpp"

#include "core/safe_text.hpp"

#include "web/timeline_css.hpp"
#include <fmt/format.h>

namespace trialwatch::web {

namespace {

constexpr std::string_view k_base_css = R"css(
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --link: #0550ae; --accent: #0a6b3d; --warn: #9a3412; --warn-bg: #fff1e6; --ok-bg: #e8f5ec; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --panel: #161b22; --line: #30363d; --link: #79c0ff;
    --accent: #56d364; --warn: #ffa657; --warn-bg: #2d1b0e; --ok-bg: #0f2a1a; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--fg); background: var(--bg); }
a { color: var(--link); }
header.site { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1.25rem; padding: .6rem 1rem;
  border-bottom: 1px solid var(--line); background: var(--panel); }
header.site .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
header.site nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.site nav a[aria-current="page"] { font-weight: 700; color: var(--fg); }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; line-height: 1.3; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
.nct { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; white-space: nowrap; }
.muted, caption { color: var(--muted); }
caption { text-align: left; padding: .25rem 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td.value { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 30rem; }
td.date { white-space: nowrap; }
.path { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85rem;
  overflow-wrap: anywhere; font-weight: 400; }
.attention li, dl.facts dd, td.text { overflow-wrap: anywhere; }
td.op-add { background: var(--ok-bg); } td.op-remove { background: var(--warn-bg); }
.attention { border: 1px solid var(--line); border-left: 4px solid var(--warn); background: var(--panel);
  padding: .5rem 1rem; margin: 0 0 1.5rem; }
.attention h2 { margin-top: .25rem; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .25rem; font-size: .85rem; white-space: nowrap;
  border: 1px solid var(--line); }
.badge.overdue { color: var(--warn); border-color: var(--warn); font-weight: 600; }
.badge.posted { color: var(--accent); border-color: var(--accent); }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: 0 0 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
input, select, button { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line);
  border-radius: .25rem; padding: .3rem .5rem; }
button { cursor: pointer; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
figure.timeline { margin: 1rem 0; padding: .5rem; border: 1px solid var(--line); background: var(--panel);
  overflow-x: auto; }
figure.timeline svg { min-width: 30rem; display: block; }
figure.timeline figcaption { font-size: .85rem; color: var(--muted); }
nav.pages { display: flex; gap: 1rem; margin: 1rem 0; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  main { padding: .5rem; }
  dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .4rem; }
  table.studies th.why, table.studies td.why, table.studies th.event, table.studies td.event { display: none; }
  /* an event is a card: date and type, then what changed across the width, then the rest */
  table.events thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.events tr { display: grid; grid-template-columns: max-content 1fr; column-gap: .75rem;
    border-bottom: 1px solid var(--line); padding: .4rem 0; }
  table.events td { border-bottom: 0; padding: .1rem .25rem; }
  table.events td.text { grid-column: 1 / -1; }
}
)css";

constexpr std::string_view k_icon =
    R"svg(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0550ae"/><path d="M3 11h3l2-6 2 8 1-2h2" stroke="#fff" stroke-width="1.5" fill="none"/></svg>)svg";

struct NavItem {
  Section section;
  std::string_view href;
  std::string_view name;
};

constexpr NavItem k_nav[] = {{Section::studies, "/", "Studies"},
                             {Section::events, "/events", "Events"},
                             {Section::due, "/due", "Results due"},
                             {Section::related, "/related", "Related"},
                             {Section::status, "/status", "Status"}};

std::string_view status_title(int status) {
  switch (status) {
    case 400:
      return "Bad request";
    case 401:
      return "Not authorised";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 503:
      return "Database unavailable";
    default:
      return "Error";
  }
}

}  // namespace

std::string h(std::string_view text) { return core::for_html(text); }

std::string url_encode(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string page(std::string_view title, Section section, std::string_view body) {
  std::string out = fmt::format(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} · trialwatch</title>\n"
      "<link rel=\"stylesheet\" href=\"/style.css\">\n<link rel=\"icon\" href=\"/favicon.svg\" "
      "type=\"image/svg+xml\">\n"
      "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"trialwatch events\" href=\"/feed.atom\">\n"
      "</head>\n<body>\n<header class=\"site\"><a class=\"brand\" href=\"/\">trialwatch</a>\n"
      "<nav aria-label=\"Main\"><ul>",
      h(title));
  for (const auto& item : k_nav)
    out += fmt::format("<li><a href=\"{}\"{}>{}</a></li>", item.href,
                       item.section == section ? " aria-current=\"page\"" : "", item.name);
  out += "<li><a href=\"/feed.atom\">Feed</a></li></ul></nav></header>\n<main>\n";
  out.append(body);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

Response error_page(int status, std::string_view sentence) {
  Response response;
  response.status = status;
  response.body =
      page(status_title(status), Section::none,
           fmt::format("<h1>{}</h1>\n<p class=\"error\">{}</p>\n<p><a href=\"/\">Back to the tracked studies</a></p>\n",
                       status_title(status), h(sentence)));
  return response;
}

std::string_view stylesheet() {
  static const std::string css = std::string(k_base_css) + std::string(k_timeline_css);
  return css;
}

std::string_view icon_svg() { return k_icon; }

}  // namespace trialwatch::web
