// cli/sign_command.cc (placeholder until the subcommand lands)
#include "cli/sign_command.h"

#include <cstdio>

namespace dkimbatch::cli {

int RunSignCommand(int, char**) {
  std::fprintf(stderr, "dkimbatch sign: not built yet\n");
  return 2;
}

}  // namespace dkimbatch::cli
