// io/maildir.cc (placeholder, being written)
