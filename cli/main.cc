// cli/main.cc
//
// The `dkimbatch` program: dispatches to one subcommand per file.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>

#include "cli/gen_command.h"
#include "cli/keys_command.h"
#include "cli/sign_command.h"
#include "cli/verify_command.h"

namespace {

constexpr char kVersion[] = "dkimbatch 0.1.0";

void PrintUsage() {
  std::fputs(
      "usage: dkimbatch <command> [options]\n"
      "\n"
      "commands:\n"
      "  verify    verify the DKIM signatures of mbox files, Maildirs and\n"
      "            message files against a key cache; one JSON verdict line\n"
      "            per message (dkimbatch verify --help)\n"
      "  sign      sign messages with a private key (dkimbatch sign --help)\n"
      "  gen       write a seeded synthetic signed corpus with its key cache\n"
      "            and expected verdicts (dkimbatch gen --help)\n"
      "  keys fetch  look up every key an archive needs over DNS and write a\n"
      "            key cache snapshot (dkimbatch keys fetch --help)\n"
      "  keys check  fetch and lint one key record, optionally against its\n"
      "            private key (dkimbatch keys check --help)\n"
      "  version   print the version\n",
      stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage();
    return 2;
  }
  std::string_view command = argv[1];
  try {
    if (command == "verify") {
      return dkimbatch::cli::RunVerifyCommand(argc - 2, argv + 2);
    }
    if (command == "sign") {
      return dkimbatch::cli::RunSignCommand(argc - 2, argv + 2);
    }
    if (command == "keys") {
      return dkimbatch::cli::RunKeysCommand(argc - 2, argv + 2);
    }
    if (command == "gen") {
      return dkimbatch::cli::RunGenCommand(argc - 2, argv + 2);
    }
    if (command == "version" || command == "--version") {
      std::printf("%s\n", kVersion);
      return 0;
    }
    if (command == "-h" || command == "--help" || command == "help") {
      PrintUsage();
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dkimbatch: fatal: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "dkimbatch: unknown command '%s'\n", argv[1]);
  PrintUsage();
  return 2;
}
