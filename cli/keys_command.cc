// cli/keys_command.cc
//
// `dkimbatch keys`: picks the fetch or check subcommand.
#include "cli/keys_command.h"

#include <cstdio>
#include <string_view>

namespace dkimbatch::cli {
namespace {

constexpr char kUsage[] =
    "usage: dkimbatch keys <fetch|check> [options]\n"
    "\n"
    "  fetch   look up every key the archives' signatures need and write a\n"
    "          key cache snapshot (dkimbatch keys fetch --help)\n"
    "  check   fetch and lint one key record: syntax, tags, key size,\n"
    "          private key match (dkimbatch keys check --help)\n";

}  // namespace

int RunKeysCommand(int argc, char** argv) {
  if (argc < 1) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string_view sub = argv[0];
  if (sub == "fetch") return RunKeysFetchCommand(argc - 1, argv + 1);
  if (sub == "check") return RunKeysCheckCommand(argc - 1, argv + 1);
  if (sub == "-h" || sub == "--help" || sub == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "dkimbatch keys: unknown subcommand '%s'\n", argv[0]);
  std::fputs(kUsage, stderr);
  return 2;
}

}  // namespace dkimbatch::cli
