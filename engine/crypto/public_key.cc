// engine/crypto/public_key.cc (placeholder, being written)
