// engine/key_record.cc (placeholder, being written)
