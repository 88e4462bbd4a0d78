// engine/message.cc (placeholder, being written)
