// Thread-count setting for the OpenMP loops over RNS limbs of the CKKS library.
#pragma once

namespace ola::ckks {

/// Sets the number of OpenMP threads CKKS kernels use (loops over RNS limbs). 0 = all cores.
/// Thread safety: a process-wide setting; set it before starting computations.
/// @throws ola::Error if n < 0.
void set_threads(int n);
/// The current setting resolved to a positive count.
int threads();

/// Raises glibc's mmap threshold (mallopt) once per process so the large polynomial buffers
/// (MBs each) are recycled from the heap instead of being mapped and page-faulted on every
/// allocation; called by Params's constructor. Thread safety: idempotent, safe from any thread.
void tune_allocator_once();

}  // namespace ola::ckks
