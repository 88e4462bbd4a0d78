// engine/crypto/digest.cc (placeholder, being written)
