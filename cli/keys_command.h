// cli/keys_command.h
//
// `dkimbatch keys fetch|check`: key snapshots from DNS and key record checks.
#ifndef DKIMBATCH_CLI_KEYS_COMMAND_H_
#define DKIMBATCH_CLI_KEYS_COMMAND_H_

namespace dkimbatch::cli {

// RunKeysCommand dispatches `keys fetch` and `keys check`; `argv` starts
// after "keys".
int RunKeysCommand(int argc, char** argv);

// RunKeysFetchCommand is `keys fetch` (cli/keys_fetch_command.cc).
int RunKeysFetchCommand(int argc, char** argv);

// RunKeysCheckCommand is `keys check` (cli/keys_check_command.cc).
int RunKeysCheckCommand(int argc, char** argv);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_KEYS_COMMAND_H_
