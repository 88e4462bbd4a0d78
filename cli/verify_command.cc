// cli/verify_command.cc (placeholder, being written)
