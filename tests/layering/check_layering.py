#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fail when a module includes a header that docs/architecture.md ("Dependency rules") forbids it.

Checks every first-party source file under core/ fetch/ diff/ store/ notify/ report/ web/ daemon/ cli/:
  * `#include "<module>/..."` must name a module the including module may use;
  * third-party headers (curl, SQLite, libpq, simdjson, toml++, zstd, systemd, CLI11) appear only where allowed;
  * no public header (.hpp) includes <curl/curl.h>, <sqlite3.h>, <SQLiteCpp/...>, <libpq-fe.h> or <simdjson.h>;
  * a module's internal headers (<module>/detail/*.hpp, and store/postgres/*.hpp: the PostgreSQL engine's own
    files; both exempt from the rule above) are included only by it.
Usage: check_layering.py ROOT | check_layering.py --self-test
"""
import os
import re
import sys
import tempfile

MODULES = ["core", "fetch", "diff", "store", "notify", "report", "web", "daemon", "cli"]

# module -> first-party modules it may include (itself always allowed)
ALLOWED_MODULES = {
    "core": set(),
    "fetch": {"core"},
    "diff": {"core"},
    "store": {"core"},
    "notify": {"core", "fetch"},
    "report": {"core", "store", "diff"},
    "web": {"core", "store", "diff", "report"},
    "daemon": set(MODULES) - {"cli", "report", "web"},
    "cli": {"core", "store", "diff", "report", "web"},
}

# third-party include prefix -> modules allowed to include it
THIRD_PARTY = {
    "curl/": {"fetch", "notify", "daemon"},
    "sqlite3.h": {"store"},
    "SQLiteCpp/": {"store"},
    "libpq-fe.h": {"store"},
    "simdjson.h": {"fetch", "diff", "daemon"},
    "toml++/": {"core/config"},
    "zstd.h": {"store"},
    "systemd/": {"daemon"},
    "CLI/": {"cli", "daemon"},
    "openssl/": {"notify"},
    "httplib.h": {"cli"},
}

FORBIDDEN_IN_PUBLIC_HEADERS = ("curl/curl.h", "sqlite3.h", "SQLiteCpp/", "libpq-fe.h", "simdjson.h")

# folders whose headers are internal to their module, so they may include third-party headers
INTERNAL_HEADER_DIRS = ("/detail/", "store/postgres/")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def source_files(root):
    for module in MODULES:
        base = os.path.join(root, module)
        for dirpath, _, files in os.walk(base):
            for name in files:
                if name.endswith((".hpp", ".cpp", ".h")):
                    yield module, os.path.join(dirpath, name)


def allowed_third_party(module, relpath, prefix):
    for owner in THIRD_PARTY[prefix]:
        if owner == module or relpath.startswith(owner + "/"):
            return True
    return False


def is_internal(path):
    """Say whether `path` (relative to the root) names a module-internal header."""
    return any(folder in path if folder.startswith("/") else path.startswith(folder) for folder in INTERNAL_HEADER_DIRS)


def check(root):
    problems = []
    for module, path in source_files(root):
        relpath = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                header = match.group(2)
                where = f"{relpath}:{number}"
                first = header.split("/", 1)[0]
                if match.group(1) == '"' and first in MODULES and first != module \
                        and first not in ALLOWED_MODULES[module]:
                    problems.append(f"{where}: module '{module}' may not include \"{header}\"")
                for prefix in THIRD_PARTY:
                    if header.startswith(prefix) and not allowed_third_party(module, relpath, prefix):
                        problems.append(f"{where}: module '{module}' may not include <{header}>")
                if match.group(1) == '"' and is_internal(header) and first != module:
                    problems.append(f"{where}: module '{module}' may not include another module's internal \"{header}\"")
                if path.endswith(".hpp") and not is_internal(relpath) and header.startswith(FORBIDDEN_IN_PUBLIC_HEADERS):
                    problems.append(f"{where}: public header includes third-party <{header}>; move it into a .cpp")
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as root:
        cases = {
            "diff/bad.cpp": '#include "fetch/http_client.hpp"\n',
            "cli/bad.cpp": "#include <curl/curl.h>\n",
            "store/bad.hpp": "#include <SQLiteCpp/Database.h>\n",
            "store/detail/fine.hpp": "#include <SQLiteCpp/Database.h>\n",
            "daemon/bad.cpp": '#include "store/detail/connection.hpp"\n',
            "store/postgres/fine.hpp": "#include <libpq-fe.h>\n",
            "store/bad_pq.hpp": "#include <libpq-fe.h>\n",
            "cli/bad_pq.cpp": "#include <libpq-fe.h>\n",
            "web/bad_pq.cpp": '#include "store/postgres/connection.hpp"\n',
            "core/fine.cpp": '#include "core/result.hpp"\n#include <fmt/format.h>\n',
        }
        for rel, text in cases.items():
            os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as handle:
                handle.write(text)
        problems = check(root)
        flagged = {p.split(":", 1)[0] for p in problems}
        expected = {"diff/bad.cpp", "cli/bad.cpp", "store/bad.hpp", "daemon/bad.cpp", "store/bad_pq.hpp",
                    "cli/bad_pq.cpp", "web/bad_pq.cpp"}
        if flagged != expected:
            print(f"self-test failed: flagged {sorted(flagged)}, expected {sorted(expected)}")
            return 1
    print(f"self-test passed: {len(expected)} files with forbidden includes flagged, 3 allowed files accepted")
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems = check(argv[1])
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} layering violation(s); see docs/architecture.md, \"Dependency rules\"")
        return 1
    print("layering ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
