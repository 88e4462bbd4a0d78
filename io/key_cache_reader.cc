// io/key_cache_reader.cc (placeholder, being written)
