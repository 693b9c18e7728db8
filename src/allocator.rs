//! Process-wide malloc settings: the provider binary applies them at start, and the benchmarks do too so
//! that they measure the same allocator behaviour the shipped process has.

/// glibc's malloc raises its mmap threshold to the largest block freed so far (up to 32 MiB), after which
/// large short-lived buffers (response bodies, pages being put together) are carved from the heap, whose
/// pages then stay resident for the process's life. A fixed threshold keeps such buffers in mappings of
/// their own that go back to the system when freed; a lower trim threshold returns a freed heap top
/// (BENCHMARKS.md figure 4). Call it before other threads start.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() {
    // SAFETY: mallopt only changes allocator parameters, and the caller runs it before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 10);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 10);
    }
}

/// Other allocators keep their defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() {}
