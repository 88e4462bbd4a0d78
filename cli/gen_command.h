// cli/gen_command.h
//
// `dkimbatch gen`: a seeded synthetic signed corpus (mbox, Maildir, key cache,
// private keys and the expected verdicts) for tests and benchmarks.
#ifndef DKIMBATCH_CLI_GEN_COMMAND_H_
#define DKIMBATCH_CLI_GEN_COMMAND_H_

namespace dkimbatch::cli {

// RunGenCommand runs `dkimbatch gen` with the arguments after the subcommand
// name and returns the exit status (0 ok, 1 I/O failure, 2 usage error).
int RunGenCommand(int argc, char** argv);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_GEN_COMMAND_H_
