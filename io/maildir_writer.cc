// io/maildir_writer.cc (placeholder, being written)
