// engine/canon/header_canon.cc (placeholder, being written)
