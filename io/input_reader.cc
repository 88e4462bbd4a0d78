// io/input_reader.cc (placeholder, being written)
