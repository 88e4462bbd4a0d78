// cli/sign_command.h
//
// `dkimbatch sign`: signs every message of an mbox, Maildir, message file or
// standard input, writing the same kind of output.
#ifndef DKIMBATCH_CLI_SIGN_COMMAND_H_
#define DKIMBATCH_CLI_SIGN_COMMAND_H_

namespace dkimbatch::cli {

// RunSignCommand runs `dkimbatch sign` with the arguments after the
// subcommand name and returns the exit status (0 ok, 1 I/O or signing
// failure, 2 usage error).
int RunSignCommand(int argc, char** argv);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_SIGN_COMMAND_H_
