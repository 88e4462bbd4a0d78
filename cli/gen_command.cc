// cli/gen_command.cc (placeholder until the subcommand lands)
#include "cli/gen_command.h"

#include <cstdio>

namespace dkimbatch::cli {

int RunGenCommand(int, char**) {
  std::fprintf(stderr, "dkimbatch gen: not built yet\n");
  return 2;
}

}  // namespace dkimbatch::cli
