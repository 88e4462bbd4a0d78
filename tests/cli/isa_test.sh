#!/usr/bin/env bash
# tests/cli/isa_test.sh STATIC_LIB...
# One binary runs on any x86-64: AVX, AVX-512, BMI and SHA instructions
# appear only in the vector kernels' object files (*_avx2.cc.o,
# *_avx512.cc.o, *_avx512vbmi2.cc.o, *_ifma.cc.o, *_shani.cc.o), and
# there never in a weak (COMDAT) function: an inline function or template
# instance that another object also emits, of which the linker keeps one
# copy for every caller, must be baseline code. (The hazard of per-file -m
# flags that engine/simd/avx2_begin.h avoids.)
set -euo pipefail
command -v objdump >/dev/null || { echo "skip: no objdump"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 kernels=0
# functions_with_vector_code OBJ: names (mangled) of functions using them.
# (tzcnt is not among them: baseline GCC code emits `rep bsf` for ctz, which
# disassembles as tzcnt and runs as bsf on CPUs without BMI1.)
functions_with_vector_code() {
  objdump -d --no-show-raw-insn "$1" | awk '
    /^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
    /%[yz]mm|%k[0-7]|\t(lzcnt|shlx|shrx|sarx|bzhi|pdep|pext|popcnt|andn|blsr|blsi|blsmsk|vp[a-z]|vmov|vbroadcast|vperm|vzeroupper|sha256(rnds2|msg1|msg2))/ {
      print fn
    }' | sort -u
}
for lib in "$@"; do
  (cd "$tmp" && rm -f ./*.o && ar x "$lib")
  for obj in "$tmp"/*.o; do
    name=$(basename "$obj")
    users=$(functions_with_vector_code "$obj")
    case "$name" in
      *_avx2.cc.o|*_avx512.cc.o|*_avx512vbmi2.cc.o|*_ifma.cc.o|*_shani.cc.o)
        [ -n "$users" ] && kernels=$((kernels + 1))
        weak=$(nm --defined-only "$obj" | awk '$2 == "W" || $2 == "V" {print $3}' | sort -u)
        shared=$(comm -12 <(echo "$users") <(echo "$weak") | grep . || true)
        if [ -n "$shared" ]; then
          echo "FAIL: $name: weak functions built with vector code:"
          echo "$shared" | c++filt
          fail=1
        fi
        ;;
      *)
        if [ -n "$users" ]; then
          echo "FAIL: $name (baseline) uses AVX/BMI/SHA instructions in:"
          echo "$users" | c++filt
          fail=1
        fi
        ;;
    esac
  done
done
[ "$kernels" -ge 8 ] || { echo "FAIL: only $kernels vector kernel objects"; fail=1; }
[ "$fail" = 0 ] && echo "ok: vector code only in $kernels kernel objects, none of it shared"
exit $fail
