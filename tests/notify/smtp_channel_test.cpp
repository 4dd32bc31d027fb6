// SPDX-License-Identifier: MIT
// The SMTP channel through libcurl to a real SMTP receiver (Debian's python3-aiosmtpd) on loopback; the message
// is read back with Python's own e-mail parser.
#include "notify/smtp_channel.hpp"

#include "tests/support/manual_clock.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace trialwatch;
using namespace std::chrono_literals;

namespace {

// An aiosmtpd server storing every message in a Maildir.
struct SmtpReceiver {
  explicit SmtpReceiver(const std::filesystem::path& maildir)
      : port(testing::free_port()),
        process({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port), "-c",
                 "aiosmtpd.handlers.Mailbox", maildir.string()}) {
    for (int i = 0; i < 200 && !testing::accepting(port); ++i) std::this_thread::sleep_for(25ms);
  }
  int port;
  testing::ChildProcess process;
};

}  // namespace

TEST_CASE("an email reaches a real SMTP receiver with the headers and text people read", "[notify][smtp]") {
  testing::TempDir dir;
  const auto maildir = dir.path() / "Maildir";
  SmtpReceiver receiver(maildir);
  REQUIRE(testing::accepting(receiver.port));
  testing::ManualClock clock;
  notify::SmtpChannel channel("smtp://127.0.0.1:" + std::to_string(receiver.port), "trialwatch <tw@example.org>",
                              {"lab@example.org", "pi@example.org"}, clock, 10s);
  const notify::Notification n{"4812bdb6a9a5581d1f0e1bb6de59c2ec",
                               "results_posted",
                               "NCT06613490",
                               "CD19 CAR-NK 细胞治疗难治性抗合成酶综合征",
                               "Results were posted on 2026-09-04",
                               "https://clinicaltrials.gov/study/NCT06613490?tab=results",
                               "{}"};
  const auto result = channel.deliver(n);
  INFO(result.error << "\n" << receiver.process.output());
  REQUIRE(result.delivered);

  const auto parsed =
      testing::run_process({"/usr/bin/python3", "-c",
                            "import mailbox, sys, email.header\n"
                            "messages = list(mailbox.Maildir(sys.argv[1], create=False))\n"
                            "m = messages[0]\n"
                            "print(len(messages))\n"
                            "print(str(email.header.make_header(email.header.decode_header(m['Subject']))))\n"
                            "print(m['Message-ID']); print(m['From']); print(m['To']); print(m['Date'] is not None)\n"
                            "print('|'.join(m.get_payload(decode=True).decode('utf-8').splitlines()))\n",
                            maildir.string()});
  INFO(parsed.output);
  REQUIRE(parsed.exit_code == 0);
  CHECK(parsed.output ==
        "1\n"
        "NCT06613490 results posted: CD19 CAR-NK 细胞治疗难治性抗合成酶综合征\n"
        "<4812bdb6a9a5581d1f0e1bb6de59c2ec@trialwatch>\n"
        "trialwatch <tw@example.org>\n"
        "lab@example.org, pi@example.org\n"
        "True\n"
        "Results were posted on 2026-09-04||CD19 CAR-NK 细胞治疗难治性抗合成酶综合征|"
        "https://clinicaltrials.gov/study/NCT06613490?tab=results||-- |trialwatch, event "
        "4812bdb6a9a5581d1f0e1bb6de59c2ec\n");
}

TEST_CASE("an SMTP relay that is down is a failure that keeps the password out of the message", "[notify][smtp]") {
  testing::ManualClock clock;
  notify::SmtpChannel channel("smtp://alice:s3cret@127.0.0.1:" + std::to_string(testing::free_port()), "tw@example.org",
                              {"lab@example.org"}, clock, 5s);
  const auto result = channel.deliver(notify::Notification{"e1", "results_posted", "NCT06613490", "", "s", "u", "{}"});
  CHECK_FALSE(result.delivered);
  CHECK_THAT(result.error, Catch::Contains("127.0.0.1") && !Catch::Contains("s3cret") && !Catch::Contains("alice"));
}

TEST_CASE("a hostile title cannot add headers or a body part to the e-mail", "[notify][smtp][hostile]") {
  testing::TempDir dir;
  const auto maildir = dir.path() / "Maildir";
  SmtpReceiver receiver(maildir);
  REQUIRE(testing::accepting(receiver.port));
  testing::ManualClock clock;
  notify::SmtpChannel channel("smtp://127.0.0.1:" + std::to_string(receiver.port), "tw@example.org",
                              {"lab@example.org"}, clock, 10s);
  const notify::Notification n{"e2",
                               "results_posted",
                               "NCT06613490",
                               "Trial\r\nBcc: victim@example.org\r\nContent-Type: text/html\r\n\r\n<a href=x>click</a>",
                               "Results\r\n.\r\nRSET\r\nposted\x1b[2J",
                               "https://clinicaltrials.gov/study/NCT06613490?tab=results",
                               "{}"};
  const auto result = channel.deliver(n);
  INFO(result.error << "\n" << receiver.process.output());
  REQUIRE(result.delivered);
  const auto parsed =
      testing::run_process({"/usr/bin/python3", "-c",
                            "import mailbox, sys, email.header\n"
                            "m = list(mailbox.Maildir(sys.argv[1], create=False))[0]\n"
                            "print(m['Bcc'], m.get_content_type(), m.is_multipart(), len(m.get_all('Content-Type')))\n"
                            "print(repr(str(email.header.make_header(email.header.decode_header(m['Subject'])))))\n"
                            "print(repr(m.get_payload(decode=True).decode('utf-8')))\n",
                            maildir.string()});
  INFO(parsed.output);
  REQUIRE(parsed.exit_code == 0);
  CHECK(parsed.output ==
        "None text/plain False 1\n"
        "'NCT06613490 results posted: Trial  Bcc: victim@example.org  Content-Type: text/html    <a href=x>click</a>'\n"
        "'Results\\\\r\\\\n.\\\\r\\\\nRSET\\\\r\\\\nposted\\\\x1b[2J\\n\\nTrial\\\\r\\\\nBcc: victim@example.org"
        "\\\\r\\\\nContent-Type: text/html\\\\r\\\\n\\\\r\\\\n<a href=x>click</a>\\n"
        "https://clinicaltrials.gov/study/NCT06613490?tab=results\\n\\n-- \\ntrialwatch, event e2\\n'\n");
}
