// io/timestamp.cc (placeholder, being written)
