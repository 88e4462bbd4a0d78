// engine/base64_scalar.cc
//
// Scalar base64 decoder for tag values: the reference implementation.
#include <array>

#include "engine/base64_internal.h"

namespace dkimbatch::engine::internal {
namespace {

constexpr uint8_t kInvalid = 0xff;
constexpr uint8_t kSkip = 0xfe;
constexpr uint8_t kPad = 0xfd;

constexpr std::array<uint8_t, 256> MakeTable() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  const char* alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(alphabet[i])] = i;
  t[' '] = t['\t'] = t['\r'] = t['\n'] = kSkip;
  t['='] = kPad;
  return t;
}
constexpr std::array<uint8_t, 256> kTable = MakeTable();

}  // namespace

bool Base64DecodeScalar(std::string_view text, std::vector<uint8_t>* out) {
  out->clear();
  out->reserve(text.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  int quads = 0;  // sextets in the current group of four
  int pads = 0;
  for (char ch : text) {
    const uint8_t v = kTable[static_cast<uint8_t>(ch)];
    if (v == kSkip) continue;
    if (v == kInvalid) return false;
    if (v == kPad) {
      ++pads;
      continue;
    }
    if (pads > 0) return false;  // data after padding
    acc = (acc << 6) | v;
    bits += 6;
    quads = (quads + 1) & 3;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (quads == 1) return false;  // a lone sextet is not a byte
  if (pads > 2) return false;
  if (pads > 0 && ((quads + pads) & 3) != 0) return false;  // wrong padding
  return true;
}

}  // namespace dkimbatch::engine::internal
