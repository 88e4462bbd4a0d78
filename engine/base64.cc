// engine/base64.cc
//
// Base64Decode entry point: runs the implementation of the active SIMD level
// (engine/simd/cpu.h).
#include "engine/base64.h"

#include "engine/base64_internal.h"
#include "engine/simd/cpu.h"

namespace dkimbatch::engine {

bool Base64Decode(std::string_view text, std::vector<uint8_t>* out) {
  return simd::ForLevel(simd::ActiveSimdLevel(), internal::Base64DecodeAvx512,
                        internal::Base64DecodeAvx2,
                        internal::Base64DecodeScalar)(text, out);
}

}  // namespace dkimbatch::engine
