// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

namespace trialwatch::web {

// The stylesheet rules that colour timeline_svg()'s drawing (web/timeline.hpp), for the page's own stylesheet (the
// drawing has no inline style: the Content-Security-Policy forbids it). Light colours by default, dark ones under
// prefers-color-scheme: dark; band labels are near-black on light fills and near-white on dark ones (contrast at least
// 7:1), marks and lines at least 3:1 against the page. A status without its own rule gets the plain .band colour.
inline constexpr std::string_view k_timeline_css = R"css(
.timeline { display: block; max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
.timeline text { fill: #1f2328; }
.timeline .band { fill: #e6e6e6; stroke: #ffffff; stroke-width: 1; }
.timeline .band.status-not_yet_recruiting { fill: #d9e2ec; }
.timeline .band.status-recruiting { fill: #b7e4c7; }
.timeline .band.status-enrolling_by_invitation { fill: #c3ecec; }
.timeline .band.status-active_not_recruiting { fill: #bcd4f6; }
.timeline .band.status-suspended { fill: #ffe08a; }
.timeline .band.status-terminated { fill: #f5b7b1; }
.timeline .band.status-completed { fill: #d8c8f2; }
.timeline .band.status-withdrawn { fill: #e8cdb0; }
.timeline .band.status-unknown { fill: #cfcfcf; }
.timeline .band-label { fill: #111111; pointer-events: none; }
.timeline .axis line { stroke: #59636e; stroke-width: 1; }
.timeline .axis .grid { stroke: #d0d7de; stroke-dasharray: 2 3; }
.timeline .axis text, .timeline .row-label { fill: #424a53; }
.timeline .mark { stroke: #ffffff; stroke-width: 1; }
.timeline .mark-completion_slip { fill: #b35900; }
.timeline .mark-enrollment { fill: #0b6e99; }
.timeline .mark-results_submitted { fill: #6a3d9a; }
.timeline .mark-results_posted { fill: #1b7a3a; }
.timeline .mark-results_due { fill: #59636e; }
.timeline .mark-results_overdue { fill: #c0182a; }
.timeline .due-line { stroke: #59636e; stroke-width: 1; stroke-dasharray: 4 3; }
.timeline .today line { stroke: #cf222e; stroke-width: 2; }
.timeline .today text { fill: #a40e26; font-weight: bold; }
@media (prefers-color-scheme: dark) {
  .timeline text { fill: #e6edf3; }
  .timeline .band { fill: #3a3f45; stroke: #0d1117; }
  .timeline .band.status-not_yet_recruiting { fill: #3b4a5a; }
  .timeline .band.status-recruiting { fill: #1f5e3a; }
  .timeline .band.status-enrolling_by_invitation { fill: #1c5858; }
  .timeline .band.status-active_not_recruiting { fill: #27477a; }
  .timeline .band.status-suspended { fill: #5a4600; }
  .timeline .band.status-terminated { fill: #7a2620; }
  .timeline .band.status-completed { fill: #4b3a78; }
  .timeline .band.status-withdrawn { fill: #5e4026; }
  .timeline .band.status-unknown { fill: #4a4a4a; }
  .timeline .band-label { fill: #f5f5f5; }
  .timeline .axis line { stroke: #8b949e; }
  .timeline .axis .grid { stroke: #30363d; }
  .timeline .axis text, .timeline .row-label { fill: #c9d1d9; }
  .timeline .mark { stroke: #0d1117; }
  .timeline .mark-completion_slip { fill: #ffa657; }
  .timeline .mark-enrollment { fill: #6cc4ee; }
  .timeline .mark-results_submitted { fill: #c9a8f0; }
  .timeline .mark-results_posted { fill: #7ee0a0; }
  .timeline .mark-results_due { fill: #b1bac4; }
  .timeline .mark-results_overdue { fill: #ff7b86; }
  .timeline .due-line { stroke: #8b949e; }
  .timeline .today line { stroke: #ff7b72; }
  .timeline .today text { fill: #ff7b72; }
}
)css";

}  // namespace trialwatch::web
