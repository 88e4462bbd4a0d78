// io/mapped_file.cc (placeholder, being written)
