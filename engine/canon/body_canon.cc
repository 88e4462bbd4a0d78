// engine/canon/body_canon.cc (placeholder, being written)
