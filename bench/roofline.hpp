// The roofline columns and the crossover: what the measured cases mean
// against this machine's ceilings and against each other.
#pragma once
#include "report.hpp"

namespace accel {

// Fills gb_per_s, bound and pct_of_peak of every measured case from
// system.peaks (CPU cases against the CPU ceilings, GPU kernel cases against
// the GPU's), and transfer_share of every GPU end_to_end case from its kernel
// twin. A case is memory-bound when its flop/byte is below the machine's
// balance point (FMA rate / bandwidth).
void apply_roofline(report& r);

// The measured ceiling of a bound for a backend ("cpu" or "gpu"); 0 when
// unknown. "memory": the best of the side's bandwidth figures (CPU: triad,
// read, update; GPU: device copy, read), since which access pattern a memory
// system serves fastest differs between machines. "compute": fp32 FMA GFLOP/s.
// With `like` (another report's peaks), only the figures both hold count, so
// two reports' ceilings compare like with like.
double ceiling_of(const json& peaks, const std::string& backend, const std::string& bound, const json& like = nullptr);

// Per workload, series (the parameters other than the swept size), GPU
// variant and timing: the swept sizes with their speedups, the break-even
// size (smallest swept size whose speedup point estimate exceeds 1) and the
// target size (smallest whose CI low reaches the target); null when not
// reached in the sweep. Workloads unknown to this build are skipped.
json compute_crossovers(const report& r);

}  // namespace accel
