// engine/verifier.cc (placeholder, being written)
