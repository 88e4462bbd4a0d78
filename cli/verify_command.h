// cli/verify_command.h
//
// `dkimbatch verify`: options, key cache loading, the pipeline run, summary.
#ifndef DKIMBATCH_CLI_VERIFY_COMMAND_H_
#define DKIMBATCH_CLI_VERIFY_COMMAND_H_

namespace dkimbatch::cli {

// RunVerifyCommand runs `dkimbatch verify` with the arguments after the
// subcommand name. Returns the process exit status (DESIGN.md): 0 when every
// input was read, 1 when an input could not be read, 2 on a usage error.
int RunVerifyCommand(int argc, char** argv);

// PrintVerifyUsage writes the verify help text to `out`.
void PrintVerifyUsage(bool full);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_VERIFY_COMMAND_H_
