// engine/base64_internal.h
//
// The implementations behind Base64Decode(), one per SIMD level (base64.cc
// picks one). Not for use outside engine/ and its tests.
#ifndef DKIMBATCH_ENGINE_BASE64_INTERNAL_H_
#define DKIMBATCH_ENGINE_BASE64_INTERNAL_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace dkimbatch::engine::internal {

// Base64DecodeScalar is the reference implementation; the vector versions
// must return the same bool for every input and, when true, the same bytes.
bool Base64DecodeScalar(std::string_view text, std::vector<uint8_t>* out);
bool Base64DecodeAvx2(std::string_view text, std::vector<uint8_t>* out);
bool Base64DecodeAvx512(std::string_view text, std::vector<uint8_t>* out);

}  // namespace dkimbatch::engine::internal

#endif  // DKIMBATCH_ENGINE_BASE64_INTERNAL_H_
