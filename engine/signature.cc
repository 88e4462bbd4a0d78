// engine/signature.cc (placeholder, being written)
