// io/jsonl_writer.cc (placeholder, being written)
