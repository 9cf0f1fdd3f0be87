// sort's CPU paths (bench/workloads/sort.cpp): a parallel radix sort over the threads set
// by set_cpu_threads() (OpenMP) and std::sort on one core, its reference.
#pragma once
#include <cstddef>
#include <cstdint>

namespace accel {

// Radix sort of 32-bit unsigned keys, alone or with 32-bit values, stable,
// 8 bits per pass: the top byte first over all threads (256 buckets), then
// the three low bytes LSD inside each bucket, buckets spread over the
// threads. Keys that share their top byte land in one bucket, sorted by one
// thread. `tmp` holds n keys, or n pairs packed to 64 bits.
void radix_sort_parallel(uint32_t* keys, size_t n, uint32_t* tmp);
void radix_sort_parallel(uint32_t* keys, uint32_t* vals, size_t n, uint64_t* tmp);
// std::sort on one core; pairs are packed to 64 bits (key high, value low) so
// that equal keys keep their values' order when values are positions.
void sort_std(uint32_t* keys, uint32_t* vals, size_t n, uint64_t* packed);

}  // namespace accel
