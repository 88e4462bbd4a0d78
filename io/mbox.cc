// io/mbox.cc (placeholder, being written)
