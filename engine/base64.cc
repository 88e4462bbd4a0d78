// engine/base64.cc
//
// Base64Decode entry point: runs the implementation of the active SIMD level
// (engine/simd/cpu.h).
#include "engine/base64.h"

#include "engine/base64_internal.h"
#include "engine/simd/cpu.h"

namespace dkimbatch::engine {

bool Base64Decode(std::string_view text, std::vector<uint8_t>* out) {
  switch (simd::ActiveSimdLevel()) {
    case simd::SimdLevel::kAvx512:
      return internal::Base64DecodeAvx512(text, out);
    case simd::SimdLevel::kAvx2:
      return internal::Base64DecodeAvx2(text, out);
    case simd::SimdLevel::kScalar:
      break;
  }
  return internal::Base64DecodeScalar(text, out);
}

}  // namespace dkimbatch::engine
